"""Helpers for the Telegram tests: settings, a bot on the Bot API fake, a clinician who answers
by pressing buttons (or typing numbers) from an example case."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import TelegramBot
from bot.keyboards import toggle_label
from bot.pacing import ChatPacing
from bot.settings import Settings
from dialogs.clock import FixedClock
from dialogs.engine import Step
from dialogs.i18n import translator
from dialogs.render import QuestionView, question_view
from tests.dialog_driver import NIGHT, answer_for
from tests.fakes import FakeBotApi, FakeBotApiServer, OfflineRequest

TOKEN = "123456:TEST-secret_token-abcdefXYZ"
USER = 77  # in a private chat the chat id is the user id
STRANGER = 666


def make_settings(data_dir: Path, **values: Any) -> Settings:
    defaults: dict[str, Any] = {"telegram_bot_token": SecretStr(TOKEN),
                                "allowed_user_ids": frozenset({USER, USER + 1, USER + 2}),
                                "data_dir": data_dir, "rate_limit_per_minute": 1000}
    return Settings(_env_file=None, **{**defaults, **values})


def make_bot(api: FakeBotApi, data_dir: Path, *, server: FakeBotApiServer | None = None,
             clock: FixedClock | None = None, fast: bool = True, **values: Any) -> TelegramBot:
    """A bot over real HTTP (``server``) or the offline transport; ``fast`` lifts the overall
    message rate limit so long dialogs run quickly (429 retries stay on)."""
    transport: dict[str, Any] = {}
    if server is not None:
        values.setdefault("telegram_api_base_url", server.base_url)
    else:
        transport = {"request": OfflineRequest(api), "get_updates_request": OfflineRequest(api)}
    limiter = ChatPacing(overall_max_rate=10_000, max_retries=3) if fast else None
    return TelegramBot(make_settings(data_dir, **values), clock=clock or FixedClock(NIGHT),
                       rate_limiter=limiter, **transport)


class Clinician:
    """Talks to the bot in one private chat and waits until each update is handled."""

    def __init__(self, api: FakeBotApi, bot: TelegramBot, user: int = USER,
                 language_code: str = "en") -> None:
        self.api = api
        self.bot = bot
        self.user = user
        self.language_code = language_code

    async def _handled(self, before: int, timeout: float = 10.0) -> None:
        await until(lambda: self.bot.stats.handled > before, timeout)

    async def press(self, label: str) -> None:
        before = self.bot.stats.handled
        self.api.push_button(self.user, self.user, label)
        await self._handled(before)

    async def type(self, text: str) -> None:
        before = self.bot.stats.handled
        self.api.push_text(self.user, self.user, text, language_code=self.language_code)
        await self._handled(before)

    async def command(self, name: str) -> None:
        before = self.bot.stats.handled
        self.api.push_command(self.user, self.user, name, language_code=self.language_code)
        await self._handled(before)

    async def callback(self, message_id: int, data: str) -> None:
        """A press with exactly this callback data (stale or forged ones included)."""
        before = len(self.api.callback_answers)
        self.api.push_callback(self.user, self.user, message_id, data)
        await until(lambda: len(self.api.callback_answers) > before)

    @property
    def step(self) -> Step:
        step = self.bot.last_step(self.user)
        assert step is not None, "no dialog step shown yet"
        return step

    async def answer_case(self, findings: dict[str, Any], lang: str, max_steps: int = 60) -> Step:
        """Answer every question from the case's findings, by button where there is one."""
        for _ in range(max_steps):
            step = self.step
            if step.question is None:
                return step
            view = question_view(step.question, lang)
            for kind, value in actions(view, findings, lang):
                await (self.press(value) if kind == "press" else self.type(value))
        raise AssertionError("dialog did not end")


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (without blocking the bot's event loop) until ``predicate()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out after {timeout} s"
        await asyncio.sleep(0.002)


def actions(view: QuestionView, findings: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The presses (by label) or typed text that give the case's answer to this question."""
    as_dict = {"findings": list(view.findings), "finding": view.finding, "kind": view.kind}
    answer = answer_for(as_dict, findings)
    labels = {str(o.value): o.label for o in view.options}
    if view.kind == "multi" and answer not in ("?", "none"):
        done = translator(lang)("bot.button.done")
        return [("press", toggle_label(labels[v], False)) for v in answer.split(",")] + [
            ("press", done)]
    if answer in labels:
        return [("press", labels[answer])]
    assert view.kind in ("number", "choice"), (view.id, answer)  # a number, or a label typed
    return [("type", answer)]


def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never route 127.0.0.1 through a proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@asynccontextmanager
async def http_bot(data_dir: Path, **kwargs: Any) -> AsyncIterator[tuple[FakeBotApi, TelegramBot]]:
    """A bot polling the fake over real HTTP; everything torn down after."""
    api = FakeBotApi()
    with FakeBotApiServer(api, token=TOKEN) as server:
        bot = make_bot(api, data_dir, server=server, **kwargs)
        async with bot.running():
            yield api, bot


@asynccontextmanager
async def offline_bot(data_dir: Path, api: FakeBotApi | None = None,
                      **kwargs: Any) -> AsyncIterator[tuple[FakeBotApi, TelegramBot]]:
    api = api or FakeBotApi()
    bot = make_bot(api, data_dir, **kwargs)
    async with bot.running():
        yield api, bot
