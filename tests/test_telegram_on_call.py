"""Issue 12 against the Bot API fake: the path picture, deep links, /time, the chart note as one
block, two-column keyboards, and deadlines that are pinned and remind (also after a restart)."""

from __future__ import annotations

import asyncio
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from dialogs.clock import FixedClock
from dialogs.i18n import translator
from dialogs.keys import field_key
from dialogs.render import pathway_title
from tests.dialog_driver import NIGHT
from tests.fakes import FakeBotApi
from tests.logic_helpers import load_cases
from tests.telegram_support import USER, Clinician, fast_http, http_bot, offline_bot, until

CASES = dict(load_cases())
EN = translator("en")
MRI_CASE = CASES["spine-dx-cord-compression-known-breast"]  # MRI within 12 h, from 03:00


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def command(me: Clinician, name: str, args: str) -> None:
    before = me.bot.stats.handled
    me.api.push_command(USER, USER, name, args)
    await until(lambda: me.bot.stats.handled > before)


def methods(api: FakeBotApi) -> list[str]:
    return [name for name, _ in api.calls]


def test_flowchart_is_a_photo_of_this_patients_path(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)

    async def scenario() -> None:
        async with http_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title("spine.diagnosis", "en"))
            await me.command("flowchart")
            await until(lambda: "sendPhoto" in methods(api), 20)
            calls = methods(api)
            action = calls.index("sendChatAction")
            assert action < calls.index("sendPhoto")
            assert api.calls[action][1]["action"] == "upload_photo"
            width, height = png_size(api.uploads[-1].content)
            assert width + height <= 10_000 and max(width, height) / min(width, height) <= 20
            assert len(api.uploads[-1].content) <= 10 * 1024 * 1024
            assert bot.stats.errors == 0

    asyncio.run(scenario())


def test_deep_links_open_a_pathway(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            for payload, pathway in (("alarm", "spine.alarm"), ("lm", "lm.diagnosis"),
                                     ("spine", "spine.diagnosis")):
                await me.command("cancel")
                await command(me, "start", payload)
                assert me.step.conv.pathway == pathway and me.step.question is not None
            await me.command("cancel")
            api.push_command(USER, USER, "start", "nonsense")  # the menu, as a plain /start
            await until(lambda: "menu" not in (api.last_reply_markup(USER) or {"menu": 1}))
            assert bot.last_step(USER) is None and bot.stats.errors == 0

    asyncio.run(scenario())


def test_long_choice_lists_have_two_columns(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title("spine.treatment", "en"))
            for _ in range(30):
                q = me.step.question
                assert q is not None
                if q.finding == "primary_tumor":
                    break
                await me.type("?")
            rows = (api.last_reply_markup(USER) or {})["inline_keyboard"]
            assert len(q.options) > 6 and max(len(r) for r in rows) == 2
            assert len(rows) <= len(q.options) // 2 + 3

    asyncio.run(scenario())


async def _mri_advice(me: Clinician) -> None:
    await me.command("start")
    await me.press(pathway_title(MRI_CASE["pathway"], "en"))
    await me.answer_case(MRI_CASE["findings"], "en")


def _reminders(api: FakeBotApi) -> list[str]:
    return [m for m in api.messages_to(USER) if m.startswith("⏰ Reminder — ")]


def test_time_of_presentation_moves_the_deadline(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await _mri_advice(me)
            assert any("15:00" in m for m in api.messages_to(USER)[-3:])
            await command(me, "time", "02:15")  # 02:15 Amsterdam, 45 min before the advice
            assert any("14:15" in m and "15:00" not in m for m in api.messages_to(USER)[-3:])
            assert me.step.conv.presented_at == NIGHT - timedelta(minutes=45)
            await command(me, "time", "later")
            assert api.messages_to(USER)[-1] == EN("error.time")
            assert bot.stats.errors == 0

    asyncio.run(scenario())


def test_chart_note_is_one_block(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await _mri_advice(me)
            await me.command("summary")
            sent = [p for m, p in api.sent if m == "sendMessage"][-1]
            assert sent["text"].startswith("<pre>") and sent["text"].endswith("</pre>")
            await me.command("start")
            await me.press(pathway_title("spine.treatment", "en"))
            await me.answer_case(CASES["spine-tx-clinical-mesmc-surgery"]["findings"], "en")
            uploads = len(api.uploads)
            await me.command("summary")  # longer than a message: one .txt document
            assert len(api.uploads) == uploads + 1
            upload = api.uploads[-1]
            assert upload.filename == "chart-note-spine.treatment.txt"
            assert len(upload.content.decode()) > 3800 and "Renal" in upload.content.decode()

    asyncio.run(scenario())


@pytest.mark.parametrize("command", ["cancel", "restart"])
def test_urgent_advice_is_pinned_and_cancel_or_restart_unpins(tmp_path: Path,
                                                              command: str) -> None:
    """/cancel ends the dialog; /restart starts a new case (its anchors are cleared): either
    way the old advice's deadline and its reminders are no longer this dialog's, so they are
    cleared and the advice unpinned."""
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await _mri_advice(me)
            pinned = api.pinned[USER]
            assert "MRI" in (api.message(USER, pinned) or {}).get("text", "")
            await me.press("⏰ " + EN("bot.button.remind"))
            assert len(bot.application.chat_data[USER]["remind"]) == 2
            await me.command(command)
            assert USER not in api.pinned
            assert "remind" not in bot.application.chat_data[USER]
            assert not bot.application.job_queue.get_jobs_by_name(f"remind-{USER}")

    asyncio.run(scenario())


def test_reminders_fire_before_the_deadline_and_survive_a_restart(tmp_path: Path) -> None:
    clock = FixedClock(NIGHT)
    deadline = NIGHT + timedelta(hours=12)
    api = FakeBotApi()

    async def first_run() -> None:
        async with offline_bot(tmp_path, api, clock=clock) as (_, bot):
            me = Clinician(api, bot)
            await _mri_advice(me)
            jobs_before = bot.application.job_queue.jobs()
            await me.press("⏰ " + EN("bot.button.remind"))
            jobs = [j for j in bot.application.job_queue.jobs() if j not in jobs_before]
            # 60 and 15 minutes before the deadline, counted on the bot's clock
            dues = sorted(j.data[1]["due"] for j in jobs)
            assert dues == [(deadline - timedelta(minutes=m)).isoformat() for m in (60, 15)]
            assert api.last_reply_markup(USER) is not None  # the "done" button
            # the clock reaches 60 min before the deadline: the job fires at once
            clock.advance(deadline - timedelta(minutes=60) - clock.now())
            bot.reminders.clear(USER, {})
            bot.reminders.restore()
            await until(lambda: len(_reminders(api)) == 1, 5)
            text = _reminders(api)[0]
            assert pathway_title("spine.diagnosis", "en") in text
            assert EN(field_key("mri_within_hours")) in text and "60 min" in text
            assert [e["due"] for e in bot.application.chat_data[USER]["remind"]] == [dues[1]]

    async def second_run() -> None:
        clock.advance(timedelta(minutes=50))  # down while the 15-minute reminder was due
        async with offline_bot(tmp_path, api, clock=clock) as (_, bot):
            await until(lambda: len(_reminders(api)) == 2, 5)
            assert "10 min" in _reminders(api)[1]
            await until(lambda: "remind" not in bot.application.chat_data[USER])
            assert bot.stats.errors == 0

    asyncio.run(first_run())
    asyncio.run(second_run())
