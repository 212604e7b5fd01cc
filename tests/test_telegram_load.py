"""Fair under load: one chat in a flood wait holds up nobody else and its own updates stay in
order; strangers never queue ahead of clinicians; a slow send is not reported lost; a send that
may have arrived is resent with a notice saying so; a stop never waits out a flood limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import TelegramBot
from bot.gate import REFUSALS_PER_MINUTE
from dialogs.i18n import translator
from dialogs.render import pathway_title
from tests.fakes import FakeBotApi
from tests.fakes.botapi_core import FaultKind
from tests.load_scenarios import fairness_wait, stranger_flood_wait
from tests.telegram_support import USER, Clinician, fast_http, http_bot, offline_bot, until

EN = translator("en")

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_a_flood_wait_in_one_chat_holds_up_no_other_and_no_stop(tmp_path: Path) -> None:
    waited, stopped = asyncio.run(fairness_wait(tmp_path, retry_after=20))
    assert waited < 1.5, f"another chat waited {waited:.1f} s"
    assert stopped < 5, f"stopping took {stopped:.1f} s"


def test_a_chats_own_updates_stay_in_order_while_it_waits(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, _bot):
            api.inject("sendMessage", "429", retry_after=1)
            api.push_command(USER, USER, "help")
            api.push_command(USER, USER, "about")
            await until(lambda: len(api.messages_to(USER)) == 2, 10)
            assert api.messages_to(USER)[0] == EN("bot.help")
            assert EN("bot.about.title") in api.messages_to(USER)[1]

    asyncio.run(scenario())


def test_strangers_never_queue_ahead_of_a_clinician(tmp_path: Path) -> None:
    waited = asyncio.run(stranger_flood_wait(tmp_path, strangers=600))
    assert waited < 3, f"the clinician waited {waited:.1f} s"


def test_refusals_are_sent_within_a_budget(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            for stranger in range(5000, 5000 + 3 * REFUSALS_PER_MINUTE):
                api.push_text(stranger, stranger, "hello")
            def sent() -> int:
                return sum(m == "sendMessage" for m, _ in api.sent)

            await until(lambda: bot.stats.refused == 3 * REFUSALS_PER_MINUTE)
            await until(lambda: sent() == REFUSALS_PER_MINUTE)
            await asyncio.sleep(0.2)
            assert sent() == REFUSALS_PER_MINUTE
            assert bot.stats.refusals_unsent == 2 * REFUSALS_PER_MINUTE

    asyncio.run(scenario())


@asynccontextmanager
async def alarm_started(tmp_path: Path, fault: FaultKind, **details: Any
                        ) -> AsyncIterator[tuple[FakeBotApi, TelegramBot, Clinician]]:
    """Over HTTP: /start, then the alarm check chosen with ``fault`` on its first question."""
    async with http_bot(tmp_path) as (api, bot):
        me = Clinician(api, bot)
        await me.command("start")
        api.inject("sendMessage", fault, **details)
        await me.press(pathway_title("spine.alarm", "en"))
        yield api, bot, me


def test_a_slow_send_is_not_reported_lost(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram answering after 6 s (PTB's default read timeout is 5 s)."""
    fast_http(monkeypatch)

    async def scenario() -> None:
        async with alarm_started(tmp_path, "slow", delay=6) as (api, bot, _):
            assert bot.stats.errors == 0
            assert api.messages_to(USER).count(api.messages_to(USER)[-1]) == 1
            assert EN("bot.error") not in api.messages_to(USER)

    asyncio.run(scenario())


def test_a_reply_that_may_have_arrived_is_resent_saying_so(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)

    async def scenario() -> None:
        # "drop": delivered, but the answer to the call is lost
        async with alarm_started(tmp_path, "drop") as (api, _, me):
            assert api.messages_to(USER)[-1] == EN("bot.error")
            question = api.messages_to(USER)[-2]
            await me.press(EN("bot.button.continue"))
            again = api.messages_to(USER)[-1]
            assert again.startswith("ℹ️ " + EN("bot.reply_unsure"))
            assert again.endswith(question)
            assert EN("bot.reply_resent") not in again  # it never claims the reply was lost

    asyncio.run(scenario())
