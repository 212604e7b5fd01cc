"""The dialog engine: walks of every dialog, refused input, back/restart/language, the machines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import engine
from dialogs.flows import FLOWS
from dialogs.machine import machine_for
from dialogs.walk import explore
from logic.advice import advise
from logic.pathways import PATHWAYS
from tests.dialog_driver import JsonlSession
from tests.test_properties import full_and_partial, validated

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("pathway", list(FLOWS))
def test_walk_every_dialog(pathway: str) -> None:
    """No dead end, no question twice, every path ends in an advice, every question reachable."""
    result = explore(pathway)
    assert result.problems == []
    assert result.complete
    assert result.paths_ended_in_advice > 0
    assert result.asked == {q.id for q in FLOWS[pathway].questions}
    assert any(dest == "advice" for _, dest in result.edges)


@pytest.mark.parametrize("pathway", list(FLOWS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_finding_the_logic_can_need_has_a_question(pathway: str,
                                                         data: st.DataObject) -> None:
    p = PATHWAYS[pathway]
    _, partial = data.draw(full_and_partial(p))
    advice = advise(pathway, validated(p, partial))
    for finding in advice.missing:
        assert FLOWS[pathway].question_for(finding) is not None, (pathway, finding)


@pytest.mark.parametrize(
    ("pathway", "answers", "bad", "fragment"),
    [
        ("calc.nesms", ["no", "breast", "yes", "independent"], "71", "71"),
        ("calc.nesms", ["no", "breast", "yes", "independent"], "4", "5"),
        ("calc.nesms", ["no", "breast", "yes", "independent"], "3;5", "3;5"),
        ("calc.nesms", ["no", "breast", "yes", "independent"], "3.500,5", "3.500,5"),
        ("calc.nesms", ["no"], "pancreas", "Breast cancer"),  # labels, not values
        ("calc.nesms", [], "", "?"),
        ("calc.nesms", [], "x" * 10_000, "200"),
        ("calc.nesms", [], "👍", "yes"),
        ("calc.kps", [], "75", "10"),
        ("spine.diagnosis", [], "lhermitte,🤷", "ermitte's sign"),  # the label
    ],
)
def test_refused_input_names_what_is_allowed_and_repeats_the_question(
        pathway: str, answers: list[str], bad: str, fragment: str) -> None:
    session = JsonlSession(lang="en", pathway=pathway)
    session.messages()
    for a in answers:
        before = session.send(a)[-1]
    if not answers:
        before = session.chat.step and {"id": session.chat.step.question.id}  # type: ignore[union-attr]
    replies = session.send(bad)
    assert [m["type"] for m in replies] == ["error", "question"]
    assert fragment in replies[0]["text"]
    assert replies[1]["id"] == before["id"]  # the same question again, nothing lost
    assert len(replies[0]["text"]) < 400


def test_decimal_comma_and_point_are_both_accepted() -> None:
    for typed in ("34,9", "34.9"):
        session = JsonlSession(lang="nl", pathway="calc.nesms")
        for a in ["no", "breast", "yes", "independent"]:
            session.send(a)
        advice = session.send(typed)[-1]
        assert advice["type"] == "advice"
        assert advice["advice"]["decisions"]["nesms"]["points"]["albumin"] == 0


def test_back_restart_and_language_switch_keep_what_they_should() -> None:
    session = JsonlSession(lang="en", pathway="spine.diagnosis")
    first = session.messages()[-1]
    second = session.send("mesmc_deficit")[-1]
    assert second["id"] == "primary_tumor"  # steroids wait on the primary (spine:dx-5)
    third = session.send("breast")[-1]
    assert third["type"] == "question" and second["id"] != third["id"]
    back = session.send("/back")[-1]
    assert back["id"] == second["id"]  # the answer to it is undone
    assert back["decisions"]["mri_within_hours"] == 12  # earlier answers kept
    nl = session.send("/lang nl")[-1]
    assert nl["id"] == back["id"] and nl["decisions"] == back["decisions"]
    assert nl["text"] != back["text"]
    restart = session.send("/restart")[-1]
    assert restart["id"] == first["id"] and "mri_within_hours" not in restart["decisions"]


def test_unknown_command_and_nothing_to_undo() -> None:
    session = JsonlSession(lang="en", pathway="spine.alarm")
    session.messages()
    assert "/frobnicate" in session.send("/frobnicate")[0]["text"]
    assert session.send("/back")[0]["type"] == "error"


def test_menu_leads_into_a_pathway() -> None:
    session = JsonlSession(lang="en")
    menu = session.messages()[-1]
    assert menu["id"] == "menu" and len(menu["options"]) == len(FLOWS)
    assert "notice" in menu and "not replace clinical judgement" in menu["notice"]
    assert session.send("lm.diagnosis")[-1]["pathway"] == "lm.diagnosis"


def test_unknown_answers_leave_decisions_open_and_never_remove_the_urgency() -> None:
    """An "unknown" deficit answer keeps the alarm open, shown at once at its fail-safe value
    (spec §3.0, I-9), and the advice ends with that value and the findings that could lower it."""
    session = JsonlSession(lang="en", pathway="spine.alarm")
    session.messages()
    step = session.send("?")[-1]
    assert step["type"] == "question" and step["id"] == "gradual"
    contact_now = "Contact the treating doctor now"
    assert step["settled_text"].startswith("⚠️ " + contact_now)
    assert "unless less strength in legs" not in step["settled_text"]  # labels, not options
    assert "unless suddenly less strength in the legs and/or arms" in step["settled_text"]
    step = session.send("?")[-1]
    assert step["type"] == "question" and step["id"] == "new_severe_back_or_neck_pain"
    advice = session.send("?")[-1]
    assert advice["type"] == "advice"
    assert advice["advice"]["decisions"]["alarm_level"] is None
    assert advice["advice"]["provisional"]["alarm_level"]["value"] == "contact_now"
    assert "⚠️ " + contact_now in advice["text"] and "are excluded" in advice["text"]
    assert "cannot be decided yet" not in advice["text"]
    assert "new bladder or bowel problems" in advice["text"]


def test_answers_that_exclude_the_triggers_show_no_provisional_value() -> None:
    session = JsonlSession(lang="en", pathway="spine.alarm")
    session.messages()
    step = session.send("none")[-1]
    assert step["settled_text"] == "" and step["id"] == "gradual"


def test_one_machine_many_models_and_guarded_jumps() -> None:
    a = engine.start("spine.alarm", "en", NOW)
    b = engine.start("spine.alarm", "nl", NOW)
    pm = machine_for("spine.alarm")
    assert a.conv in pm.machine.models and b.conv in pm.machine.models
    engine.answer(a.conv, "sudden_weakness")
    assert a.conv.state == "advice" and b.conv.state == "sudden"  # moving one moves only it
    # A jump to a question the logic does not need next is refused by the guard.
    assert pm.move(b.conv, "new_severe_back_or_neck_pain") is False
    assert b.conv.state == "sudden"
    with pytest.raises(AttributeError):
        b.conv.to_advice()  # type: ignore[attr-defined]  # auto transitions are off
    with pytest.raises(AttributeError):
        b.conv.trigger("no_such_trigger")  # type: ignore[attr-defined]
    engine.close(a.conv)
    engine.close(b.conv)
    assert a.conv not in pm.machine.models


def test_saved_conversation_resumes_where_it_was() -> None:
    step = engine.start("spine.diagnosis", "en", NOW)
    step = engine.answer(step.conv, "none")
    saved = step.conv.save()
    engine.close(step.conv)
    assert len(saved.model_dump_json()) < 2048
    conv = engine.resume(saved)
    assert conv.state == step.conv.state
    again = engine.current(conv)
    assert again.question is not None and again.question.id == step.question.id  # type: ignore[union-attr]
