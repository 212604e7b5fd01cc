"""The current time, and dates and times as the user reads them (Amsterdam time).

Code asks a Clock for the time instead of calling ``datetime.now()``, so tests can fix it.
All moments are timezone-aware and kept in UTC; they are converted to Europe/Amsterdam
only for display, so adding hours is correct across daylight saving time changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dialogs.i18n import LANGUAGES, translator

__all__ = [
    "TIMEZONE",
    "Clock",
    "FixedClock",
    "SystemClock",
    "format_clock",
    "format_deadline",
    "format_timestamp",
]

TIMEZONE = ZoneInfo("Europe/Amsterdam")

#: Babel locale and date patterns per language.
_BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
_CLOCK_PATTERNS = {"nl": "EEE d MMM, HH:mm", "en": "EEE d MMM, HH:mm"}
_TIMESTAMP_PATTERNS = {"nl": "dd-MM-yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}
# A dot right after a letter ends an abbreviation ("nov."): drop it.
_ABBREVIATION_DOT = re.compile(r"(?<=[^\W\d_])\.")


class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """Return the current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current moment in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until advanced; for tests and replays."""

    def __init__(self, moment: datetime) -> None:
        self._now = _as_utc(moment)

    def now(self) -> datetime:
        """Return the fixed moment in UTC."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by *delta* (backward if negative)."""
        self._now += delta


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: give a timezone (UTC)")
    return moment.astimezone(UTC)


def _format(moment: datetime, patterns: Mapping[str, str], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    text = format_datetime(
        _as_utc(moment), patterns[lang], tzinfo=TIMEZONE, locale=_BABEL_LOCALES[lang]
    )
    return _ABBREVIATION_DOT.sub("", text)


def format_clock(moment: datetime, lang: str) -> str:
    """Local day and time, e.g. "Sun 22 Nov, 03:47" (en) or "zo 22 nov, 03:47" (nl)."""
    return _format(moment, _CLOCK_PATTERNS, lang)


def format_deadline(now: datetime, hours: int, lang: str) -> str:
    """The ``deadline.within_hours`` text: "within 12 hours — before Sun 22 Nov, 03:47"."""
    t = translator(lang)
    clock = format_clock(now + timedelta(hours=hours), lang)
    return t("deadline.within_hours", hours=hours, clock=clock)


def format_timestamp(moment: datetime, lang: str) -> str:
    """Local date and time for a chart note: "21-11-2026 14:05" (nl), "21 Nov 2026, 14:05" (en)."""
    return _format(moment, _TIMESTAMP_PATTERNS, lang)
