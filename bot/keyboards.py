"""Inline keyboards and their callback data.

Callback data is short, opaque and carries the dialog's step counter (``conv.step``) wherever a
press changes the dialog, so a stale, repeated or forged press is recognised and changes nothing:

========== ==========================================================================
``a:S:I``  answer the question of step S with option I (of ``render.question_view``)
``t:S:I:V`` tick (V = 1) or untick (V = 0) option I of the multi-select question of step S;
           the button says what it will do, so pressing a button twice, or again after a
           redraw that never arrived, cannot undo what the user meant
``d:S``    submit the toggled options of step S ("Done")
``b:S``    back (undo the last answer)           ``r:S``  start this pathway again
``s:S``    the chart note                         ``c:S``  show where the dialog stands
``w:S``    remind me before the deadlines         ``x:S``  the urgent action is done
``m:I``    start pathway ``MENU[I]``              ``n``    show the menu
``y:S:I``  yes: end the dialog at step S and start pathway ``MENU[I]`` instead
``l:XX``   choose the language XX (nl or en)
========== ==========================================================================

:func:`decode` accepts exactly these shapes (anything else is ``None``); the handlers check the
step and the index range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs import common_text
from dialogs.flows import MENU
from dialogs.i18n import LANGUAGES, N_, translator
from dialogs.questions import UNKNOWN
from dialogs.render import QuestionView, pathway_title

__all__ = [
    "LANGUAGE_NAMES",
    "Press",
    "advice_keyboard",
    "continue_keyboard",
    "decode",
    "done_keyboard",
    "encode",
    "language_keyboard",
    "menu_keyboard",
    "question_keyboard",
    "switch_keyboard",
    "toggle_label",
]

CHECKED, UNCHECKED = "☑ ", "☐ "
NONE_VALUE = "none"
LANGUAGE_NAMES = {"nl": N_("bot.language_name.nl"), "en": N_("bot.language_name.en")}
DONE = N_("bot.button.done")
SUMMARY = N_("bot.button.summary")
MENU_BUTTON = N_("bot.button.menu")
CONTINUE = N_("bot.button.continue")
REMIND = N_("bot.button.remind")
ACTION_DONE = N_("bot.button.action_done")

TWO_COLUMNS_FROM = 6  # a choice with more options than this is laid out in two columns
_STEP_KINDS = "atdbrscwx"
_PATTERN = re.compile(
    r"a:(?P<step>\d{1,9}):(?P<index>\d{1,3})"
    r"|t:(?P<tstep>\d{1,9}):(?P<tindex>\d{1,3}):(?P<on>[01])"
    r"|(?P<kind2>[dbrscwx]):(?P<step2>\d{1,9})"
    r"|m:(?P<menu>\d{1,2})"
    r"|y:(?P<ystep>\d{1,9}):(?P<yindex>\d{1,2})"
    r"|l:(?P<lang>[a-z]{2})"
    r"|(?P<show_menu>n)",
    re.ASCII,  # \d is 0-9 only, not other scripts' digits
)


@dataclass(frozen=True)
class Press:
    """A decoded button press."""

    kind: str  # one of a t d b r s c w x m y n l
    step: int | None = None
    index: int | None = None
    lang: str | None = None
    on: bool | None = None  # t: tick (True) or untick (False)


def encode(kind: str, step: int | None = None, index: int | None = None,
           lang: str | None = None, on: bool | None = None) -> str:
    if kind == "a":
        data = f"a:{step}:{index}"
    elif kind == "t":
        assert on is not None, "a tick button ticks or unticks"
        data = f"t:{step}:{index}:{int(on)}"
    elif kind in _STEP_KINDS:
        data = f"{kind}:{step}"
    elif kind == "m":
        data = f"m:{index}"
    elif kind == "y":
        data = f"y:{step}:{index}"
    elif kind == "l":
        data = f"l:{lang}"
    else:
        data = kind
    assert decode(data) is not None and len(data.encode()) <= 64, data
    return data


def decode(data: object) -> Press | None:
    """The press encoded in ``data``, or None for anything not made by :func:`encode`."""
    if not isinstance(data, str) or len(data) > 20:
        return None
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    groups = match.groupdict()
    if groups["step"]:
        return Press("a", int(groups["step"]), int(groups["index"]))
    if groups["tstep"]:
        return Press("t", int(groups["tstep"]), int(groups["tindex"]), on=groups["on"] == "1")
    if groups["kind2"]:
        return Press(groups["kind2"], int(groups["step2"]))
    if groups["menu"] is not None:
        index = int(groups["menu"])
        return Press("m", index=index) if index < len(MENU) else None
    if groups["ystep"]:
        index = int(groups["yindex"])
        return Press("y", int(groups["ystep"]), index) if index < len(MENU) else None
    if groups["lang"]:
        return Press("l", lang=groups["lang"]) if groups["lang"] in LANGUAGES else None
    return Press("n")


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def toggle_label(label: str, checked: bool) -> str:
    return (CHECKED if checked else UNCHECKED) + label


def selectable(view: QuestionView) -> list[int]:
    """Indexes of the options of a multi question that can be toggled (not none/unknown)."""
    return [i for i, o in enumerate(view.options) if o.value not in (NONE_VALUE, UNKNOWN)]


def question_keyboard(view: QuestionView, step: int, lang: str, *, toggles: Sequence[int] = (),
                      can_go_back: bool = False) -> InlineKeyboardMarkup:
    """One button per answer; a multi question toggles its options and has Done."""
    t = translator(lang)
    rows: list[list[InlineKeyboardButton]] = []
    options = list(enumerate(view.options))
    if view.kind == "multi":
        for i in selectable(view):
            label = toggle_label(view.options[i].label, i in toggles)
            rows.append([_button(label, encode("t", step, i, on=i not in toggles))])
        rows.append([_button(t(DONE), encode("d", step))])
        rows.append([_button(o.label, encode("a", step, i)) for i, o in options
                     if o.value in (NONE_VALUE, UNKNOWN)])
    elif view.kind == "bool":
        rows.append([_button(o.label, encode("a", step, i)) for i, o in options
                     if o.value != UNKNOWN])
        rows.append([_button(o.label, encode("a", step, i)) for i, o in options
                     if o.value == UNKNOWN])
    elif len(options) > TWO_COLUMNS_FROM:  # a long list: two columns, unknown on its own row
        buttons = [_button(o.label, encode("a", step, i)) for i, o in options
                   if o.value != UNKNOWN]
        rows += [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
        rows += [[_button(o.label, encode("a", step, i))] for i, o in options
                 if o.value == UNKNOWN]
    else:
        rows += [[_button(o.label, encode("a", step, i))] for i, o in options]
    if can_go_back:
        rows.append([_button("⬅ " + t(common_text.BACK), encode("b", step))])
    return InlineKeyboardMarkup(rows)


def advice_keyboard(step: int, lang: str, *, remind: bool = False) -> InlineKeyboardMarkup:
    """Back, restart, chart note, menu; with an urgent deadline first "⏰ remind me"."""
    t = translator(lang)
    top = [[_button("⏰ " + t(REMIND), encode("w", step))]] if remind else []
    return InlineKeyboardMarkup([*top,
        [_button("⬅ " + t(common_text.BACK), encode("b", step)),
         _button("↺ " + t(common_text.RESTART), encode("r", step))],
        [_button("📋 " + t(SUMMARY), encode("s", step)), _button("☰ " + t(MENU_BUTTON), "n")],
    ])


def menu_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(pathway_title(p, lang), encode("m", index=i))]
                                 for i, p in enumerate(MENU)])


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        _button(translator(code)(LANGUAGE_NAMES[code]), encode("l", lang=code))
        for code in LANGUAGES
    ]])


def switch_keyboard(step: int, index: int, lang: str) -> InlineKeyboardMarkup:
    """Start ``MENU[index]`` instead of the dialog at ``step``, or go on with that dialog."""
    return InlineKeyboardMarkup([
        [_button("▶ " + pathway_title(MENU[index], lang), encode("y", step, index))],
        [_button("↩ " + translator(lang)(CONTINUE), encode("c", step))]])


def done_keyboard(step: int, lang: str) -> InlineKeyboardMarkup:
    """Under the reminders' confirmation: the urgent action is done (reminders off, unpinned)."""
    return InlineKeyboardMarkup([[_button("✅ " + translator(lang)(ACTION_DONE),
                                          encode("x", step))]])


def continue_keyboard(step: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(translator(lang)(CONTINUE), encode("c", step))]])
