"""The coherence invariants of spec §3.0 over walks of the logic, answered in the order it asks.

A walk starts with no findings and answers the first finding the advice still needs (``missing``),
with a value of its domain or "unknown" (then that finding is not asked again), until nothing
more is needed. Every advice along the way is checked for C1-C7; every step for C9 (a decided
field never changes) and every walk for C9's urgency half (no provisional value is less urgent
than the final one).

* exhaustive over every answer sequence for spine.alarm and the calculators (number findings:
  the values the rules compare against); for lm.diagnosis exhaustive with the symptom lists
  narrowed to one per kind (none, visual only, cranial, spinal, both);
* seeded random walks (hypothesis, which shrinks a failure to a minimal walk) for every pathway.

A failure names the invariant and the walk (answers in order) that breaks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logic.advice import Advice, advise_findings
from logic.describe import codes, interpretations
from logic.domains import Domain, domains
from logic.interpretations import INTERPRETATIONS
from logic.pathway import Pathway
from logic.pathways import PATHWAYS

from .invariants import check_advice, check_step, check_urgency_path

UNKNOWN = object()
EDGES = {"albumin_g_per_l": (34.9, 35), "kps": (30, 60, 70, 90),
         "years_since_primary_diagnosis": (1, 2.5, 6)}
SYMPTOM_KINDS = ([], ["visual_complaints"], ["headache"], ["radicular_pain"],
                 ["confusion", "cauda_equina"])


def answers(name: str, domain: Domain, narrow: bool) -> list[Any]:
    """What a walk may answer for a finding (besides unknown)."""
    if domain.kind == "bool":
        return [True, False]
    if domain.kind == "choice":
        return list(domain.values)
    if domain.kind == "multi":
        if name == "symptoms" and narrow:
            return [list(s) for s in SYMPTOM_KINDS]
        return [[], *([v] for v in domain.values), list(domain.values)]
    return list(EDGES.get(name, (domain.low or 0,)))


def valid(pathway: Pathway, findings: dict[str, Any]) -> bool:
    try:
        pathway.findings.model_validate(findings)
    except ValueError:
        return False  # e.g. KPS < 70 with ADL independence: refused, as the spec says
    return True


class Walk:
    """One walk in progress: the answers given, and every advice along it."""

    def __init__(self, pathway: Pathway) -> None:
        self.pathway = pathway
        self.findings: dict[str, Any] = {}
        self.unknown: set[str] = set()
        self.answered: list[tuple[str, Any]] = []
        self.advices = [self.advise()]

    def advise(self) -> Advice:
        return advise_findings(self.pathway, self.pathway.findings.model_validate(self.findings))

    def next_finding(self) -> str | None:
        return next((n for n in self.advices[-1].missing if n not in self.unknown), None)

    def answer(self, name: str, value: Any) -> None:
        self.answered.append((name, "unknown" if value is UNKNOWN else value))
        if value is UNKNOWN:
            self.unknown.add(name)
        else:
            self.findings[name] = value
        self.advices.append(self.advise())

    def problems(self) -> list[str]:
        last = self.advices[-1]
        broken = check_advice(self.pathway, self.findings, last)
        if len(self.advices) > 1:
            broken += check_step(self.advices[-2], last)
        return broken

    def fail(self, broken: list[str]) -> str:
        walk = ", ".join(f"{n}={v!r}" for n, v in self.answered) or "(no answers)"
        return f"{self.pathway.id}: {'; '.join(broken)}\n  walk: {walk}"


def exhaustive(pathway: Pathway, narrow: bool) -> Iterator[Walk]:
    """Every complete walk (depth first), checking each step; yields finished walks."""
    doms = domains(pathway.findings)

    def go(history: list[tuple[str, Any]]) -> Iterator[Walk]:
        walk = Walk(pathway)
        for name, value in history:
            walk.answer(name, value)
        broken = walk.problems()
        assert not broken, walk.fail(broken)
        name = walk.next_finding()
        if name is None:
            yield walk
            return
        for value in (*answers(name, doms[name], narrow), UNKNOWN):
            if value is UNKNOWN or valid(pathway, {**walk.findings, name: value}):
                yield from go([*history, (name, value)])

    yield from go([])


@pytest.mark.parametrize(("pathway_id", "narrow"), [
    ("spine.alarm", False), ("calc.nesms", False), ("calc.kps", False),
    ("calc.lm_category", False), ("lm.diagnosis", True),
])
def test_exhaustive_walks_keep_every_invariant(pathway_id: str, narrow: bool) -> None:
    count = 0
    for walk in exhaustive(PATHWAYS[pathway_id], narrow):
        broken = check_urgency_path(walk.advices)
        assert not broken, walk.fail(broken)
        count += 1
    assert count >= 5  # the walk really branched (calc.kps: four values and unknown)


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_walks_keep_every_invariant(pathway_id: str, data: st.DataObject) -> None:
    pathway = PATHWAYS[pathway_id]
    doms = domains(pathway.findings)
    walk = Walk(pathway)
    while (name := walk.next_finding()) is not None:
        options = [v for v in answers(name, doms[name], narrow=False)
                   if valid(pathway, {**walk.findings, name: v})]
        walk.answer(name, data.draw(st.sampled_from([*options, UNKNOWN]), label=name))
        broken = walk.problems()
        assert not broken, walk.fail(broken)
    broken = check_urgency_path(walk.advices)
    assert not broken, walk.fail(broken)


@pytest.mark.parametrize("pathway_id", list(PATHWAYS))
def test_every_interpretation_a_rule_can_raise_has_a_text(pathway_id: str) -> None:
    """C10, logic half: the ids a rule can raise exist with their short text (the dialog tests
    check the translated texts and every code's text)."""
    for name, decision in PATHWAYS[pathway_id].built.fields.items():
        raised = set(interpretations(decision.rule))
        assert raised <= set(INTERPRETATIONS), (name, raised - set(INTERPRETATIONS))
        assert codes(decision.rule) or name in ("nesms", "prognosis"), name


def test_every_interpretation_is_raised_by_some_rule() -> None:
    raised = {i for p in PATHWAYS.values() for d in p.built.fields.values()
              for i in interpretations(d.rule)}
    assert raised == set(INTERPRETATIONS)
