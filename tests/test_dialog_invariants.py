"""The coherence invariants of spec §3.0 over random dialogs, in Dutch and in English.

A dialog is driven through the engine as a front end drives it (answers as the buttons give them,
"unknown" included; the clock moves between answers), and every step is checked:

* C1: the question asked is about findings the advice still needs (applicable and needed);
* C2: what the step's message and the final advice and chart note show never includes a field
  that does not apply;
* C3-C7 on every advice along the way, C9 on every step and on the urgencies of the whole dialog
  (tests/invariants.py);
* C8: a window's anchor never moves once shown, and the final advice and the chart note show the
  deadline counted from it.

A failure names the invariant and the answers that led to it (hypothesis shrinks them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import engine
from dialogs.chart_note import chart_note
from dialogs.clock import FixedClock, format_deadline
from dialogs.deadlines import anchor, note_shown
from dialogs.flows import FLOWS
from dialogs.render import advice_text, settled_text
from dialogs.walk import answers_for
from logic.pathways import PATHWAYS
from tests.invariants import cannot_apply, check_advice, check_step, check_urgency_path
from tests.test_dialog_cases import _shown_fields

NIGHT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
GUIDELINE_PATHWAYS = ["spine.alarm", "spine.diagnosis", "spine.treatment", "lm.diagnosis",
                      "lm.treatment"]


def _fail(pathway: str, answered: list[tuple[str, str]], what: str) -> str:
    walk = ", ".join(f"{q}={a}" for q, a in answered) or "(no answers)"
    return f"{pathway}: {what}\n  answers: {walk}"


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("pathway", GUIDELINE_PATHWAYS)
@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_dialogs_keep_every_invariant(pathway: str, lang: str,
                                             data: st.DataObject) -> None:
    clock = FixedClock(NIGHT)
    step = engine.start(pathway, lang, clock.now())
    note_shown(step.conv, step.advice, clock.now())
    answered: list[tuple[str, str]] = []
    advices = [step.advice]
    anchors = dict(step.conv.anchors)
    p = PATHWAYS[pathway]
    while step.question is not None:
        question, advice = step.question, step.advice
        needed = set(advice.missing)
        assert set(question.sets) <= needed, _fail(
            pathway, answered, f"C1: {question.id} asks {sorted(set(question.sets) - needed)}, "
            "which no applicable decision needs now")
        inapplicable = set(question.sets) & cannot_apply(p, step.conv.known())
        assert not inapplicable, _fail(pathway, answered, f"C1: asks {sorted(inapplicable)}")
        raw = data.draw(st.sampled_from(answers_for(question)), label=question.id)
        answered.append((question.id, raw))
        clock.advance(timedelta(minutes=data.draw(st.integers(1, 90), label="minutes")))
        step = engine.choose(step.conv, raw)
        assert step.refusal is None or step.refusal.key == "error.kps_adl_contradiction", (
            _fail(pathway, answered, f"refused: {step.refusal}"))
        note_shown(step.conv, step.advice, clock.now())
        text = settled_text(pathway, step.newly_settled, lang, clock.now(), step.advice,
                            step.conv)
        shown = _shown_fields(text, lang) & set(step.advice.not_applicable)
        assert not shown, _fail(pathway, answered, f"C2: the message shows {sorted(shown)}")
        broken = check_advice(p, step.conv.known(), step.advice) + check_step(advices[-1],
                                                                             step.advice)
        assert not broken, _fail(pathway, answered, "; ".join(broken))
        moved = {n for n, at in anchors.items() if step.conv.anchors.get(n) != at}
        assert not moved, _fail(pathway, answered, f"C8: the anchor of {sorted(moved)} moved")
        anchors = dict(step.conv.anchors)
        advices.append(step.advice)
    broken = check_urgency_path(advices)
    assert not broken, _fail(pathway, answered, "; ".join(broken))
    final = step.advice
    clock.advance(timedelta(minutes=45))
    full = advice_text(final, lang, clock.now(), step.conv)
    note = chart_note(step.conv, final, lang, clock.now())
    for text in (full, note):
        shown = _shown_fields(text, lang) & set(final.not_applicable)
        assert not shown, _fail(pathway, answered, f"C2: the advice shows {sorted(shown)}")
    for name, at in step.conv.anchors.items():  # C8: the same deadline, from the same anchor
        hours = final.decisions.get(name)
        if hours is None and name in final.provisional:
            hours = final.provisional[name].value
        done = name == "mri_within_hours" and step.conv.known().get("mri_result") not in (
            None, "pending")
        if type(hours) is int and not done:
            deadline = format_deadline(anchor(step.conv, name, clock.now()), hours, lang)
            assert anchor(step.conv, name, clock.now()) == at
            assert deadline in full and deadline in note, _fail(
                pathway, answered, f"C8: {name} is not shown as {deadline!r}")


def test_every_question_of_every_flow_is_a_question_the_walk_can_answer() -> None:
    for flow in FLOWS.values():
        for question in flow.questions:
            assert answers_for(question), question.id
