"""Bot API faults over real HTTP: 429 with retry_after, 500, slow answers and dropped connections,
on sends, edits, button answers and getUpdates. The bot never crashes, keeps every answer, tells
the user when a reply was lost, never sends an advice twice, and logs neither text nor token."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.keyboards import LANGUAGE_NAMES
from dialogs.clock import FixedClock
from dialogs.i18n import translator
from dialogs.render import pathway_title, question_view, settled_text
from logic.advice import advise
from tests.dialog_driver import NIGHT
from tests.fakes import FakeBotApi
from tests.logic_helpers import load_cases, unmet_expectations
from tests.telegram_support import (
    TOKEN,
    USER,
    Clinician,
    actions,
    fast_http,
    http_bot,
    offline_bot,
    until,
)

EN = translator("en")
NL = translator("nl")
CASES = dict(load_cases())
SECRET_TEXT = "Jansen geb 12-03-1950"

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def answer_one(me: Clinician, findings: dict[str, object]) -> None:
    question = me.step.question
    assert question is not None
    for kind, value in actions(question_view(question, "en"), findings, "en"):
        await (me.press(value) if kind == "press" else me.type(value))


def advice_count(texts: list[str], pathway: str) -> int:
    title = EN("ui.advice_title", title=pathway_title(pathway, "en"))
    return sum(title in text for text in texts)


def test_faults_on_every_kind_of_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      debug_logs: pytest.LogCaptureFixture) -> None:
    fast_http(monkeypatch)
    case = CASES["spine-tx-clinical-mesmc-surgery"]
    findings = case["findings"]

    async def scenario() -> None:
        async with http_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title(case["pathway"], "en"))

            # Slow button answers and a 429 (retried after retry_after by the rate limiter).
            api.inject("answerCallbackQuery", "slow", delay=0.3)
            api.inject("sendMessage", "429", retry_after=1)
            await answer_one(me, findings)
            assert bot.stats.errors == 0

            # 500 when closing the answered question's keyboard: the dialog just goes on.
            api.inject("editMessageText", "500")
            api.inject("editMessageReplyMarkup", "500")
            await answer_one(me, findings)
            assert bot.stats.errors == 0 and me.step.question is not None

            # A typed answer no one should ever see in a log; refused, asked again.
            await me.type(SECRET_TEXT)
            assert me.step.refusal is not None

            # 500 on the next question: lost, the user is told, Continue shows it again.
            step_before = me.step.conv.step
            api.inject("sendMessage", "500")
            await answer_one(me, findings)
            assert bot.stats.errors == 1
            assert api.messages_to(USER)[-1] == EN("bot.error")
            assert me.step.conv.step == step_before + 1  # the answer was kept
            await me.press(EN("bot.button.continue"))
            question = me.step.question
            assert question is not None
            assert api.messages_to(USER)[-1].endswith(question_view(question, "en").text)

            # Dropped connection: the question was delivered, only the reply to the call was
            # lost; the user is told, and the question's buttons still work.
            api.inject("sendMessage", "drop")
            await answer_one(me, findings)
            assert bot.stats.errors == 2
            assert api.messages_to(USER)[-1] == EN("bot.error")

            # getUpdates fails twice; polling goes on.
            api.inject("getUpdates", "500")
            api.inject("getUpdates", "drop")
            step = await me.answer_case(findings, "en")

            assert unmet_expectations(step.advice.decisions, case["expect"]) == {}
            for field, value in advise(case["pathway"], findings).settled().items():
                assert step.advice.decisions[field] == value, field
            assert advice_count(api.messages_to(USER), case["pathway"]) == 1
            fired = {(f.method, f.kind) for f in api.faults}
            assert fired == {("answerCallbackQuery", "slow"), ("sendMessage", "429"),
                             ("editMessageText", "500"), ("sendMessage", "500"),
                             ("sendMessage", "drop"), ("getUpdates", "500"),
                             ("getUpdates", "drop")} | (
                {("editMessageReplyMarkup", "500")} & fired)

    asyncio.run(scenario())
    logs = debug_logs.text
    assert "failed: NetworkError" in logs  # the error type is logged ...
    assert SECRET_TEXT not in logs and "Jansen" not in logs  # ... message text never
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs


def test_lost_or_delayed_advice_is_never_sent_twice(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)
    case = CASES["spine-alarm-sudden-weakness"]
    pathway = case["pathway"]

    async def scenario() -> None:
        async with http_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title(pathway, "en"))
            question = me.step.question
            assert question is not None
            presses = actions(question_view(question, "en"), case["findings"], "en")
            for _, label in presses[:-1]:
                await me.press(label)
            api.inject("sendMessage", "drop")  # the advice arrives; its answer is lost
            await me.press(presses[-1][1])
            assert me.step.done and bot.stats.errors == 1
            assert advice_count(api.messages_to(USER), pathway) == 1
            assert api.messages_to(USER)[-1] == EN("bot.error")

            await me.press("↺ " + EN("common.restart"))  # the advice's buttons still work
            for _, label in presses[:-1]:
                await me.press(label)
            api.inject("sendMessage", "429", retry_after=1)  # retried once, sent once
            await me.press(presses[-1][1])
            assert advice_count(api.messages_to(USER), pathway) == 2
            assert bot.stats.errors == 1
            assert me.step.advice.decisions["alarm_level"] == case["expect"]["alarm_level"]

    asyncio.run(scenario())


async def _answer_cord_compression(me: Clinician, api: FakeBotApi) -> int:
    """Answer the first question of spine.diagnosis with a cord compression, and lose the reply
    (the 12-hour MRI window, then the next question) with a 500; returns the id of the message
    with the answered question."""
    await me.command("start")
    await me.press(pathway_title("spine.diagnosis", "en"))
    question = api.last_message(USER)
    assert question is not None
    api.inject("sendMessage", "500")
    await answer_one(me, CASES["spine-dx-cord-compression-known-breast"]["findings"])
    assert me.step.advice.decisions["mri_within_hours"] == 12
    return int(question["message_id"])


URGENCY = settled_text("spine.diagnosis", {"mri_within_hours": 12}, "en", NIGHT)


def live_buttons(api: FakeBotApi, message_id: int) -> list[str]:
    """The callback data of the buttons a message of the bot still shows."""
    message = api.message(USER, message_id) or {}
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


def test_continue_after_a_lost_reply_shows_the_urgency_it_settled(tmp_path: Path) -> None:
    """Continue, an hour later: the reply as first rendered (the urgency it settled, with the
    deadline counted from then), and the answered question's keyboard closed."""
    clock = FixedClock(NIGHT)

    async def scenario() -> None:
        async with offline_bot(tmp_path, clock=clock) as (api, bot):
            me = Clinician(api, bot)
            answered = await _answer_cord_compression(me, api)
            assert api.messages_to(USER)[-1] == EN("bot.error")
            assert not any(URGENCY in text for text in api.messages_to(USER))
            clock.advance(timedelta(hours=1))
            await me.press(EN("bot.button.continue"))
            assert URGENCY in api.messages_to(USER)[-1]  # not just the next question
            assert live_buttons(api, answered) == []

    asyncio.run(scenario())


