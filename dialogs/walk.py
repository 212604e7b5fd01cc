"""Explore every reachable state of a dialog: each question with each kind of answer.

Used by the tests (no dead end, no question twice, every path ends in an advice) and by the
flowchart generator. Numbers are answered with values on both sides of every threshold the rules
use, so every branch of the logic is reached.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from random import Random
from typing import Any

from .conversation import Conversation
from .flows import FLOWS
from .parsing import Parsed, parse_codes
from .progress import ADVICE, advice_for, narrowed, next_state, waiting_on_unknown
from .questions import UNKNOWN, Question

# Values on both sides of each threshold in the rules (spine:dx-3, NESMS, KPS 70).
NUMBER_SAMPLES: dict[str, tuple[str, ...]] = {
    "years_since_primary_diagnosis": ("1", "3", "6"),
    "albumin_g_per_l": ("30", "35"),
    "kps": ("60", "70"),
}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def answers_for(question: Question) -> list[str]:
    """The raw answers the walk tries for a question (every branch, plus unknown)."""
    if question.kind == "bool":
        return ["yes", "no", UNKNOWN]
    values = [str(o.value) for o in question.options]
    if question.kind == "choice":
        return [*values, UNKNOWN]
    if question.kind == "multi":
        return [*values, ",".join(values), "none", UNKNOWN]
    return [*NUMBER_SAMPLES[question.sets[0]], UNKNOWN]


@dataclass
class WalkResult:
    states: int = 0
    paths_ended_in_advice: int = 0
    edges: set[tuple[str, str]] = field(default_factory=set)  # (from, to) incl. start/advice
    problems: list[str] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    complete: bool = True  # False when the state limit cut the walk short


def _key(answers: dict[str, Any]) -> frozenset[tuple[str, Any]]:
    return frozenset((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items())


def _visit(result: WalkResult, pathway: str, answers: dict[str, Any],
           asked: list[str]) -> Question | None:
    """Record one dialog state; the question it asks next, or None where the path ends (in the
    advice, or in a problem: a question asked twice, a needed finding never asked)."""
    flow = FLOWS[pathway]
    conv = Conversation(pathway, "en", EPOCH, answers, asked)
    dest = next_state(conv)
    result.edges.add((asked[-1] if asked else "start", dest))
    if dest == ADVICE:
        result.paths_ended_in_advice += 1
        waiting = waiting_on_unknown(conv)
        for finding in advice_for(conv).missing:
            if finding not in conv.answers and finding not in waiting and flow.question_for(
                    finding):
                result.problems.append(f"advice with {finding} never asked")
        return None
    if dest in asked:
        result.problems.append(f"{dest} asked twice after {asked}")
        return None
    result.asked.add(dest)
    return narrowed(flow.question(dest), advice_for(conv), conv)


def _consistent(pathway: str, answers: dict[str, Any]) -> bool:
    """False for answers the dialog refuses as contradictory (KPS < 70 with ADL independence)."""
    try:
        advice_for(Conversation(pathway, "en", EPOCH, answers, []))
    except ValueError:
        return False
    return True


def walk(pathway: str, limit: int = 200_000) -> WalkResult:
    """Breadth-first over answer states (memoised: equal answers are one state), up to
    ``limit`` states; ``complete`` tells whether every reachable state was visited."""
    result = WalkResult()
    seen: set[frozenset[tuple[str, Any]]] = set()
    queue: deque[tuple[dict[str, Any], list[str]]] = deque([({}, [])])
    while queue:
        answers, asked = queue.popleft()
        key = _key(answers)
        if key in seen:
            continue
        seen.add(key)
        result.states += 1
        if result.states > limit:
            result.complete = False
            break
        question = _visit(result, pathway, answers, asked)
        if question is None:
            continue
        for raw in answers_for(question):
            parsed = parse_codes(question, raw)
            if not isinstance(parsed, Parsed):
                result.problems.append(f"{question.id}: walk answer {raw!r} refused")
                continue
            merged = {**answers, **parsed.values}
            if _consistent(pathway, merged):
                queue.append((merged, [*asked, question.id]))
    return result


def iter_pathways() -> Iterator[str]:
    yield from FLOWS


def random_walks(pathway: str, paths: int, seed: int = 0) -> WalkResult:
    """``paths`` complete dialogs with answers drawn at random (seeded: the same every run)."""
    rng = Random(seed)
    result = WalkResult()
    for _ in range(paths):
        answers: dict[str, Any] = {}
        asked: list[str] = []
        while True:
            result.states += 1
            question = _visit(result, pathway, answers, asked)
            if question is None:
                break
            choices = answers_for(question)
            while True:
                parsed = parse_codes(question, rng.choice(choices))
                assert isinstance(parsed, Parsed)
                merged = {**answers, **parsed.values}
                if _consistent(pathway, merged):
                    break
            answers, asked = merged, [*asked, question.id]
    return result


# How each pathway is explored for the tests and the flowcharts.
EXHAUSTIVE = ("spine.alarm", "lm.diagnosis", "calc.nesms", "calc.kps", "calc.lm_category")
RANDOM_PATHS = 300


@cache
def explore(pathway: str) -> WalkResult:
    if pathway in EXHAUSTIVE:
        return walk(pathway)
    return random_walks(pathway, RANDOM_PATHS)
