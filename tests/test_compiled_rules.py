"""The compiled rules give exactly what the plain evaluator gives.

* every pathway's rule graph compiled with the shortcuts taken for speed, compiled without them
  (the plain templates), and read node by node by :mod:`logic.interpret` (the reference
  meaning), on random findings: the same parts for every field, condition and finding gate;
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
from logic.interpret import evaluate_all
from logic.pathways import PATHWAYS

from .test_properties import PROPERTY_SETTINGS, full_and_partial, validated

PLAIN = {
    pathway_id: compile_rules(p.built.nodes, pathway_id, shortcuts=False)
    for pathway_id, p in PATHWAYS.items()
}


def _parts(outcomes: Any) -> tuple[Any, ...]:
    return tuple((o.possible, o.current, o.because, o.needs) for o in outcomes)


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_compiled_shortcuts_plain_templates_and_the_evaluator_agree(pathway_id: str,
                                                                    data: st.DataObject) -> None:
    pathway = PATHWAYS[pathway_id]
    full, partial = data.draw(full_and_partial(pathway))
    for findings in (full, partial):
        model = validated(pathway, findings)
        fast = repr(pathway.evaluate(model))
        assert fast == repr(PLAIN[pathway_id](model))
        assert fast == repr(_parts(evaluate_all(pathway.built.nodes, model.__dict__)))


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
def test_decide_and_advice_read_the_same_parts(pathway_id: str) -> None:
    pathway = PATHWAYS[pathway_id]
    findings = pathway.findings()
    outcomes = pathway.decide(findings)
    advice = advise_findings(pathway, findings)
    for name, outcome in outcomes.items():
        if name in advice.not_applicable:
            continue
        if outcome.decided and name not in advice.missing_by_decision:
            assert advice.decisions[name] is not None or outcome.value is None


def test_a_finding_name_is_checked_when_the_rules_are_built() -> None:
    with pytest.raises(KeyError, match="sudden_weaknes"):
        Facts(SpineAlarmFindings).flag("sudden_weaknes")


def test_the_advice_is_made_as_model_construct_makes_it() -> None:
    fields: dict[str, Any] = {
        "pathway": "spine.alarm", "guideline": None, "spec_version": 2,
        "decisions": {"alarm_level": None}, "provisional": {}, "not_applicable": [],
        "missing": ["sudden_weakness"], "ignored": [], "interpretations": [], "rationale": [],
        "missing_by_decision": {"alarm_level": ["x"]},
    }
    made, constructed = _advice(**fields), Advice.model_construct(**fields)
    assert made.__dict__ == constructed.__dict__
    assert made.model_fields_set == constructed.model_fields_set
    assert made.__pydantic_extra__ == constructed.__pydantic_extra__
    assert made.__pydantic_private__ == constructed.__pydantic_private__
    assert made == constructed