def test_choosing_the_language_while_a_reply_is_lost_keeps_the_urgency(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await _answer_cord_compression(me, api)
            await me.command("language")
            await me.press(NL(LANGUAGE_NAMES["nl"]))
            URGENCY = settled_text("spine.diagnosis", {"mri_within_hours": 12}, "nl", NIGHT)
            assert URGENCY in api.messages_to(USER)[-1]

    asyncio.run(scenario())


def test_a_press_on_the_previous_dialog_while_a_reply_is_lost_is_stale(tmp_path: Path) -> None:
    """Both dialogs count steps from 0: the old dialog's step-0 button must not answer the new
    dialog's step-0 question while the new question has not arrived."""
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title("spine.treatment", "en"))
            old = api.last_message(USER)
            assert old is not None and live_buttons(api, old["message_id"])[0] == "a:0:0"
            await me.command("nesms")  # asks first
            api.inject("sendMessage", "500")
            await me.press("▶ " + pathway_title("calc.nesms", "en"))  # its first question is lost
            assert me.step.conv.pathway == "calc.nesms" and me.step.conv.step == 0
            await me.callback(old["message_id"], "a:0:0")
            assert api.callback_answers[-1].get("text") == EN("bot.closed")
            assert me.step.conv.answers == {}  # nothing answered in the NESMS dialog
            question = me.step.question
            assert question is not None
            await until(lambda: api.messages_to(USER)[-1].endswith(
                question_view(question, "en").text))
            await until(lambda: live_buttons(api, old["message_id"]) == [])  # closed after

    asyncio.run(scenario())


def test_text_typed_while_a_reply_is_lost_is_not_taken_as_an_answer(tmp_path: Path) -> None:
    """The chat still shows the answered question; a typed answer meant for it must not answer
    the next one. The lost reply comes instead, headed by a notice."""
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await _answer_cord_compression(me, api)
            step, answers = me.step.conv.step, dict(me.step.conv.answers)
            await me.type("yes")
            assert me.step.conv.step == step and me.step.conv.answers == answers
            last = api.messages_to(USER)[-1]
            assert last.startswith("ℹ️ " + EN("bot.reply_resent")) and URGENCY in last
            question = me.step.question
            assert question is not None and last.endswith(question_view(question, "en").text)
            await me.type("breast")  # now it answers the question shown (the primary)
            assert me.step.conv.step == step + 1

    asyncio.run(scenario())
