"""Generated files are current: message keys, flowcharts, rules (see test_traceability)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.flowchart import OUT, mermaid
from dialogs.flows import FLOWS
from dialogs.keys import GENERATED, render_module


def test_generated_keys_are_current() -> None:
    assert GENERATED.read_text(encoding="utf-8") == render_module(), (
        "stale: run python -m dialogs.keys && ./dev catalogs")


@pytest.mark.parametrize("pathway", list(FLOWS))
def test_flowchart_is_current(pathway: str) -> None:
    path: Path = OUT / f"{pathway}.mmd"
    assert path.read_text(encoding="utf-8") == mermaid(pathway), (
        "stale: run python -m dialogs.flowchart")


def test_flowchart_starts_with_the_urgent_question() -> None:
    chart = (OUT / "spine.diagnosis.mmd").read_text(encoding="utf-8")
    assert "start --> triggers_12h" in chart
