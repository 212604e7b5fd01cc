"""Load scenarios of issue 11, shared by the tests (small) and ``./dev bench`` (full size): the real
Application over the offline Bot API fake, with the production rate limiter."""

from __future__ import annotations

import time
from pathlib import Path

from dialogs.i18n import translator
from tests.fakes import FakeBotApi
from tests.telegram_support import USER, make_bot, until

EN = translator("en")
STRANGERS_FROM = 1_000_000


async def fairness_wait(data_dir: Path, retry_after: int = 20) -> tuple[float, float]:
    """One chat's reply gets a 429 with ``retry_after``; returns the seconds until another chat's
    ``/help`` is answered, and the seconds the bot then takes to stop (its reply still waiting)."""
    api = FakeBotApi()
    bot = make_bot(api, data_dir, fast=False)
    other = USER + 1
    async with bot.running():
        api.inject("sendMessage", "429", retry_after=retry_after)
        api.push_command(USER, USER, "help")
        await until(lambda: bool(api.faults), 10)
        start = time.perf_counter()
        api.push_command(other, other, "help")
        await until(lambda: EN("bot.help") in api.messages_to(other), retry_after + 10)
        waited = time.perf_counter() - start
        stopping = time.perf_counter()
    return waited, time.perf_counter() - stopping


async def stranger_flood_wait(data_dir: Path, strangers: int = 2000) -> float:
    """``strangers`` users not on the allowlist send one message each, then a clinician sends
    /start; returns the seconds until the clinician has the menu."""
    api = FakeBotApi()
    bot = make_bot(api, data_dir, fast=False)
    async with bot.running():
        for i in range(strangers):
            api.push_text(STRANGERS_FROM + i, STRANGERS_FROM + i, "hello")
        start = time.perf_counter()
        api.push_command(USER, USER, "start")
        await until(lambda: any(EN("ui.menu") in m for m in api.messages_to(USER)), 120)
        return time.perf_counter() - start
