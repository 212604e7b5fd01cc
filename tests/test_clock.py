"""Clocks and the display of times in Amsterdam time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from dialogs.clock import (
    TIMEZONE,
    Clock,
    FixedClock,
    SystemClock,
    format_clock,
    format_deadline,
    format_timestamp,
    parse_local_time,
)

NOW = datetime(2026, 11, 21, 14, 47, tzinfo=UTC)


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock: Clock = FixedClock(NOW)
    assert clock.now() == NOW
    assert clock.now() == NOW
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(hours=2, minutes=5))
    assert clock.now() == datetime(2026, 11, 21, 16, 52, tzinfo=UTC)


def test_fixed_clock_keeps_utc() -> None:
    amsterdam = datetime(2026, 11, 21, 15, 47, tzinfo=TIMEZONE)
    now = FixedClock(amsterdam).now()
    assert now == NOW
    assert now.utcoffset() == timedelta(0)


def test_fixed_clock_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2026, 11, 21, 14, 47))


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_deadline_in_english() -> None:
    assert format_clock(NOW + timedelta(hours=12), "en") == "Sun 22 Nov, 03:47"
    assert format_deadline(NOW, 12, "en") == "within 12 h of 15:47 — before Sun 22 Nov, 03:47"
    assert format_deadline(NOW - timedelta(hours=12), 12, "en") == (
        "within 12 h of 03:47 — before 15:47")


def test_deadline_in_dutch() -> None:
    assert format_clock(NOW + timedelta(hours=12), "nl") == "zo 22 nov, 03:47"
    assert format_deadline(NOW, 12, "nl") == "binnen 12 uur na 15:47 — vóór zo 22 nov, 03:47"


@pytest.mark.parametrize(
    ("hours", "lang", "expected"),
    [
        (72, "en", "within 3 days of Sat 21 Nov, 15:47 — before Tue 24 Nov, 15:47"),
        (168, "en", "within 1 week of Sat 21 Nov, 15:47 — before Sat 28 Nov, 15:47"),
        (336, "en", "within 2 weeks of Sat 21 Nov, 15:47 — before Sat 5 Dec, 15:47"),
        (336, "nl", "binnen 2 weken na za 21 nov, 15:47 — vóór za 5 dec, 15:47"),
        (48, "en", "within 48 h of 15:47 — before Mon 23 Nov, 15:47"),
    ],
)
def test_windows_of_72_hours_or_more_in_days_or_weeks(hours: int, lang: str,
                                                      expected: str) -> None:
    """spec §3.0: 168 h = 1 week, 336 h = 2 weeks, with the date."""
    assert format_deadline(NOW, hours, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02:30", datetime(2026, 11, 21, 1, 30, tzinfo=UTC)),  # 02:30 Amsterdam, today
        ("2.30", datetime(2026, 11, 21, 1, 30, tzinfo=UTC)),
        ("23:10", datetime(2026, 11, 20, 22, 10, tzinfo=UTC)),  # not yet today: last night
        ("25:00", None), ("half three", None), ("", None),
    ],
)
def test_a_typed_time_of_presentation_is_the_latest_past_clock_time(
        text: str, expected: datetime | None) -> None:
    assert parse_local_time(text, NOW) == expected


def test_deadline_across_the_end_of_daylight_saving_time() -> None:
    # 2026-10-25 03:00 CEST becomes 02:00 CET.  21:30 CEST + 12 h is 08:30 CET, not 09:30.
    now = datetime(2026, 10, 24, 19, 30, tzinfo=UTC)
    assert format_clock(now, "en") == "Sat 24 Oct, 21:30"
    assert format_deadline(now, 12, "en") == "within 12 h of 21:30 — before Sun 25 Oct, 08:30"
    assert format_deadline(now, 12, "nl") == "binnen 12 uur na 21:30 — vóór zo 25 okt, 08:30"


def test_deadline_across_the_start_of_daylight_saving_time() -> None:
    # 2026-03-29 02:00 CET becomes 03:00 CEST.  21:00 CET + 12 h is 10:00 CEST.
    now = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    assert format_deadline(now, 12, "en") == "within 12 h of 21:00 — before Sun 29 Mar, 10:00"


def test_clock_accepts_any_timezone() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert format_clock(NOW.astimezone(new_york), "en") == "Sat 21 Nov, 15:47"


@pytest.mark.parametrize("month", range(1, 13))
def test_dutch_abbreviations_have_no_dot(month: int) -> None:
    text = format_clock(datetime(2026, month, 5, 12, 0, tzinfo=UTC), "nl")
    assert "." not in text


@pytest.mark.parametrize(
    ("moment", "lang", "expected"),
    [
        (datetime(2026, 11, 21, 13, 5, tzinfo=UTC), "nl", "21-11-2026 14:05"),
        (datetime(2026, 11, 21, 13, 5, tzinfo=UTC), "en", "21 Nov 2026, 14:05"),
        (datetime(2026, 7, 1, 12, 5, tzinfo=UTC), "nl", "01-07-2026 14:05"),
        (datetime(2026, 7, 1, 12, 5, tzinfo=UTC), "en", "1 Jul 2026, 14:05"),
    ],
)
def test_timestamp(moment: datetime, lang: str, expected: str) -> None:
    assert format_timestamp(moment, lang) == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="nl, en"):
        format_timestamp(NOW, "de")
    with pytest.raises(ValueError, match="naive"):
        format_clock(datetime(2026, 11, 21, 14, 47), "en")
