"""Fail-safe urgency (spec §3.0): which fields are urgencies and how their values rank.

While an urgency field is undecided, the advice gives the most urgent value still possible and the
findings that could make it less urgent (``provisional``). ``alarm_level``: ``contact_now`` >
``contact_working_hours`` > ``no_alarm``; windows (hours): the shortest is the most urgent, no
window (``None``) the least.
"""

from __future__ import annotations

from collections.abc import Iterable

from .outcome import Value

ALARM_ORDER: tuple[Value, ...] = ("contact_now", "contact_working_hours", "no_alarm")
WINDOWS = ("mri_within_hours", "tissue_within_hours", "start_treatment_within_hours")
URGENCY_FIELDS = ("alarm_level", *WINDOWS)


def rank(field: str, value: Value) -> float:
    """Smaller is more urgent."""
    if value is None:
        return float("inf")
    if field == "alarm_level":
        return ALARM_ORDER.index(value)
    return float(value)  # type: ignore[arg-type]  # a window in hours


def most_urgent(field: str, values: Iterable[Value]) -> Value:
    return min(values, key=lambda v: rank(field, v))
