"""Anchored deadlines (spec §3.0, C8): a window is counted from the moment it was first shown in
the dialog (decided or provisional), or from an earlier time the user set (the time of
presentation). The anchor is stored with the conversation and never recomputed, so every later
message, the advice, the chart note and a resumed dialog show the same deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from logic.advice import Advice, Provisional
from logic.urgency import WINDOWS

from .conversation import Conversation
from .flows import FLOWS
from .progress import ADVICE, advice_for


def resting_on_unknown(advice: Advice, conv: Conversation,
                       questions: Sequence[str]) -> dict[str, Provisional]:
    """The undecided urgencies whose fail-safe value rests on a finding that one of
    ``questions`` was answered "unknown" to."""
    unknown = {f for qid in questions for f in FLOWS[conv.pathway].question(qid).sets
               if f in conv.answers and conv.answers[f] is None}
    return {n: p for n, p in advice.provisional.items()
            if n in advice.missing_by_decision and unknown.intersection(p.unless)}


def shown_provisionals(advice: Advice, conv: Conversation) -> dict[str, Provisional]:
    """The provisional urgencies the dialog has shown (spec §3.0): all of them once the advice
    is complete; before, those resting on a finding answered "unknown"."""
    if conv.state == ADVICE:
        return {n: p for n, p in advice.provisional.items() if n in advice.missing_by_decision}
    return resting_on_unknown(advice, conv, conv.asked)


def note_shown(conv: Conversation, advice: Advice, now: datetime) -> None:
    """Anchor every window shown from now on: decided with a window, or shown provisionally."""
    shown = shown_provisionals(advice, conv)
    for name in WINDOWS:
        if name in conv.anchors or name not in advice.decisions:
            continue
        decided = name not in advice.missing_by_decision and advice.decisions[name] is not None
        if decided or (name in shown and shown[name].value is not None):
            conv.anchors[name] = now


def windows(conv: Conversation) -> list[tuple[str, datetime, int | None, bool]]:
    """Every anchored window: (field, anchor, hours or None while unknown, provisional)."""
    advice = advice_for(conv)
    out = []
    for name, first in conv.anchors.items():
        hours = advice.decisions.get(name)
        if hours is None and name in advice.provisional:
            hours = advice.provisional[name].value
        out.append((name, anchor(conv, name, first), hours if isinstance(hours, int) else None,
                    name in advice.provisional))
    return out


def deadlines(conv: Conversation) -> dict[str, dict[str, object]]:
    """The anchored windows, for programs (the JSONL protocol): per field its anchor and, once
    the window is known, its hours and deadline (ISO 8601, UTC)."""
    out: dict[str, dict[str, object]] = {}
    for name, at, hours, provisional in windows(conv):
        entry: dict[str, object] = {"anchor": at.isoformat()}
        if hours is not None:
            entry.update(hours=hours, deadline=(at + timedelta(hours=hours)).isoformat(),
                         provisional=provisional)
        out[name] = entry
    return out


def anchor(conv: Conversation | None, name: str, now: datetime) -> datetime:
    """The moment ``name``'s window counts from (recorded now if it was never shown)."""
    if conv is None or name not in WINDOWS:
        return now
    first = conv.anchors.setdefault(name, now)
    if conv.presented_at is not None and conv.presented_at < first:
        return conv.presented_at
    return first


def open_deadlines(conv: Conversation, now: datetime) -> list[tuple[str, datetime]]:
    """The windows with a deadline still to come (an MRI window with a result is done), soonest
    first: what a reminder is for."""
    known = conv.known()
    out = [(name, at + timedelta(hours=hours)) for name, at, hours, _ in windows(conv)
           if hours is not None and not window_done(name, known)]
    return sorted(((n, d) for n, d in out if d > now), key=lambda x: x[1])


def window_done(name: str, findings: Mapping[str, Any]) -> bool:
    """The MRI window is done once a result is entered (C6): no longer a task with a deadline."""
    return name == "mri_within_hours" and findings.get("mri_result") not in (None, "pending")
