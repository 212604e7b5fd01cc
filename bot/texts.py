"""The bot's messages as Telegram HTML: texts from dialogs.render, escaped, laid out, split.

Every piece of text is escaped with :func:`html.escape`; the only tags are the ones added here
(``<b>``, ``<i>``, ``<pre>``). A message longer than Telegram's limit is split between lines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from dialogs.chart_note import chart_note
from dialogs.conversation import Conversation
from dialogs.engine import Step
from dialogs.i18n import N_, translator
from dialogs.parsing import read_as_line
from dialogs.render import (
    GUIDELINE_TITLES,
    guideline_version,
    opening,
    pathway_title,
    question_view,
    refusal_text,
    settled_text,
)
from dialogs.screen import Block, advice_screen
from logic.pathway import GUIDELINES

__all__ = [
    "about_text",
    "advice_messages",
    "chart_note_reply",
    "help_text",
    "menu_text",
    "pack",
    "question_messages",
]

#: Telegram allows 4096 characters per message (after parsing the HTML); keep a margin.
LIMIT = 3800
MENU_PROMPT = N_("ui.menu")
START_INTRO = N_("bot.start.intro")

Line = tuple[str, bool]  # plain text, bold


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def pack(lines: Iterable[Line], limit: int = LIMIT, wrap: tuple[str, str] = ("", "")) -> list[str]:
    """HTML messages of at most ``limit`` plain characters, split between lines; bold lines are
    wrapped in ``<b>`` one by one, so no tag spans two messages."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for text, bold in lines:
        pieces = [text[i:i + limit] for i in range(0, len(text), limit)] or [""]
        for piece in pieces:
            if current and size + len(piece) + 1 > limit:
                messages.append(wrap[0] + "\n".join(current) + wrap[1])
                current, size = [], 0
            escaped = _escape(piece)
            current.append(f"<b>{escaped}</b>" if bold and piece.strip() else escaped)
            size += len(piece) + 1
    if current and any(line.strip() for line in current):
        messages.append(wrap[0] + "\n".join(current) + wrap[1])
    return messages


def _plain(text: str, bold: bool = False) -> list[Line]:
    return [(line, bold) for line in text.split("\n")]


def _settled(step: Step, lang: str, now: datetime) -> list[Line]:
    text = settled_text(step.conv.pathway, step.newly_settled, lang, now, step.advice, step.conv)
    return [*_plain(text, bold=True), ("", False)] if text else []


def _refusal(step: Step, lang: str) -> list[Line]:
    if step.refusal is None:
        return []
    return [*_plain("❗ " + refusal_text(step.refusal, step.question, lang)), ("", False)]


def _read_as(step: Step, lang: str) -> list[Line]:
    """The echo of a typed answer ("↳ Read as: Breast cancer"), if this step answered one."""
    return [(read_as_line(step.read_as, lang), False), ("", False)] if step.read_as else []


def question_messages(step: Step, lang: str, now: datetime) -> list[str]:
    """The refusal (if any), the decisions just settled (bold), then the question."""
    assert step.question is not None
    view = question_view(step.question, lang)
    lines = _read_as(step, lang) + _refusal(step, lang) + _settled(step, lang, now)
    if not step.conv.asked and step.refusal is None:
        lines.append((pathway_title(step.conv.pathway, lang), True))
    return pack([*lines, *_plain(view.text)])


def advice_messages(step: Step, lang: str, now: datetime) -> list[str]:
    """The advice on one screen (dialogs.screen): urgency first (bold), the treatment choice and
    its reason; then the rest as expandable quotes, one per block, never split inside a block
    unless a block alone is longer than a message."""
    screen = advice_screen(step.advice, lang, now, step.conv)
    lines = _read_as(step, lang) + _refusal(step, lang)
    lines.append((screen.title, True))
    lines += [(line, True) for text in screen.urgent for line in text.split("\n")]
    if screen.choice:
        lines.append(("", False))
        lines += [(line, False) for text in screen.choice for line in text.split("\n")]
    first = pack(lines)
    if screen.reason:
        first[-1] += "\n<i>" + _escape(screen.reason) + "</i>"
    quotes = _quotes(screen.details)
    if len(first) == 1 and len(quotes) == 1 and len(_shown(first[0] + quotes[0])) < ONE_SCREEN:
        return [first[0] + "\n" + quotes[0]]  # short enough for one message
    return first + quotes


ONE_SCREEN = 1000  # characters: what a phone shows without scrolling (issue 12)


def _shown(message_html: str) -> str:
    """The text as Telegram shows it (tags off, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message_html))


QUOTE = ("<blockquote expandable>", "</blockquote>")


def _quotes(blocks: Iterable[Block]) -> list[str]:
    """Blocks as expandable quotes, packed into messages of at most ``LIMIT`` characters."""
    quotes: list[tuple[str, int]] = []
    for block in blocks:
        body = [(block.title.upper(), True), *((x, False) for b in block.lines
                                               for x in b.split("\n"))]
        for part in pack(body, LIMIT - 50):
            quotes.append((QUOTE[0] + part + QUOTE[1], sum(len(x) + 1 for x, _ in body)))
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for quote, length in quotes:
        if current and size + length > LIMIT:
            messages.append("\n".join(current))
            current, size = [], 0
        current.append(quote)
        size += length
    if current:
        messages.append("\n".join(current))
    return messages


def chart_note_reply(conv: Conversation, step: Step, lang: str, now: datetime) -> str | bytes:
    """The chart note as one copyable block: a ``<pre>`` message, or (longer than a message)
    the text of a .txt document."""
    note = chart_note(conv, step.advice, lang, now)
    if len(note) <= LIMIT:
        return "<pre>" + _escape(note) + "</pre>"
    return note.encode("utf-8")


def menu_text(lang: str, *, with_opening: bool) -> str:
    t = translator(lang)
    prompt = f"<b>{_escape(t(MENU_PROMPT))}</b>"
    if not with_opening:
        return prompt
    return _escape(t(START_INTRO)) + "\n\n" + _escape(opening(lang)) + "\n\n" + prompt


def _version() -> str:
    try:
        return version("neuro-onco-bot")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "?"


def about_text(lang: str) -> str:
    t = translator(lang)
    title = t("bot.about.title")
    lines = [f"<b>{_escape(title)}</b>", ""]
    lines += [_escape(f"• {GUIDELINE_TITLES[g]} ({guideline_version(g, lang)})")
              for g in GUIDELINES]
    lines += ["", _escape(t("bot.about.source")), "", _escape(t("ui.disclaimer")),
              _escape(t("ui.no_identifiers")), "",
              # i18n: {version} is the program's version number, e.g. 0.1.0
              _escape(t("bot.about.version", version=_version()))]
    return "\n".join(lines)


def help_text(lang: str) -> str:
    t = translator(lang)
    return _escape(t("bot.help"))
