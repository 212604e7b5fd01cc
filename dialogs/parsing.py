"""Turn a typed or tapped answer into finding values, or a refusal that names what is allowed.

Typed answers (:func:`parse_answer`, spec §6) are read in both languages, whatever the chat's
language:

* ``?``, ``unknown``, ``onbekend`` always mean the answer is unknown -- also where an option's
  *value* is ``unknown`` (``primary_tumor``: "No known primary tumour" is chosen by its label or
  its number);
* bool: ``yes``/``ja``/``j``/``y``, ``no``/``nee``/``n``;
* an option's number as the console lists it (1..n, after the options "None of these" at a multi
  question and "Unknown"), except where the options are numbers themselves (``lp_number``);
* an option's label in Dutch or English, or its value; case, accents, punctuation and spaces do
  not matter, and a unique beginning or words of a label are enough (``breast``, ``mamma``); a
  text fitting two options is refused with their labels;
* multi: several of those separated by commas, or ``none``/``geen`` (also ``no``/``nee``);
* numbers with ``.`` or ``,`` as decimal mark, or a preset's label.

Refusals name options by their labels in the chat's language, never by internal values.
Buttons send option values, read exactly by :func:`parse_codes` (the walk uses it too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from .i18n import LANGUAGES, N_, Translator, translator
from .questions import UNKNOWN, Question

MAX_ANSWER_LENGTH = 200
YES_WORDS = frozenset({"yes", "y", "ja", "j", "true"})
NO_WORDS = frozenset({"no", "n", "nee", "false"})
NONE_WORDS = frozenset({"none", "geen", "-"})
UNKNOWN_WORDS = frozenset({UNKNOWN, "unknown", "onbekend"})
NONE = "none"  # the value of "None of these" at a multi question
NUMBER = re.compile(r"^[+-]?\d{1,6}([.,]\d{1,3})?$")
LIST_SEPARATOR = "; "  # labels may hold commas

ERR_EMPTY = N_("error.empty")
ERR_TOO_LONG = N_("error.too_long")
ERR_YES_NO = N_("error.yes_no")
ERR_OPTION = N_("error.option")
ERR_OPTIONS = N_("error.options")
# i18n: {value} is the text typed, {matches} the labels of the options it fits (two or more)
ERR_AMBIGUOUS = N_("error.ambiguous")
ERR_NUMBER_FORMAT = N_("error.number_format")
ERR_NUMBER_RANGE = N_("error.number_range")
ERR_NUMBER_STEP = N_("error.number_step")
# i18n: shown above the reply to a typed answer; {answer} is how it was read, e.g. Breast cancer
READ_AS = N_("ui.read_as")
YES = "common.yes"
NO = "common.no"
NONE_OF_THESE = "common.none_of_these"
UNKNOWN_TEXT = "common.unknown"


@dataclass(frozen=True)
class Refusal:
    """Why an answer was refused: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """Finding values to record; ``None`` for a finding answered as unknown."""

    values: dict[str, Any]


class _Mark:
    """"None of these" and "unknown" as targets of a typed answer, apart from option values
    (``unilateral_radicular_deficit`` has an option value "none", ``primary_tumor`` "unknown")."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


NONE_MARK = _Mark("none")
UNKNOWN_MARK = _Mark("unknown")


def normalize(text: str) -> str:
    """Lower case without accents; punctuation and runs of spaces become one space. Symbols such
    as ``≤``, ``>`` and ``<`` stay (they tell options apart)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(" " if unicodedata.category(c).startswith(("P", "Z")) or c.isspace() else c
                   for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().split())


Translators = tuple[Translator, ...]  # the cache keys: new ones after reload_catalogs()


def _texts() -> Translators:
    return tuple(translator(lang) for lang in LANGUAGES)


def _in_all_languages(texts: Translators, key: str) -> set[str]:
    return {normalize(t(key)) for t in texts} - {""}


@cache
def _unknown_names(texts: Translators) -> frozenset[str]:
    names = {normalize(w) for w in UNKNOWN_WORDS} | _in_all_languages(texts, UNKNOWN_TEXT)
    return frozenset(names - {""})


Entry = tuple[Any, frozenset[str]]  # what a text may stand for, and the names that say it


def _entries(question: Question) -> tuple[Entry, ...]:
    return _entries_in(question, _texts())


@cache
def _entries_in(question: Question, texts: Translators) -> tuple[Entry, ...]:
    """What a typed text can stand for, in the order the console numbers the options."""
    reserved = _unknown_names(texts)
    if question.kind == "bool":
        return ((True, frozenset(YES_WORDS | _in_all_languages(texts, YES))),
                (False, frozenset(NO_WORDS | _in_all_languages(texts, NO))),
                (UNKNOWN_MARK, reserved))
    entries: list[Entry] = []
    for opt in question.options:
        names = _in_all_languages(texts, opt.label) | {normalize(str(opt.value))}
        entries.append((opt.value, frozenset(names - reserved)))
    if question.kind == "multi":
        # "no"/"nee" to a checklist: none of these
        names = ({normalize(w) for w in NONE_WORDS | {"no", "nee"}}
                 | _in_all_languages(texts, NONE_OF_THESE))
        entries.append((NONE_MARK, frozenset(names - {""})))
    entries.append((UNKNOWN_MARK, reserved))
    return tuple(entries)


