"""Every example case through the real PTB Application, answered by pressing the buttons (numbers
typed), over real HTTP in English and in-process in Dutch: the same decisions as the logic, the
advice exactly as dialogs.render writes it, one message per question."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Any

import pytest

from dialogs.render import pathway_title
from logic.advice import advise
from tests.dialog_driver import NIGHT
from tests.fakes import FakeBotApi
from tests.logic_helpers import load_cases, unmet_expectations
from tests.telegram_support import USER, Clinician, fast_http, http_bot, offline_bot

CASES = load_cases()


def plain(message_html: str) -> str:
    return html.unescape(re.sub(r"</?(b|i|pre)>|<blockquote expandable>|</blockquote>", "",
                                message_html))


FIRST_MESSAGE_MAX = 1000  # issue 12: the advice's first screen


def check_layout(step: Any, lang: str, shown: list[str]) -> None:
    """Urgency first, then the treatment choice and its reason, all in the first message of at
    most 1000 characters; every other block once, whole, in the messages after it; no ☐."""
    from dialogs.screen import advice_screen

    screen = advice_screen(step.advice, lang, NIGHT, step.conv)
    first = shown[0]
    assert len(first) <= FIRST_MESSAGE_MAX, (step.conv.pathway, lang, len(first))
    positions = [first.index(line) for line in (screen.title, *screen.urgent, *screen.choice)]
    assert positions == sorted(positions)  # title, urgency, then the choice
    if screen.reason and len(shown) > 1:
        assert first.endswith(screen.reason)
    details = shown[1:] or [first[first.index(screen.reason or screen.urgent[-1]):]]
    rest = "\n".join(details)
    for block in screen.details:
        whole = "\n".join([block.title.upper(), *block.lines])
        assert sum(whole in m for m in details) == 1, block.title  # once, never split
        assert rest.count(block.title.upper() + "\n") == 1, block.title
    for line in (*screen.urgent, *screen.choice):
        assert "\n".join(shown).count(line) == 1, line  # never repeated
    assert "☐" not in "\n".join(shown)


async def run_case(api: FakeBotApi, clinician: Clinician, case: dict[str, Any],
                   lang: str) -> None:
    from bot.texts import advice_messages

    questions_before = _question_messages(api)
    await clinician.command("start")
    await clinician.press(pathway_title(case["pathway"], lang))
    step = await clinician.answer_case(case["findings"], lang)

    decided = step.advice.decisions
    assert unmet_expectations(decided, case["expect"]) == {}
    for field, value in advise(case["pathway"], case["findings"]).settled().items():
        assert decided[field] == value, field
    # The advice as the user sees it: settled decisions, then advice_text, in order, with the
    # urgency section in bold.
    sent = advice_messages(step, lang, NIGHT)
    assert [p["text"] for m, p in api.sent if m == "sendMessage"][-len(sent):] == sent
    shown = api.messages_to(USER)[-len(sent):]
    assert shown == [plain(m) for m in sent]
    check_layout(step, lang, shown)
    assert all(m.count("<blockquote expandable>") == m.count("</blockquote>") for m in sent[1:])
    # One message per question asked, each one's keyboard closed once answered.
    assert _question_messages(api) - questions_before == len(step.conv.asked)


def _question_messages(api: FakeBotApi) -> int:
    """sendMessage calls that carried an answer keyboard."""
    count = 0
    for method, params in api.sent:
        rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        data = [b.get("callback_data", "") for row in rows for b in row]
        if method == "sendMessage" and any(d[:2] in ("a:", "t:") for d in data):
            count += 1
    return count


def test_cases_by_buttons_over_http_in_english(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)

    async def scenario() -> None:
        async with http_bot(tmp_path) as (api, bot):
            clinician = Clinician(api, bot)
            for _, case in CASES:
                await run_case(api, clinician, case, "en")
            assert bot.stats.errors == 0

    asyncio.run(scenario())


def test_cases_by_buttons_in_dutch(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            clinician = Clinician(api, bot)
            await clinician.command("language")
            await clinician.press("Nederlands")
            for _, case in CASES:
                await run_case(api, clinician, case, "nl")
            assert bot.stats.errors == 0

    asyncio.run(scenario())
