"""Where a conversation stands: its advice so far and the question the logic needs next."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from logic.advice import Advice, advise, open_conditions
from logic.urgency import URGENCY_FIELDS

from .conversation import Conversation
from .flows import FLOWS, Flow
from .questions import Question

START, ADVICE = "start", "advice"


def advice_for(conv: Conversation) -> Advice:
    """The advice on the answers given (unknown answers count as not known).

    One answer needs the advice several times (before, after, the next question, the machine's
    guard); it is computed once per distinct set of answers and kept on the conversation.
    """
    known = conv.known()
    key = _key(conv.pathway, known)
    cached = conv.cached_advice
    if cached is not None and cached[0] == key:
        return cached[1]
    advice = advise(conv.pathway, known)
    conv.cached_advice = (key, advice)
    return advice


def _key(pathway: str, answers: dict[str, Any]) -> tuple[Any, ...]:
    """What a computation over the answers depends on, hashable."""
    return (pathway, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                  for k, v in answers.items())))


def next_question(flow: Flow, advice: Advice, asked: list[str],
                  waiting: frozenset[str] = frozenset()) -> Question | None:
    """The next question (spec §6): urgency first — a question about a finding an undecided
    urgency still needs — then the rest; within each, in the order the flow lists its questions
    (symptoms and signs, known primary, differential, imaging, details). Only questions about a
    finding still needed (applicable, C1) and not asked before; not about a finding ``waiting``
    on an answer given as unknown (what the MRI shows, when the MRI result is unknown)."""
    urgent = {f for name in URGENCY_FIELDS for f in advice.missing_by_decision.get(name, ())}
    needed = set(advice.missing) - waiting
    candidates = [q for q in flow.questions
                  if q.id not in asked and needed.intersection(q.sets)]
    for question in candidates:
        if urgent.intersection(question.sets):
            return question
    return candidates[0] if candidates else None


def narrowed(question: Question, advice: Advice, conv: Conversation) -> Question:
    """A checklist (a multi question over yes/no findings) offers only its items that are still
    needed and not yet answered (C1); the others keep their answers or stay unasked."""
    if question.kind != "multi" or not question.findings:
        return question
    needed = set(advice.missing) - waiting_on_unknown(conv)
    keep = tuple(o for o in question.options
                 if o.value in needed and o.value not in conv.answers)
    return replace(question, findings=tuple(str(o.value) for o in keep), options=keep)


def current_question(conv: Conversation) -> Question | None:
    """The question the conversation is at, as it is offered now (a checklist narrowed)."""
    if conv.state in (START, ADVICE):
        return None
    return narrowed(FLOWS[conv.pathway].question(conv.state), advice_for(conv), conv)


def waiting_on_unknown(conv: Conversation) -> frozenset[str]:
    """Findings that may apply only if a finding answered "unknown" turns out a certain way:
    the dialog does not ask them (it cannot learn the answer they wait on)."""
    unknown = {f for f, v in conv.answers.items() if v is None}
    if not unknown:
        return frozenset()
    # Asked for several times per answer (the next question, the machine's guard, a narrowed
    # checklist): worked out once per set of answers, like the advice.
    key = _key(conv.pathway, conv.answers)
    cached = conv.cached_waiting
    if cached is not None and cached[0] == key:
        return cached[1]
    gates = open_conditions(conv.pathway, conv.known())
    waiting = frozenset(f for f, waits in gates.items() if waits and set(waits) <= unknown)
    conv.cached_waiting = (key, waiting)
    return waiting


def next_state(conv: Conversation) -> str:
    question = next_question(FLOWS[conv.pathway], advice_for(conv), conv.asked,
                             waiting_on_unknown(conv))
    return question.id if question else ADVICE