def _numbered(question: Question) -> bool:
    """Whether a typed whole number picks an option by its place (not where options are numbers)."""
    return question.kind != "number" and not any(isinstance(o.value, int)
                                                 for o in question.options)


def _words_fit(typed: list[str], name: list[str]) -> bool:
    """Every typed word begins a word of the name, in order."""
    i = 0
    for word in name:
        if i < len(typed) and word.startswith(typed[i]):
            i += 1
    return i == len(typed)


def _unique(targets: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for target in targets:
        if not any(target is t or (type(target) is type(t) and target == t) for t in out):
            out.append(target)
    return out


def _exact(question: Question, text: str) -> list[Any]:
    n = normalize(text)
    return _unique(target for target, names in _entries(question) if n in names)


def _candidates(question: Question, text: str) -> list[Any]:
    """What one typed piece stands for: one target, several (ambiguous) or none."""
    stripped = text.strip()
    if stripped.isdigit() and _numbered(question):
        entries = _entries(question)
        place = int(stripped)
        return [entries[place - 1][0]] if 1 <= place <= len(entries) else []
    exact = _exact(question, stripped)
    if exact:
        return exact
    n = normalize(stripped)
    compact = n.replace(" ", "")
    if len(compact) < 2:
        return []
    words = n.split()
    return _unique(target for target, names in _entries(question)
                   if any(name.replace(" ", "").startswith(compact)
                          or _words_fit(words, name.split()) for name in names))


def _label(question: Question, target: Any, lang: str) -> str:
    t = translator(lang)
    if target is UNKNOWN_MARK:
        return t(UNKNOWN_TEXT)
    if target is NONE_MARK:
        return t(NONE_OF_THESE)
    if question.kind == "bool":
        return t(YES) if target else t(NO)
    option = question.option(target)
    return t(option.label) if option is not None else str(target)


def _labels(question: Question, targets: Iterable[Any], lang: str) -> str:
    return LIST_SEPARATOR.join(_label(question, x, lang) for x in targets)


def _allowed(question: Question, lang: str) -> str:
    return _labels(question, (o.value for o in question.options), lang)


def _shown(text: str) -> str:
    return text.strip()[:40]


def _ambiguous(question: Question, text: str, targets: list[Any], lang: str) -> Refusal:
    return Refusal(ERR_AMBIGUOUS, {"value": _shown(text),
                                   "matches": _labels(question, targets, lang)})


def _is_unknown(text: str) -> bool:
    return set(text) <= {"?"} or normalize(text) in _unknown_names(_texts())


def parse_answer(question: Question, raw: str, lang: str = "en") -> Parsed | Refusal:
    """A typed answer; refusals are worded for ``lang`` (the chat's language)."""
    text = raw.strip()
    if not text:
        return Refusal(ERR_EMPTY)
    if len(text) > MAX_ANSWER_LENGTH:
        return Refusal(ERR_TOO_LONG, {"limit": MAX_ANSWER_LENGTH})
    if _is_unknown(text):
        return Parsed(dict.fromkeys(question.sets))
    if question.kind == "number":
        return _parse_number(question, text, lang)
    if question.kind == "multi":
        return _parse_multi(question, text, lang)
    found = _candidates(question, text)
    if len(found) > 1:
        return _ambiguous(question, text, found, lang)
    if not found:
        if question.kind == "bool":
            return Refusal(ERR_YES_NO)
        return Refusal(ERR_OPTION, {"allowed": _allowed(question, lang)})
    return _values(question, found)


def _values(question: Question, targets: list[Any]) -> Parsed:
    if UNKNOWN_MARK in targets:
        return Parsed(dict.fromkeys(question.sets))
    chosen = [x for x in targets if x is not NONE_MARK]
    if question.kind != "multi":
        return Parsed({question.sets[0]: chosen[0]})
    if question.findings:  # several boolean findings: chosen true, the others false
        return Parsed({f: f in chosen for f in question.findings})
    order = [o.value for o in question.options]
    return Parsed({question.sets[0]: sorted(chosen, key=order.index)})


def _parse_multi(question: Question, text: str, lang: str) -> Parsed | Refusal:
    """Comma-separated pieces; as labels may hold commas, the longest run of pieces that is
    exactly one option's label is taken first."""
    if text in NONE_WORDS:  # "-" has no letters to match
        return _values(question, [NONE_MARK])
    parts = text.split(",")
    targets: list[Any] = []
    i = 0
    while i < len(parts):
        if not parts[i].strip():
            i += 1
            continue
        for j in range(len(parts), i + 1, -1):
            exact = _exact(question, ",".join(parts[i:j]))
            if len(exact) == 1:
                targets.append(exact[0])
                i = j
                break
        else:
            found = _candidates(question, parts[i])
            if len(found) > 1:
                return _ambiguous(question, parts[i], found, lang)
            if not found:
                return Refusal(ERR_OPTIONS, {"value": _shown(parts[i]),
                                             "allowed": _allowed(question, lang)})
            targets.append(found[0])
            i += 1
    targets = _unique(targets)
    if not targets:
        return Refusal(ERR_EMPTY)
    alone = [x for x in targets if x is NONE_MARK or x is UNKNOWN_MARK]
    if alone and len(targets) > 1:  # "none" or "unknown" together with options
        return Refusal(ERR_OPTIONS, {"value": _label(question, alone[0], lang),
                                     "allowed": _allowed(question, lang)})
    return _values(question, targets)


def _number_text(value: Decimal | float | int) -> str:
    d = Decimal(str(value))
    return str(d.to_integral_value()) if d == d.to_integral_value() else str(d.normalize())


def _parse_number(question: Question, text: str, lang: str) -> Parsed | Refusal:
    low, high = question.low, question.high
    bounds = {"low": _number_text(low or 0), "high": _number_text(high or 0)}
    word = text.rstrip(".!;: ")
    if not NUMBER.match(word):
        if question.options:  # a preset by its label (KPS)
            found = [x for x in _candidates(question, text) if x is not UNKNOWN_MARK]
            if len(found) > 1:
                return _ambiguous(question, text, found, lang)
            if found:
                return Parsed({question.sets[0]: found[0]})
        return Refusal(ERR_NUMBER_FORMAT, {"value": _shown(text), **bounds})
    try:
        number = Decimal(word.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return Refusal(ERR_NUMBER_FORMAT, {"value": _shown(text), **bounds})
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


def parse_codes(question: Question, raw: str) -> Parsed | Refusal:
    """An answer given as values (buttons, the walk): ``yes``/``no``, an option value, for multi
    questions comma-separated values or ``none``, a number; ``?`` for unknown. Read exactly:
    ``unknown`` here is the option value where there is one."""
    text = raw.strip()
    if text == UNKNOWN:
        return Parsed(dict.fromkeys(question.sets))
    if question.kind == "number":
        return parse_answer(question, text)
    if question.kind == "bool":
        if text in ("yes", "no"):
            return Parsed({question.sets[0]: text == "yes"})
        return Refusal(ERR_YES_NO)
    values = {str(o.value): o.value for o in question.options}
    if question.kind == "choice":
        if text in values:
            return Parsed({question.sets[0]: values[text]})
        return Refusal(ERR_OPTION, {"allowed": _allowed(question, "en")})
    if text == NONE:
        return _values(question, [NONE_MARK])
    parts = [p.strip() for p in text.split(",")]
    for part in parts:
        if part not in values:
            return Refusal(ERR_OPTIONS, {"value": part[:40], "allowed": _allowed(question, "en")})
    return _values(question, _unique(values[p] for p in parts))


# A unit in the singular, for the value 1 ("1 year", not "1 years").
SINGULAR_UNITS = {"unit.years": N_("unit.year")}


def number_text(question: Question, value: float, lang: str) -> str:
    """A number answer in words: a button's words when it is one (a threshold side, a KPS
    level), else the number in the language's decimal mark with its unit."""
    t = translator(lang)
    option = question.option(value)
    if option is not None:
        return t(option.label)
    shown = _number_text(value)
    unit = question.unit
    if unit is not None and value == 1:
        unit = SINGULAR_UNITS.get(unit, unit)
    return (shown.replace(".", ",") if lang == "nl" else shown) + (f" {t(unit)}" if unit else "")


def read_as(question: Question, values: dict[str, Any], lang: str) -> str:
    """How an answer was read, in words: the echo of a typed answer ("Breast cancer")."""
    t = translator(lang)
    if all(values.get(f) is None for f in question.sets):
        return t(UNKNOWN_TEXT)
    if question.findings:
        chosen: Sequence[Any] = [f for f in question.findings if values.get(f)]
    else:
        value = values[question.sets[0]]
        if question.kind == "number":
            return number_text(question, value, lang)
        if question.kind != "multi":
            return _label(question, value, lang)
        chosen = value
    return _labels(question, chosen, lang) if chosen else t(NONE_OF_THESE)


def read_as_line(answer: str, lang: str) -> str:
    """The echo line shown above the reply to a typed answer."""
    return translator(lang)(READ_AS, answer=answer)
