"""docs/rules.md is generated from the code and must be current; every rule cites a source."""

from __future__ import annotations

import re
from pathlib import Path

from logic.interpretations import INTERPRETATIONS
from logic.pathways import PATHWAYS
from logic.rules_doc import render

ROOT = Path(__file__).resolve().parent.parent
SOURCE_REF = re.compile(r"^(spine|lm):(dx|tx|bg|app)-[a-z0-9-]+$")


def test_committed_rules_doc_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "stale: run python -m logic rules > docs/rules.md"


def test_every_decision_field_has_rule_and_well_formed_sources() -> None:
    for pathway in PATHWAYS.values():
        assert pathway.fields, pathway.id
        for rule in pathway.fields:
            assert rule.rule.strip(), (pathway.id, rule.name)
            refs = [r.strip() for r in rule.source.split(",")]
            assert refs and all(SOURCE_REF.match(r) for r in refs), (pathway.id, rule.name, refs)
            assert set(rule.interpretations) <= set(INTERPRETATIONS)


def test_every_interpretation_is_used_by_some_rule() -> None:
    used = {i for p in PATHWAYS.values() for r in p.fields for i in r.interpretations}
    assert used == set(INTERPRETATIONS)


def test_decide_returns_exactly_the_declared_fields() -> None:
    for pathway in PATHWAYS.values():
        outcomes = pathway.decide(pathway.findings())
        assert list(outcomes) == list(pathway.field_names), pathway.id
