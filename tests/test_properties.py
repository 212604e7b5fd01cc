"""Properties over random findings (hypothesis), for every pathway.

* every valid findings set gives a valid advice;
* adding findings never un-decides or changes a decided field (decisions are final);
* with every finding known, every field is decided and nothing is missing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from logic.advice import advise_findings
from logic.domains import Domain, domains
from logic.interpretations import INTERPRETATIONS
from logic.pathway import Pathway
from logic.pathways import PATHWAYS

from .invariants import final_urgency, less_urgent_than

# Boundary values the rules compare against, so random draws hit them often.
FLOAT_EDGES = (0, 2, 2.1, 5, 5.1, 34.9, 35, 70)


def value_strategy(domain: Domain) -> st.SearchStrategy[Any]:
    if domain.kind == "bool":
        return st.booleans()
    if domain.kind == "choice":
        return st.sampled_from(domain.values)
    if domain.kind == "multi":
        return st.lists(st.sampled_from(domain.values), unique=True)
    low = domain.low if domain.low is not None else 0
    high = domain.high if domain.high is not None else 60
    if domain.integer:
        return st.sampled_from(range(int(low), int(high) + 1, domain.step or 1))
    edges = [e for e in FLOAT_EDGES if low <= e <= high]
    return st.one_of(st.sampled_from(edges),
                     st.floats(low, high, allow_nan=False, allow_infinity=False))


@st.composite
def full_and_partial(draw: st.DrawFn, pathway: Pathway) -> tuple[dict[str, Any], dict[str, Any]]:
    doms = domains(pathway.findings)
    full = {name: draw(value_strategy(d)) for name, d in doms.items()}
    known = draw(st.sets(st.sampled_from(sorted(doms))))
    return full, {k: v for k, v in full.items() if k in known}


def validated(pathway: Pathway, findings: dict[str, Any]) -> Any:
    try:
        return pathway.findings.model_validate(findings)
    except ValidationError:
        assume(False)  # e.g. KPS < 70 with ADL independence (lm:tx-1)
        raise


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_every_valid_findings_set_gives_a_valid_advice(pathway_id: str, data: st.DataObject,
                                                       ) -> None:
    pathway = PATHWAYS[pathway_id]
    _, partial = data.draw(full_and_partial(pathway))
    findings = validated(pathway, partial)
    advice = advise_findings(pathway, findings)
    assert list(advice.decisions) == list(pathway.field_names)
    assert set(advice.ignored) <= set(findings.known())
    unknown = set(domains(pathway.findings)) - set(findings.known()) | set(advice.ignored)
    for field, needs in advice.missing_by_decision.items():
        assert advice.decisions[field] is None
        assert field not in advice.not_applicable
        assert set(needs) <= unknown, f"{field} asks for a finding that is already known"
        if not needs:  # waiting on a finding that cannot apply yet: only a fail-safe urgency
            assert field in advice.provisional, f"{field} is undecided but names nothing"
    for field in advice.not_applicable:
        assert advice.decisions[field] is None
    assert set(advice.provisional) <= set(advice.missing_by_decision)
    assert advice.missing == list(dict.fromkeys(
        n for needs in advice.missing_by_decision.values() for n in needs))
    decided = [r.decision for r in advice.rationale]
    assert decided == [f for f in pathway.field_names
                       if f not in advice.missing_by_decision and f not in advice.not_applicable]
    assert all(r.source for r in advice.rationale)
    assert {i.id for i in advice.interpretations} <= set(INTERPRETATIONS)
    json.dumps(advice.model_dump(mode="json"))


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_adding_findings_never_changes_a_decided_field(pathway_id: str,
                                                       data: st.DataObject) -> None:
    """C9 over case files: adding findings never changes a decided field, unless it makes a
    finding already given inapplicable (that finding is then ignored); a provisional urgency is
    never less urgent than the value finally decided."""
    pathway = PATHWAYS[pathway_id]
    full, partial = data.draw(full_and_partial(pathway))
    complete = advise_findings(pathway, validated(pathway, full))
    some = advise_findings(pathway, validated(pathway, partial))
    assert complete.missing == []
    newly_ignored = set(complete.ignored) - set(some.ignored)
    for field, value in some.decisions.items():
        if field not in some.missing_by_decision and not newly_ignored:
            assert complete.decisions[field] == value, (
                f"{field} was decided as {value!r} but became {complete.decisions[field]!r}")
    for field, provisional in some.provisional.items():
        final = final_urgency(complete, field)
        if field not in complete.not_applicable and not newly_ignored:
            assert not less_urgent_than(field, provisional.value, final), (field, provisional)
