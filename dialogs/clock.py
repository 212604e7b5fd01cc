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

from dialogs.i18n import LANGUAGES, N_, translator

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


_TIME_PATTERN = "HH:mm"
WINDOW_HOURS = N_("deadline.within_hours")
WINDOW_DAYS = N_("deadline.within_days")
WINDOW_WEEKS = N_("deadline.within_weeks")
WINDOW_ONE_WEEK = N_("deadline.within_one_week")


def format_deadline(anchor: datetime, hours: int, lang: str) -> str:
    """A window counted from its anchor (spec §3.0): "within 12 h of 02:47 — before 14:47";
    from 72 hours on in days or weeks with the date: "within 2 weeks of Sun 22 Nov, 02:47 —
    before Sun 6 Dec, 02:47". The clock of the anchor and the deadline is shown in full when
    their local dates differ (or the window is long)."""
    t = translator(lang)
    deadline = anchor + timedelta(hours=hours)
    if hours < 72:
        same_day = (_as_utc(anchor).astimezone(TIMEZONE).date()
                    == _as_utc(deadline).astimezone(TIMEZONE).date())
        short = _format(anchor, {lang: _TIME_PATTERN}, lang)
        end = (_format(deadline, {lang: _TIME_PATTERN}, lang) if same_day
               else format_clock(deadline, lang))
        return t(WINDOW_HOURS, hours=hours, anchor=short, clock=end)
    start, end = format_clock(anchor, lang), format_clock(deadline, lang)
    if hours % 168 == 0:
        weeks = hours // 168
        if weeks == 1:
            return t(WINDOW_ONE_WEEK, anchor=start, clock=end)
        return t(WINDOW_WEEKS, weeks=weeks, anchor=start, clock=end)
    days, rest = divmod(hours, 24)
    if rest:  # not a whole number of days: keep the hours
        return t(WINDOW_HOURS, hours=hours, anchor=start, clock=end)
    return t(WINDOW_DAYS, days=days, anchor=start, clock=end)


CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def parse_local_time(text: str, now: datetime) -> datetime | None:
    """"02:30" (also "2.30", "02h30") as the latest such Amsterdam clock time not after
    ``now`` (today, or yesterday when that time has not come yet); ``None`` when not a time."""
    match = CLOCK_TIME.match(text.strip())
    if match is None:
        return None
    local_now = _as_utc(now).astimezone(TIMEZONE)
    local = local_now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if local > local_now:
        local -= timedelta(days=1)
    return local.astimezone(UTC)


def format_timestamp(moment: datetime, lang: str) -> str:
    """Local date and time for a chart note: "21-11-2026 14:05" (nl), "21 Nov 2026, 14:05" (en)."""
    return _format(moment, _TIMESTAMP_PATTERNS, lang)
