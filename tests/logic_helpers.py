"""Small helpers for the logic tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from logic.advice import Advice, advise

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    return [(p.stem, yaml.safe_load(p.read_text())) for p in sorted(CASES_DIR.glob("*.yaml"))]


def decisions(pathway: str, **findings: Any) -> dict[str, Any]:
    return advise(pathway, findings).decisions


def run(pathway: str, **findings: Any) -> Advice:
    return advise(pathway, findings)


def normalise(value: Any) -> Any:
    """Lists compare as sets (spec §8)."""
    return sorted(value) if isinstance(value, list) else value


def unmet_expectations(decided: dict[str, Any], expect: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"expected": want, "got": decided.get(key, "<absent>")}
        for key, want in expect.items()
        if key not in decided or normalise(decided[key]) != normalise(want)
    }
