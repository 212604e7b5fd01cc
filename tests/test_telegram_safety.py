"""Who is served and which presses count: stale, forged and repeated presses change nothing; only
allowed users in private chats are served and nothing is stored for anyone else; a per-user rate
limit; media and edits get an explanation; idle dialogs are purged; a new process resumes."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.keyboards import menu_keyboard
from dialogs.clock import FixedClock
from dialogs.i18n import translator
from dialogs.keys import finding_key
from dialogs.render import pathway_title
from tests.dialog_driver import NIGHT
from tests.fakes import FakeBotApi
from tests.telegram_support import STRANGER, USER, Clinician, offline_bot, until

EN = translator("en")
NL = translator("nl")
DX = pathway_title("spine.diagnosis", "en")


def stored_chats(data_dir: Path) -> dict[int, dict[str, Any]]:
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        return {c: json.loads(d) for c, d in conn.execute("SELECT chat_id, data FROM chat_data")}
    finally:
        conn.close()


def keyboard_data(api: FakeBotApi) -> list[str]:
    markup = api.last_reply_markup(USER) or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def test_a_tick_button_ticks_however_often_it_is_pressed(tmp_path: Path) -> None:
    """A ☐ button means "tick": pressed twice (or again after a redraw that never arrived) it
    stays ticked, and the identical redraw is no error; the ☑ button unticks."""
    async def press(api: FakeBotApi, bot: Any, message_id: int, data: str) -> None:
        before = bot.stats.handled
        api.push_callback(USER, USER, message_id, data)
        await until(lambda: bot.stats.handled > before)

    def first_button(api: FakeBotApi) -> tuple[str, str]:
        button = (api.last_reply_markup(USER) or {})["inline_keyboard"][0][0]
        return button["text"][:1], button["callback_data"]

    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            question = api.last_message(USER)
            assert question is not None and first_button(api) == ("☐", "t:0:0:1")
            for _ in range(2):
                await press(api, bot, question["message_id"], "t:0:0:1")
            assert first_button(api) == ("☑", "t:0:0:0")
            # The second redraw was made and refused as "not modified" by the Bot API.
            assert [m for m, _ in api.calls].count("editMessageReplyMarkup") == 2
            assert [m for m, _ in api.sent].count("editMessageReplyMarkup") == 1
            assert bot.stats.errors == 0 and EN("bot.error") not in api.messages_to(USER)
            for _ in range(2):
                await press(api, bot, question["message_id"], "t:0:0:0")
            assert first_button(api) == ("☐", "t:0:0:1")
            assert bot.stats.errors == 0 and me.step.conv.step == 0

    asyncio.run(scenario())


def test_stale_forged_and_repeated_presses_change_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            first = api.last_message(USER)
            assert first is not None and keyboard_data(api)[-1] == "a:0:4"  # Unknown
            await me.press("None of these")
            assert me.step.conv.step == 1 and me.step.question is not None
            question = api.last_message(USER)
            assert question is not None
            sent_before, step_before = len(api.sent), me.step.conv.step
            closed = EN("bot.closed")
            forged = [
                (first["message_id"], "a:0:3"),  # stale: the first question, answered
                (question["message_id"], "a:0:0"),  # right message, old step
                (question["message_id"], "a:7:0"),  # a future step
                (question["message_id"], "a:1:99"),  # option out of range
                (question["message_id"], "t:1:0:1"),  # tick on a yes/no question
                (question["message_id"], "d:1"),  # done on a yes/no question
                (question["message_id"], "zz:1"),
                (question["message_id"], "\x00\xff\u202e;DROP TABLE"),
                (question["message_id"], "a:1:0:extra"),
                (question["message_id"], "m:99"),
                (question["message_id"], "l:de"),
                (99_999, "a:1:0"),  # right step, message unknown (inaccessible)
            ]
            for message_id, data in forged:
                await me.callback(message_id, data)
                assert api.callback_answers[-1].get("text") == closed, data
            assert me.step.conv.step == step_before
            assert len(api.sent) == sent_before  # nothing sent or edited
            assert bot.stats.errors == 0

            # A repeated update (Telegram delivering the same press again) is handled once.
            handled = bot.stats.handled
            update_id = api.push_button(USER, USER, EN("common.unknown"))
            await until(lambda: bot.stats.handled == handled + 1)
            handled += 1
            assert me.step.conv.step == step_before + 1
            api.push_duplicate(update_id)
            await until(lambda: bot.stats.duplicates == 1)
            await asyncio.sleep(0.05)
            assert bot.stats.handled == handled and me.step.conv.step == step_before + 1
            # Pressing the answered question's button again: closed.
            await me.callback(question["message_id"], "a:1:0")
            assert api.callback_answers[-1].get("text") == closed

    asyncio.run(scenario())


def test_only_allowed_users_are_served_and_nothing_is_stored_for_others(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            api.push_command(STRANGER, STRANGER, "start", language_code="nl")
            api.push_text(STRANGER, STRANGER, "Jansen, 12-03-1950", language_code="nl")
            api.push_command(STRANGER, STRANGER, "nesms", language_code="nl")
            await until(lambda: bot.stats.refused == 3)
            api.push_callback(STRANGER, STRANGER, 1, "m:0")
            await until(lambda: len(api.callback_answers) == 1)
            assert api.messages_to(STRANGER) == [NL("bot.refused", user_id=STRANGER)]
            assert api.callback_answers[0]["show_alert"] is True
            assert STRANGER not in bot.application.chat_data
            me = Clinician(api, bot)
            await me.command("help")  # an allowed user is served meanwhile
            assert api.messages_to(USER) == [EN("bot.help")]
        assert STRANGER not in stored_chats(tmp_path)

    asyncio.run(scenario())


def test_groups_and_channels_are_left_and_nothing_is_stored(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            api.push_command(-100, USER, "start", chat_type="group")
            api.push_text(-200, USER, "hello", chat_type="supergroup")
            api.push_update({"channel_post": {"message_id": 1, "date": 0, "text": "x",
                                              "chat": {"id": -300, "type": "channel",
                                                       "title": "c"}}})
            await until(lambda: bot.stats.left_chats == 3)
            await until(lambda: [m for m, _ in api.calls].count("leaveChat") == 3)
            for chat in (-100, -200, -300):
                assert api.messages_to(chat) == []
                assert chat not in bot.application.chat_data
        assert stored_chats(tmp_path) == {}

    asyncio.run(scenario())


def test_per_user_rate_limit(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path, rate_limit_per_minute=5) as (api, bot):
            for _ in range(8):
                api.push_command(USER, USER, "about")
            await until(lambda: bot.stats.handled + bot.stats.rate_limited == 8)
            texts = api.messages_to(USER)
            assert bot.stats.rate_limited == 3
            assert texts.count(EN("bot.rate_limited")) == 1  # one notice, not one per update
            assert len(texts) == 6

    asyncio.run(scenario())


def test_media_edits_commands_and_typing(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            before = bot.stats.handled
            photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
            api.push_update({"message": api.new_user_message(USER, USER, photo=photo)})
            api.push_update({"message": api.new_user_message(
                USER, USER, voice={"file_id": "v", "file_unique_id": "v", "duration": 1})})
            api.push_update({"message": api.new_user_message(
                USER, USER, sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                     "width": 1, "height": 1, "is_animated": False,
                                     "is_video": False})})
            edited = api.new_user_message(USER, USER, text="yes", edit_date=1)
            api.push_update({"edited_message": edited})
            await until(lambda: bot.stats.handled == before + 4)
            assert api.messages_to(USER) == [EN("bot.unsupported")] * 3 + [EN("bot.edited")]

            for command in ("summary", "back", "restart", "cancel", "flowchart"):
                await me.command(command)
                assert api.messages_to(USER)[-1] == EN("bot.no_dialog")
            await me.type("yes")
            assert api.messages_to(USER)[-1] == EN("bot.no_dialog")
            await me.command("frobnicate")
            assert api.messages_to(USER)[-1] == EN("bot.unknown_command")
            await me.command("about")
            assert "January 2022, revised January 2024" in api.messages_to(USER)[-1]

            # /kps: a preset button, or a typed number; typed nonsense is refused with the
            # question asked again.
            await me.command("kps")
            assert me.step.conv.pathway == "calc.kps"
            await me.type("75")  # not a KPS step of 10
            assert me.step.refusal is not None and "❗" in api.messages_to(USER)[-1]
            await me.type("70")
            assert me.step.done and me.step.advice.decisions["kps_at_least_70"] is True
            await me.type("80")  # after the advice: only the refusal, not the advice again
            assert api.messages_to(USER)[-1].startswith("❗")
            await me.command("back")
            assert me.step.question is not None and me.step.question.id == "kps"
            await me.press(translator("en")("opt.kps.40"))
            assert me.step.advice.decisions["kps_at_least_70"] is False
            await me.command("summary")
            assert "40" in api.messages_to(USER)[-1]

            await me.command("flowchart")
            await until(lambda: len(api.uploads) == 1)
            upload = api.uploads[0]
            assert upload.filename == "flowchart-calc.kps.mmd"
            assert upload.content.decode().startswith("%% calc.kps")

            await me.command("nesms")
            assert me.step.conv.pathway == "calc.nesms" and me.step.conv.asked == []
            await me.command("cancel")
            assert bot.last_step(USER) is None and bot.chats.live_count() == 0
            assert "conv" not in stored_chats(tmp_path)[USER]
            assert bot.stats.errors == 0

    asyncio.run(scenario())


def test_multi_select_toggles_in_place_and_done(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            sends = len(api.sent)
            await me.press("☐ " + EN("opt.flag.lhermitte"))
            await me.press("☐ " + EN("opt.flag.bilateral_radicular"))
            await me.press("☑ " + EN("opt.flag.lhermitte"))  # untick
            assert [m for m, _ in api.sent[sends:]] == ["editMessageReplyMarkup"] * 3
            assert stored_chats(tmp_path)[USER]["toggles"] == {"step": 0, "on": [1]}
            assert me.step.conv.step == 0
            await me.press("☐ " + EN("opt.flag.lhermitte"))
            await me.press("☑ " + EN("opt.flag.lhermitte"))
            await me.press(EN("bot.button.done"))
            assert me.step.conv.answers == {"mesmc_deficit": False, "bilateral_radicular": True,
                                            "lhermitte": False}
            # the question message now shows the answer and has no keyboard
            question_text = api.messages_to(USER)[-2]
            assert question_text.endswith("→ " + EN("opt.flag.bilateral_radicular"))
            # Done with nothing ticked is refused
            await me.command("restart")
            await me.press(EN("bot.button.done"))
            assert api.callback_answers[-1]["text"] == EN("bot.multi_empty")
            assert me.step.conv.asked == []

    asyncio.run(scenario())


def test_language_follows_telegram_until_chosen(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            dutch = Clinician(api, bot, language_code="nl-NL")
            await dutch.command("help")
            assert api.messages_to(USER)[-1] == NL("bot.help")
            german = Clinician(api, bot, language_code="de")
            await german.command("help")  # not nl or en: the default language (nl)
            assert api.messages_to(USER)[-1] == NL("bot.help")
            await dutch.command("kps")
            await dutch.command("language")
            await dutch.press("English")
            assert api.messages_to(USER)[-2].endswith("→ " + EN("bot.language.chosen",
                                                                language="English"))
            assert me_question(api).startswith(EN("menu.calc_kps"))
            await dutch.command("help")  # still English although Telegram says nl
            assert api.messages_to(USER)[-1] == EN("bot.help")
            assert stored_chats(tmp_path)[USER]["lang_chosen"] is True
            nl_commands = api.handle("getMyCommands", {"language_code": "nl"})[1]["result"]
            en_commands = api.handle("getMyCommands", {"language_code": "en"})[1]["result"]
            default = api.handle("getMyCommands", {})[1]["result"]
            assert {c["command"] for c in nl_commands} >= {"start", "help", "language", "about",
                                                           "back", "restart", "summary",
                                                           "nesms", "kps", "cancel",
                                                           "flowchart"}
            assert nl_commands == default != en_commands

    asyncio.run(scenario())


def me_question(api: FakeBotApi) -> str:
    return api.messages_to(USER)[-1]


def test_idle_dialogs_are_purged_with_their_answers(tmp_path: Path) -> None:
    clock = FixedClock(NIGHT)

    async def scenario() -> None:
        async with offline_bot(tmp_path, clock=clock, idle_timeout_hours=12) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            await me.press("None of these")
            assert "conv" in stored_chats(tmp_path)[USER]
            clock.advance(timedelta(hours=11))
            await bot.purge()
            assert "conv" in stored_chats(tmp_path)[USER]
            clock.advance(timedelta(hours=2))
            await bot.purge()
            assert USER not in stored_chats(tmp_path)
            assert bot.chats.live_count() == 0 and USER not in bot.application.chat_data
            await me.press(EN("common.unknown"))  # the old question: expired, start anew
            assert api.messages_to(USER)[-1] == EN("bot.state.expired")
            assert api.last_reply_markup(USER) == menu_markup()
            await me.press(DX)  # the new start it offers
            assert me.step.conv.pathway == "spine.diagnosis" and not me.step.conv.asked
            await me.command("cancel")
            await me.command("summary")
            assert api.messages_to(USER)[-1] == EN("bot.no_dialog")

    asyncio.run(scenario())


def test_a_new_process_goes_on_where_the_dialog_was(tmp_path: Path) -> None:
    """Two Applications one after the other on the same data dir (the subprocess test kills
    one for real): every answer written through is there after the restart."""
    api = FakeBotApi()

    async def first() -> tuple[dict[str, Any], int]:
        async with offline_bot(tmp_path, api=api) as (_, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            await me.press("☐ " + EN("opt.flag.mesmc_deficit"))
            await me.press(EN("bot.button.done"))
            await me.press(EN("opt.primary_tumor.breast"))
            return dict(me.step.conv.answers), me.step.conv.step

    async def second(answers: dict[str, Any], step: int) -> None:
        async with offline_bot(tmp_path, api=api) as (_, bot):
            me = Clinician(api, bot)
            await me.command("summary")
            note = api.messages_to(USER)[-1]
            assert f"{EN(finding_key('mesmc_deficit'))}: {EN('common.yes')}" in note
            primary = EN("opt.primary_tumor.breast")
            assert f"{EN(finding_key('primary_tumor'))}: {primary}" in note
            await me.press(EN("common.unknown"))  # the question shown before the restart
            assert me.step.conv.step == step + 1
            assert me.step.conv.answers.items() >= answers.items()

    asyncio.run(second(*asyncio.run(first())))


def test_a_lost_reply_is_shown_again_on_the_next_press(tmp_path: Path) -> None:
    """The answer was stored but neither the next question nor the error notice arrived (as
    when the process dies in between): pressing the old question's button says it is closed
    and shows where the dialog stands."""

    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            first = api.last_message(USER)
            assert first is not None
            api.inject("sendMessage", "500", times=2)  # the next question and the notice
            await me.press("None of these")
            assert bot.stats.errors == 1 and me.step.conv.step == 1
            assert "msg" not in stored_chats(tmp_path)[USER]
            texts = len(api.messages_to(USER))
            before = bot.stats.handled
            api.push_callback(USER, USER, first["message_id"], "a:0:3")
            await until(lambda: bot.stats.handled > before)
            assert api.callback_answers[-1]["text"] == EN("bot.closed")
            assert len(api.messages_to(USER)) == texts + 1
            assert stored_chats(tmp_path)[USER]["msg"] == api.last_message(USER)["message_id"]
            assert keyboard_data(api)[0].startswith("a:1:")
            assert me.step.conv.step == 1  # nothing answered twice

    asyncio.run(scenario())


def menu_markup() -> dict[str, Any]:
    return menu_keyboard("en").to_dict()


def test_starting_another_pathway_mid_dialog_asks_first(tmp_path: Path) -> None:
    kps, nesms = pathway_title("calc.kps", "en"), pathway_title("calc.nesms", "en")

    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(DX)
            await me.press("None of these")
            step, answers = me.step.conv.step, dict(me.step.conv.answers)
            question = api.messages_to(USER)[-1]

            await me.command("nesms")  # asked, nothing changed yet
            assert EN("bot.state.switch_confirm", current=DX, new=nesms) in (
                api.messages_to(USER)[-1])
            assert me.step.conv.pathway == "spine.diagnosis" and me.step.conv.step == step
            assert stored_chats(tmp_path)[USER]["conv"]["step"] == step
            await me.press("↩ " + EN("bot.button.continue"))  # back to the dialog, as it was
            assert me.step.conv.answers == answers and api.messages_to(USER)[-1] == question

            await me.command("menu")
            await me.press(kps)  # a menu choice asks too
            confirm = api.last_message(USER)
            assert confirm is not None and EN("bot.state.switch_confirm", current=DX,
                                              new=kps) in confirm["text"]
            await me.press("▶ " + kps)
            assert me.step.conv.pathway == "calc.kps" and not me.step.conv.asked

            # A confirmation left over from before is stale once the dialog moved on.
            await me.callback(int(confirm["message_id"]),
                              str(confirm["reply_markup"]["inline_keyboard"][0][0][
                                  "callback_data"]))
            assert api.callback_answers[-1]["text"] == EN("bot.closed")
            assert me.step.conv.pathway == "calc.kps"

    asyncio.run(scenario())
