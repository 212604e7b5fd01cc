"""Turn a typed or tapped answer into finding values, or a refusal that names what is allowed.

Accepted per kind: ``yes``/``no`` (also ``ja``/``nee``, ``j``/``n``, ``y``); an option value; for
multi questions comma-separated values or ``none``; numbers with ``.`` or ``,`` as decimal mark;
``?`` for unknown, everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .i18n import N_
from .questions import UNKNOWN, Question

MAX_ANSWER_LENGTH = 200
YES_WORDS = frozenset({"yes", "y", "ja", "j", "true"})
NO_WORDS = frozenset({"no", "n", "nee", "false"})
NONE_WORDS = frozenset({"none", "geen", "-"})
UNKNOWN_WORDS = frozenset({UNKNOWN, "unknown", "onbekend"})
NUMBER = re.compile(r"^[+-]?\d{1,6}([.,]\d{1,3})?$")

ERR_EMPTY = N_("error.empty")
ERR_TOO_LONG = N_("error.too_long")
ERR_YES_NO = N_("error.yes_no")
ERR_OPTION = N_("error.option")
ERR_OPTIONS = N_("error.options")
ERR_NUMBER_FORMAT = N_("error.number_format")
ERR_NUMBER_RANGE = N_("error.number_range")
ERR_NUMBER_STEP = N_("error.number_step")


@dataclass(frozen=True)
class Refusal:
    """Why an answer was refused: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """Finding values to record; ``None`` for a finding answered as unknown."""

    values: dict[str, Any]


def _number_text(value: Decimal | float | int) -> str:
    d = Decimal(str(value))
    return str(d.to_integral_value()) if d == d.to_integral_value() else str(d.normalize())


def _option_value(question: Question, word: str) -> Any | None:
    for opt in question.options:
        if str(opt.value).lower() == word:
            return opt.value
    return None


def parse_answer(question: Question, raw: str) -> Parsed | Refusal:
    text = raw.strip()
    if not text:
        return Refusal(ERR_EMPTY)
    if len(text) > MAX_ANSWER_LENGTH:
        return Refusal(ERR_TOO_LONG, {"limit": MAX_ANSWER_LENGTH})
    word = text.lower()
    # An option value wins over the words for "unknown" (primary_tumor has a value "unknown":
    # no known primary); "?" always means unknown.
    if word == UNKNOWN or (word in UNKNOWN_WORDS and _option_value(question, word) is None):
        return Parsed(dict.fromkeys(question.sets))
    if question.kind == "bool":
        return _parse_bool(question, word)
    if question.kind == "choice":
        value = _option_value(question, word)
        if value is None:
            return Refusal(ERR_OPTION, {"allowed": _allowed(question)})
        return Parsed({question.sets[0]: value})
    if question.kind == "multi":
        return _parse_multi(question, word)
    return _parse_number(question, word)


def _allowed(question: Question) -> str:
    return ", ".join(str(o.value) for o in question.options)


def _parse_bool(question: Question, word: str) -> Parsed | Refusal:
    if word in YES_WORDS:
        return Parsed({question.sets[0]: True})
    if word in NO_WORDS:
        return Parsed({question.sets[0]: False})
    return Refusal(ERR_YES_NO)


def _parse_multi(question: Question, word: str) -> Parsed | Refusal:
    if word in NONE_WORDS:
        chosen: list[Any] = []
    else:
        chosen = []
        for part in (p.strip() for p in word.split(",")):
            value = _option_value(question, part)
            if value is None:
                return Refusal(ERR_OPTIONS, {"value": part[:40], "allowed": _allowed(question)})
            if value not in chosen:
                chosen.append(value)
    if question.findings:  # several boolean findings: chosen true, the others false
        return Parsed({f: f in chosen for f in question.findings})
    order = [o.value for o in question.options]
    return Parsed({question.sets[0]: sorted(chosen, key=order.index)})


def _parse_number(question: Question, word: str) -> Parsed | Refusal:
    low, high = question.low, question.high
    bounds = {"low": _number_text(low or 0), "high": _number_text(high or 0)}
    preset = _option_value(question, word)
    if preset is not None:
        return Parsed({question.sets[0]: preset})
    if not NUMBER.match(word):
        return Refusal(ERR_NUMBER_FORMAT, {"value": word[:40], **bounds})
    try:
        number = Decimal(word.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return Refusal(ERR_NUMBER_FORMAT, {"value": word[:40], **bounds})
    shown = _number_text(number)
    if (low is not None and number < Decimal(str(low))) or (
            high is not None and number > Decimal(str(high))):
        return Refusal(ERR_NUMBER_RANGE, {"value": shown, **bounds})
    if question.integer:
        step = question.step or 1
        if number != number.to_integral_value() or int(number) % step:
            return Refusal(ERR_NUMBER_STEP, {"value": shown, "step": step, **bounds})
        return Parsed({question.sets[0]: int(number)})
    return Parsed({question.sets[0]: float(number)})
