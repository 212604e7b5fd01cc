"""The bot's messages as Telegram HTML: texts from dialogs.render, escaped, laid out, split.

Every piece of text is escaped with :func:`html.escape`; the only tags are the ones added here
(``<b>``, ``<i>``, ``<pre>``). A message longer than Telegram's limit is split between lines.
"""

from __future__ import annotations

import html
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
    advice_text,
    guideline_version,
    opening,
    pathway_title,
    question_view,
    refusal_text,
    settled_text,
)
from logic.pathway import GUIDELINES

__all__ = [
    "about_text",
    "advice_messages",
    "chart_note_messages",
    "help_text",
    "menu_text",
    "pack",
    "question_messages",
]

#: Telegram allows 4096 characters per message (after parsing the HTML); keep a margin.
LIMIT = 3800
MENU_PROMPT = N_("ui.menu")

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
    """The decisions just settled (bold), then the whole advice with its urgency section bold."""
    t = translator(lang)
    urgency = t("section.urgency").upper()
    lines = _read_as(step, lang) + _refusal(step, lang) + _settled(step, lang, now)
    bold = False
    for i, line in enumerate(advice_text(step.advice, lang, now, step.conv).split("\n")):
        if line == urgency:
            bold = True
        elif not line.strip():
            bold = False
        lines.append((line, bold or i == 0))
    return pack(lines)


def chart_note_messages(conv: Conversation, step: Step, lang: str, now: datetime) -> list[str]:
    """The chart note as preformatted text (easy to copy into the record)."""
    note = chart_note(conv, step.advice, lang, now)
    return pack(_plain(note), wrap=("<pre>", "</pre>"))


def menu_text(lang: str, *, with_opening: bool) -> str:
    t = translator(lang)
    prompt = f"<b>{_escape(t(MENU_PROMPT))}</b>"
    return _escape(opening(lang)) + "\n\n" + prompt if with_opening else prompt


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
