"""docs/rules.md is generated from the code and must be current; every rule cites a source."""

from __future__ import annotations

import re
from pathlib import Path

from logic.describe import interpretations, sources
from logic.interpretations import INTERPRETATIONS
from logic.pathways import PATHWAYS
from logic.rules import First
from logic.rules_doc import render

ROOT = Path(__file__).resolve().parent.parent
SOURCE_REF = re.compile(r"^(spine|lm):(dx|tx|bg|app)-[a-z0-9-]+$")


def test_committed_rules_doc_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "stale: run python -m logic rules > docs/rules.md"


def test_every_decision_has_well_formed_sources() -> None:
    """Every value a rule can give carries a source reference in the spec's form."""
    for pathway in PATHWAYS.values():
        assert pathway.built.fields, pathway.id
        for name, decision in pathway.built.fields.items():
            refs = sources(decision.rule)
            assert refs and all(SOURCE_REF.match(r) for r in refs), (pathway.id, name, refs)
            assert set(interpretations(decision.rule)) <= set(INTERPRETATIONS)


def test_the_rules_doc_is_written_from_the_rules() -> None:
    """docs/rules.md changes when a rule changes (it is not prose kept beside the code)."""
    before = render()
    spine = PATHWAYS["spine.diagnosis"].built.fields["mri_within_hours"].rule
    assert isinstance(spine, First)
    original = spine.rules
    try:
        object.__setattr__(spine, "rules", (*original[:1], *original[2:]))
        assert render() != before
        assert "progressive_onset_within_7_days → 24" not in render()
    finally:
        object.__setattr__(spine, "rules", original)
    assert render() == before


def test_decide_returns_exactly_the_declared_fields() -> None:
    for pathway in PATHWAYS.values():
        outcomes = pathway.decide(pathway.findings())
        assert list(outcomes) == list(pathway.field_names), pathway.id
