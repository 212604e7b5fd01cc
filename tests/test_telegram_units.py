"""The pieces of the Telegram front end on their own: callback data, keyboards, HTML layout,
log redaction. Every message the dialogs can produce is valid Telegram HTML within the limit."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from bot.keyboards import (
    Press,
    advice_keyboard,
    continue_keyboard,
    decode,
    encode,
    language_keyboard,
    menu_keyboard,
    question_keyboard,
    switch_keyboard,
)
from bot.logs import RedactingFormatter
from bot.texts import about_text, advice_messages, help_text, menu_text, pack, question_messages
from dialogs import engine
from dialogs.flows import FLOWS
from dialogs.i18n import LANGUAGES
from dialogs.render import question_view
from tests.dialog_driver import NIGHT, answer_for
from tests.fakes import FakeBotApi
from tests.logic_helpers import load_cases

CHAT = 5


def test_callback_data_round_trips_and_rejects_everything_else() -> None:
    assert decode(encode("a", 12, 3)) == Press("a", 12, 3)
    assert decode(encode("t", 0, 0, on=True)) == Press("t", 0, 0, on=True)
    assert decode(encode("t", 4, 2, on=False)) == Press("t", 4, 2, on=False)
    for kind in "dbrsc":
        assert decode(encode(kind, 7)) == Press(kind, 7)
    assert decode(encode("m", index=2)) == Press("m", index=2)
    assert decode(encode("y", 5, 2)) == Press("y", 5, 2)
    assert decode("y:5:99") is None and decode("y:5") is None
    assert decode(encode("l", lang="nl")) == Press("l", lang="nl")
    assert decode("n") == Press("n")
    for bad in ("", "a", "a:1", "a:1:2:3", "a:-1:2", "a:x:1", "t:1", "t:1:2", "t:1:2:2",
                "t:1:2:1:0", "a:\u0661:\u0662", "t:\uff11:0:1", "d:1:2", "m:8", "m:99",
                "l:de", "l:", "q:1", "A:1:2", " a:1:2", "a:1:2 ", "a:1234567890:1",
                "\x00\xff", "n:1", None, 12, b"a:1:2"):
        assert decode(bad) is None, bad


def _all_markups() -> list[Any]:
    markups: list[Any] = [menu_keyboard(lang) for lang in LANGUAGES]
    markups += [language_keyboard()]
    for lang in LANGUAGES:
        markups += [advice_keyboard(10**9 - 1, lang), continue_keyboard(10**9 - 1, lang)]
        markups += [switch_keyboard(10**9 - 1, i, lang) for i in range(len(FLOWS))]
        for flow in FLOWS.values():
            for question in flow.questions:
                view = question_view(question, lang)
                markups.append(question_keyboard(view, 10**9 - 1, lang,
                                                 toggles=range(len(view.options)),
                                                 can_go_back=True))
    return markups


def test_every_button_has_short_decodable_callback_data() -> None:
    count = 0
    for markup in _all_markups():
        for row in markup.inline_keyboard:
            for button in row:
                data = button.callback_data
                assert isinstance(data, str) and len(data.encode()) <= 64
                assert decode(data) is not None
                assert button.text.strip()
                count += 1
    assert count > 500


def test_every_question_keyboard_offers_every_answer() -> None:
    for flow in FLOWS.values():
        for question in flow.questions:
            view = question_view(question, "en")
            markup = question_keyboard(view, 3, "en")
            data = [b.callback_data for row in markup.inline_keyboard for b in row]
            if view.kind == "multi":
                assert "d:3" in data
                assert sum(str(d).startswith("t:3:") for d in data) == len(view.options) - 2
            else:
                assert [f"a:3:{i}" for i in range(len(view.options))] == data


def test_pack_escapes_bolds_per_line_and_splits_between_lines() -> None:
    assert pack([("KPS < 70 & ADL", True), ("", False), ("x", False)]) == [
        "<b>KPS &lt; 70 &amp; ADL</b>\n\nx"]
    long = [(f"line {i} " + "x" * 90, i % 2 == 0) for i in range(200)]
    messages = pack(long)
    assert len(messages) > 1
    for message in messages:
        assert message.count("<b>") == message.count("</b>")
    assert "\n".join(messages).replace("<b>", "").replace("</b>", "") == "\n".join(
        t for t, _ in long)
    assert pack([("y" * 9000, False)]) == ["y" * 3800, "y" * 3800, "y" * 1400]


def _send(api: FakeBotApi, text: str) -> None:
    status, body = api.handle("sendMessage", {"chat_id": CHAT, "text": text,
                                              "parse_mode": "HTML"})
    assert status == 200, (body, text[:200])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_valid_telegram_html(lang: str) -> None:
    """Checked by the fake's HTML parser and length limit, as Telegram would."""
    api = FakeBotApi()
    api.add_chat(CHAT)
    for text in (menu_text(lang, with_opening=True), about_text(lang), help_text(lang)):
        _send(api, text)
    for _, case in load_cases():
        step = engine.start(case["pathway"], lang, NIGHT)
        while step.question is not None:
            for message in question_messages(step, lang, NIGHT):
                _send(api, message)
            view = question_view(step.question, lang)
            as_dict = {"findings": list(view.findings), "finding": view.finding,
                       "kind": view.kind}
            step = engine.answer(step.conv, answer_for(as_dict, case["findings"]))
        for message in advice_messages(step, lang, NIGHT):
            _send(api, message)
        engine.close(step.conv)


def test_redacting_formatter_masks_the_token_everywhere() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(["123:SECRET"]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError("url https://api.telegram.org/bot123:SECRET/getMe")
        except RuntimeError:
            logger.exception("failed for %s", json.dumps({"u": "bot123:SECRET"}))
    finally:
        logger.removeHandler(handler)
    assert "123:SECRET" not in stream.getvalue()
    assert stream.getvalue().count("[redacted]") >= 2  # message and exception text
