"""Anchored deadlines (spec §3.0, C8), through the JSONL console with a clock that moves.

A window counts from the moment it was first shown; every later message, the final advice, the
chart note (/summary) and a resumed dialog show the same deadline; a provisional window replaced
by the decided one keeps its anchor; /time sets an earlier time of presentation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dialogs import engine
from dialogs.clock import FixedClock
from dialogs.conversation import SavedConversation
from dialogs.deadlines import deadlines
from tests.dialog_driver import NIGHT, JsonlSession

TWELVE = {"en": "within 12 h of 03:07 — before 15:07", "nl": "binnen 12 uur na 03:07 — vóór 15:07"}


def later(session: JsonlSession, minutes: int) -> None:
    clock = session.chat.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=minutes))


def run_dialog(lang: str, answers: dict[str, str], minutes: int = 7,
               ) -> tuple[JsonlSession, list[dict[str, Any]]]:
    session = JsonlSession(lang=lang, pathway="spine.diagnosis")
    transcript = session.messages()
    while transcript[-1]["type"] == "question":
        q = transcript[-1]
        key = q["finding"] or q["id"]
        later(session, minutes)
        transcript += session.send(answers.get(key, "?"))
    return session, transcript


CORD = {"triggers_12h": "mesmc_deficit", "primary_tumor": "breast", "heme_malignancy_in_dd": "no",
        "severe_deficit": "yes", "mri_result": "pending"}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_mri_deadline_is_the_same_in_every_later_message_and_the_chart_note(lang: str,
                                                                              ) -> None:
    """v1 showed 10:13, 10:14 in the advice and 10:15 in /summary for the same window."""
    session, transcript = run_dialog(lang, CORD)
    first = next(m for m in transcript if TWELVE[lang] in (m.get("settled_text") or ""))
    assert transcript.index(first) == 1  # shown after the first answer, anchored then (03:07)
    advice = transcript[-1]
    assert advice["type"] == "advice"
    assert TWELVE[lang] in advice["text"] and TWELVE[lang] in advice["chart_note"]
    later(session, 90)
    summary = session.send("/summary")[-1]
    assert summary["type"] == "summary"  # JSON in the JSONL stream, not plain text
    assert TWELVE[lang] in summary["chart_note"]
    window = summary["deadlines"]["mri_within_hours"]
    assert window["anchor"] == "2026-11-21T02:07:00+00:00"
    assert window["deadline"] == "2026-11-21T14:07:00+00:00"


def test_a_resumed_dialog_shows_the_same_deadline() -> None:
    session, _ = run_dialog("en", CORD)
    conv = session.chat.step.conv if session.chat.step else None
    assert conv is not None
    stored = SavedConversation.model_validate_json(conv.save().model_dump_json())
    resumed = engine.resume(stored)
    assert deadlines(resumed) == deadlines(conv)
    assert resumed.anchors["mri_within_hours"] == NIGHT + timedelta(minutes=7)


def test_a_provisional_window_and_the_decided_one_share_the_anchor() -> None:
    """Unknown 12-hour triggers: provisional 12 h shown and anchored; /back, an hour later the
    deficit is confirmed: the decided window counts from the same anchor."""
    session = JsonlSession(lang="en", pathway="spine.diagnosis")
    later(session, 5)
    after_unknown = session.send("?")[-1]
    assert "within 12 h of 03:05" in after_unknown["settled_text"]
    assert after_unknown["deadlines"]["mri_within_hours"]["provisional"] is True
    later(session, 60)
    session.send("/back")
    decided = session.send("mesmc_deficit")[-1]
    assert "within 12 h of 03:05 — before 15:05" in decided["settled_text"]
    assert decided["deadlines"]["mri_within_hours"]["provisional"] is False


def test_the_time_of_presentation_moves_every_window_earlier() -> None:
    session = JsonlSession(lang="en", pathway="spine.diagnosis")
    later(session, 30)
    session.send("mesmc_deficit")
    assert session.send("/time 01:15")[-1]["type"] == "question"
    assert "within 12 h of 01:15 — before 13:15" in session.send("/summary")[-1]["chart_note"]
    refused = session.send("/time soon")
    assert refused[0]["type"] == "error" and "HH:MM" in refused[0]["text"]


def test_restart_clears_the_anchors() -> None:
    session = JsonlSession(lang="en", pathway="spine.diagnosis")
    session.send("mesmc_deficit")
    later(session, 120)
    session.send("/restart")
    assert "within 12 h of 05:00" in session.send("mesmc_deficit")[-1]["settled_text"]


def test_the_mri_window_is_shown_as_done_once_a_result_is_entered() -> None:
    _, transcript = run_dialog("en", {**CORD, "mri_result": "spinal_metastasis",
                                      "mesmc_on_mri": "yes"})
    text = transcript[-1]["text"]
    assert "before 15:" not in text  # no longer a task with a deadline (C6)
