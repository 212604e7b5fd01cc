"""Step a conversation: start, answer, back, restart, resume. Front ends call only these.

Each step returns a :class:`Step`: the advice so far, the next question (``None`` when the advice
is complete) and the decisions settled by this very step, so a front end shows every decision the
moment it is settled.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from logic.advice import Advice

from .conversation import Conversation, SavedConversation
from .flows import FLOWS
from .i18n import LANGUAGES, N_
from .machine import machine_for
from .parsing import Parsed, Refusal, parse_answer, parse_codes, read_as
from .progress import ADVICE, START, advice_for, current_question, next_state
from .questions import Question

ERR_CONTRADICTION = N_("error.kps_adl_contradiction")
ERR_FINISHED = N_("error.finished")
ERR_NOTHING_TO_UNDO = N_("error.nothing_to_undo")
ERR_TIME_FUTURE = N_("error.time_future")


@dataclass(frozen=True)
class Step:
    conv: Conversation
    advice: Advice
    question: Question | None
    newly_settled: dict[str, Any] = field(default_factory=dict)
    refusal: Refusal | None = None
    read_as: str | None = None  # a typed answer as it was read, in words ("Breast cancer")

    @property
    def done(self) -> bool:
        return self.question is None


def _advance(conv: Conversation, before: dict[str, Any] | None,
             refusal: Refusal | None = None) -> Step:
    advice = advice_for(conv)
    dest = next_state(conv)
    if conv.state != dest:
        moved = machine_for(conv.pathway).move(conv, dest)
        assert moved, f"guarded move to {dest} refused"
    settled = advice.settled()
    newly = {k: v for k, v in settled.items() if before is None or k not in before}
    return Step(conv, advice, current_question(conv), newly, refusal)


def start(pathway: str, lang: str, now: datetime) -> Step:
    if pathway not in FLOWS:
        raise KeyError(pathway)
    if lang not in LANGUAGES:
        raise ValueError(lang)
    conv = Conversation(pathway, lang, now)
    machine_for(pathway).attach(conv)
    return _advance(conv, None)


def resume(saved: SavedConversation) -> Conversation:
    """A stored conversation back on its pathway's machine, in the state it was in."""
    conv = Conversation(saved.pathway, saved.lang, saved.started_at, saved.answers, saved.asked,
                        saved.step, saved.anchors, saved.presented_at)
    machine_for(saved.pathway).attach(conv, saved.state)
    return conv


def close(conv: Conversation) -> None:
    """Take the conversation off its machine (it ends or is purged)."""
    machine_for(conv.pathway).detach(conv)


def current(conv: Conversation, refusal: Refusal | None = None) -> Step:
    """Where the conversation stands; after a refusal the same question again."""
    return _advance(conv, advice_for(conv).settled(), refusal)


def answer(conv: Conversation, raw: str) -> Step:
    """A typed answer, read in both languages (see :mod:`dialogs.parsing`) and echoed."""
    if conv.state in (ADVICE, START):
        return current(conv, Refusal(ERR_FINISHED))
    question = current_question(conv)
    assert question is not None
    parsed = parse_answer(question, raw, conv.lang)
    if isinstance(parsed, Refusal):
        return current(conv, parsed)
    step = _record(conv, question, parsed)
    if step.refusal is not None:
        return step
    return replace(step, read_as=read_as(question, parsed.values, conv.lang))


def choose(conv: Conversation, codes: str) -> Step:
    """An answer given as option values (a button): read exactly, not echoed."""
    if conv.state in (ADVICE, START):
        return current(conv, Refusal(ERR_FINISHED))
    question = current_question(conv)
    assert question is not None
    parsed = parse_codes(question, codes)
    if isinstance(parsed, Refusal):
        return current(conv, parsed)
    return _record(conv, question, parsed)


def _record(conv: Conversation, question: Question, parsed: Parsed) -> Step:
    before = advice_for(conv).settled()
    previous = dict(conv.answers)
    conv.answers.update(parsed.values)
    try:
        advice_for(conv)
    except ValidationError:
        conv.answers = previous  # e.g. KPS < 70 with ADL independence (lm:tx-1)
        return current(conv, Refusal(ERR_CONTRADICTION))
    # An item of a checklist whose condition its neighbours just made false was not asked
    # after all: drop its answer rather than store a finding that cannot apply.
    for name in advice_for(conv).ignored:
        if name in parsed.values:
            conv.answers.pop(name)
    conv.asked.append(question.id)
    conv.step += 1
    return _advance(conv, before)


def back(conv: Conversation) -> Step:
    """Undo the last answer: the question it answered is asked again."""
    if not conv.asked:
        return current(conv, Refusal(ERR_NOTHING_TO_UNDO))
    qid = conv.asked.pop()
    for finding in FLOWS[conv.pathway].question(qid).sets:
        conv.answers.pop(finding, None)
    conv.step += 1
    step = _advance(conv, None)
    assert step.question is not None and step.question.id == qid
    return Step(conv, step.advice, step.question, {}, None)


def restart(conv: Conversation) -> Step:
    conv.answers.clear()
    conv.asked.clear()
    conv.anchors.clear()  # a new case: its windows count from when they are shown
    conv.presented_at = None
    conv.step += 1
    conv.trigger("reset")  # type: ignore[attr-defined]
    return _advance(conv, None)


def presented_at(conv: Conversation, moment: datetime, now: datetime) -> Step:
    """The time of presentation: every window counts from it when it is earlier than the moment
    the window was first shown (spec §3.0). A moment after ``now`` is refused."""
    if moment > now:
        return current(conv, Refusal(ERR_TIME_FUTURE))
    conv.presented_at = moment
    return current(conv)


def set_language(conv: Conversation, lang: str) -> Step:
    if lang not in LANGUAGES:
        raise ValueError(lang)
    conv.lang = lang
    return current(conv)
