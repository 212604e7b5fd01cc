"""Where a conversation stands: its advice so far and the question the logic needs next."""

from __future__ import annotations

from logic.advice import Advice, advise

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
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in known.items()))
    cached = conv.cached_advice
    if cached is not None and cached[0] == (conv.pathway, key):
        return cached[1]
    advice = advise(conv.pathway, known)
    conv.cached_advice = ((conv.pathway, key), advice)
    return advice


def next_question(flow: Flow, advice: Advice, asked: list[str]) -> Question | None:
    """The question setting the first finding still needed (most urgent first), not yet asked."""
    for finding in advice.missing:
        question = flow.question_for(finding)
        if question is not None and question.id not in asked:
            return question
    return None


def next_state(conv: Conversation) -> str:
    question = next_question(FLOWS[conv.pathway], advice_for(conv), conv.asked)
    return question.id if question else ADVICE
