"""The shortcuts taken for speed give exactly what the plain way gives.

* every pathway's rules compiled with the usual-case paths, skipped de-duplications and merged
  repeated logic (as used) against the plain templates (``shortcuts=False``), on random findings;
* ``Pathway.decide`` and the advice read the same compiled parts;
* the advice object is made as ``Advice.model_construct`` would make it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logic.advice import Advice, _advice, advise_findings
from logic.compiler import compile_rules
from logic.facts import Facts
from logic.findings import SpineAlarmFindings
from logic.outcome import NO_BRANCH
from logic.pathways import PATHWAYS
from logic.rules import Fields, first

from .test_properties import PROPERTY_SETTINGS, full_and_partial, validated

PLAIN = {
    pathway_id: compile_rules(p.findings, p.rules, p.field_names, shortcuts=False)
    for pathway_id, p in PATHWAYS.items()
}


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_shortcuts_give_what_the_plain_templates_give(pathway_id: str,
                                                      data: st.DataObject) -> None:
    pathway = PATHWAYS[pathway_id]
    full, partial = data.draw(full_and_partial(pathway))
    for findings in (full, partial):
        model = validated(pathway, findings)
        assert repr(pathway.evaluate(model)) == repr(PLAIN[pathway_id](model))


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
def test_decide_and_advice_read_the_same_parts(pathway_id: str) -> None:
    pathway = PATHWAYS[pathway_id]
    findings = pathway.findings()
    outcomes = pathway.decide(findings)
    advice = advise_findings(pathway, findings)
    for name, outcome in outcomes.items():
        if outcome.decided:
            assert name not in advice.missing_by_decision
        else:
            assert advice.missing_by_decision[name] == list(outcome.needs)


def test_a_finding_name_is_checked_when_the_rules_are_built() -> None:
    def rules(f: Facts) -> Fields:
        return {"alarm_level": first([(f.flag("sudden_weaknes"), "contact_now", NO_BRANCH)], None)}

    with pytest.raises(KeyError, match="sudden_weaknes"):
        compile_rules(SpineAlarmFindings, rules, ("alarm_level",))


def test_the_advice_is_made_as_model_construct_makes_it() -> None:
    fields: dict[str, Any] = {
        "pathway": "spine.alarm", "guideline": None, "decisions": {"alarm_level": None},
        "missing": ["sudden_weakness"], "missing_by_decision": {"alarm_level": ["x"]},
        "interpretations": [], "rationale": [],
    }
    made, constructed = _advice(**fields), Advice.model_construct(**fields)
    assert made.__dict__ == constructed.__dict__
    assert made.model_fields_set == constructed.model_fields_set
    assert made.__pydantic_extra__ == constructed.__pydantic_extra__
    assert made.__pydantic_private__ == constructed.__pydantic_private__
    assert made == constructed
