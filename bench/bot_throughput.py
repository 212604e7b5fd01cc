"""The real PTB Application against a bare PTB echo bot, in the same offline harness.

Both run real long polling through :class:`tests.fakes.OfflineRequest` (a ``BaseRequest`` that
answers at once from an in-memory Bot API fake). ``chats`` simulated clinicians walk a real dialog
(the NESMS calculator: a command and five typed answers) concurrently, in waves: every chat sends
its next answer once the bot has answered all chats' previous ones. The echo bot gets the same
number of text updates from the same chats. Per-update service time is the time spent in
``Application.process_update`` (handlers, persistence writes, fake API calls); per-update reply
time is what a user waits, from the push until the reply reached the fake.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from tests.fakes import FakeBotApi, OfflineRequest
from tests.telegram_support import TOKEN, make_bot

SCRIPT = ("/nesms", "no", "breast", "yes", "independent", "40")


def _timed(app: Application[Any, Any, Any, Any, Any, Any], into: list[float]) -> None:
    """Record how long each update spends in ``process_update``."""
    original = app.process_update

    async def process_update(update: object) -> None:
        start = time.perf_counter()
        try:
            await original(update)
        finally:
            into.append(time.perf_counter() - start)

    app.process_update = process_update  # type: ignore[method-assign]


async def _waves(api: FakeBotApi, chats: int, send: Callable[[int, str], object],
                 waits: list[float]) -> float:
    """Push SCRIPT in waves over all chats; returns the seconds until the last wave is answered
    and adds to ``waits`` each update's reply time (from its push until its reply reached the
    fake, to within a millisecond): what a user waits, queueing included."""
    counted = 0
    replies: dict[int, int] = {}
    pushed: dict[int, float] = {}

    def count() -> None:
        nonlocal counted
        now = time.perf_counter()
        for method, params in api.sent[counted:]:
            if method == "sendMessage":
                chat = int(params["chat_id"])
                replies[chat] = replies.get(chat, 0) + 1
                if chat in pushed:
                    waits.append(now - pushed.pop(chat))
        counted = len(api.sent)

    start = time.perf_counter()
    for step, text in enumerate(SCRIPT, 1):
        for chat in range(1, chats + 1):
            send(chat, text)
            pushed[chat] = time.perf_counter()
        while True:
            count()
            if all(replies.get(c, 0) >= step for c in range(1, chats + 1)):
                break
            await asyncio.sleep(0.001)
    return time.perf_counter() - start


async def _run(api: FakeBotApi, chats: int, running: AbstractAsyncContextManager[Any],
               send: Callable[[int, str], object], waits: list[float]) -> float:
    async with running:
        return await _waves(api, chats, send, waits)


def _send_to_bot(api: FakeBotApi) -> Callable[[int, str], object]:
    def send(chat: int, text: str) -> object:
        if text.startswith("/"):
            return api.push_command(chat, chat, text[1:])
        return api.push_text(chat, chat, text)
    return send


REPLY_CALLS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery")


async def _bot(chats: int, data_dir: Path) -> tuple[float, list[float], list[float], int]:
    """Seconds, per-update service and reply times, and the Bot API calls made to answer."""
    api = FakeBotApi()
    bot = make_bot(api, data_dir, allowed_user_ids=frozenset(range(1, chats + 1)),
                   rate_limit_per_minute=10_000)
    timings: list[float] = []
    waits: list[float] = []
    _timed(bot.application, timings)
    seconds = await _run(api, chats, bot.running(), _send_to_bot(api), waits)
    return seconds, timings, waits, sum(1 for method, _ in api.calls if method in REPLY_CALLS)


class _EchoRunning:
    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app

    async def __aenter__(self) -> None:
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def __aexit__(self, *exc: object) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


async def _echo(chats: int, *,
                close_previous: bool = False) -> tuple[float, list[float], list[float]]:
    """A bare echo bot; with ``close_previous`` it makes the same Bot API calls per typed
    answer as the bot (send the reply with a button, take the button off the previous reply)."""
    api = FakeBotApi()
    app = (Application.builder().token(TOKEN).request(OfflineRequest(api))
           .get_updates_request(OfflineRequest(api))
           .rate_limiter(AIORateLimiter(overall_max_rate=10_000, max_retries=3)).build())
    previous: dict[int, int] = {}
    button = InlineKeyboardMarkup([[InlineKeyboardButton("?", callback_data="x")]])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        chat = update.effective_chat.id
        sent = await context.bot.send_message(chat, update.effective_message.text or "",
                                              reply_markup=button if close_previous else None)
        if close_previous:
            if chat in previous:
                await context.bot.edit_message_reply_markup(chat, previous[chat],
                                                            reply_markup=None)
            previous[chat] = sent.message_id

    app.add_handler(MessageHandler(filters.TEXT, echo))
    timings: list[float] = []
    waits: list[float] = []
    _timed(app, timings)
    send: Callable[[int, str], object] = lambda chat, text: api.push_text(  # noqa: E731
        chat, chat, text.lstrip("/"))
    seconds = await _run(api, chats, _EchoRunning(app), send, waits)
    return seconds, timings, waits


def _p99_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2)


def bench_bot(chats: int = 1000) -> dict[str, Any]:
    updates = chats * len(SCRIPT)
    with tempfile.TemporaryDirectory() as tmp:
        bot_seconds, bot_times, bot_waits, bot_calls = asyncio.run(_bot(chats, Path(tmp)))
    echo_seconds, echo_times, _ = asyncio.run(_echo(chats))
    same_seconds, _, same_waits = asyncio.run(_echo(chats, close_previous=True))
    bot_rate, echo_rate = updates / bot_seconds, updates / echo_seconds
    same_rate = updates / same_seconds
    return {
        "bot_chats": chats,
        "bot_updates_per_s": round(bot_rate, 1),
        "echo_updates_per_s": round(echo_rate, 1),
        "bot_vs_echo_ratio": round(bot_rate / echo_rate, 3),
        # The ceiling for this user interface: an echo bot making the same Bot API calls.
        "echo_same_calls_updates_per_s": round(same_rate, 1),
        "bot_vs_echo_same_calls_ratio": round(bot_rate / same_rate, 3),
        "bot_api_calls_per_update": round(bot_calls / updates, 2),
        "bot_p99_ms": _p99_ms(bot_times),
        "bot_median_ms": round(1000 * statistics.median(bot_times), 2),
        "echo_p99_ms": _p99_ms(echo_times),
        # What a user waits (push to reply, queueing included), against the echo bot making
        # the same calls. The bot handles chats concurrently, so its process_update times
        # above include the time spent interleaved with other chats; the echo bot's do not.
        "bot_reply_median_ms": round(1000 * statistics.median(bot_waits), 1),
        "bot_reply_p99_ms": _p99_ms(bot_waits),
        "echo_same_calls_reply_median_ms": round(1000 * statistics.median(same_waits), 1),
        "echo_same_calls_reply_p99_ms": _p99_ms(same_waits),
    }

