"""What the benchmark parts share: the example cases and the percentile they report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES: list[dict[str, Any]] = [
    yaml.safe_load(p.read_text()) for p in sorted((ROOT / "tests" / "cases").glob("*.yaml"))]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
