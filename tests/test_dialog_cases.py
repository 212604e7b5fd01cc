"""Every example case through the JSONL console, in Dutch and English, to the CLI's decisions."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import pytest

from dialogs.i18n import translator
from dialogs.keys import field_key
from dialogs.layout import FIELDS
from logic.advice import advise
from tests.dialog_driver import answer_for, drive_case
from tests.logic_helpers import load_cases, unmet_expectations

CASES = load_cases()


@cache
def _field_texts(lang: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Per field: its label and its own texts (their fixed beginnings), in ``lang``."""
    t = translator(lang)
    texts: dict[str, str] = t._messages  # every text of the language
    return tuple(
        (name, t(field_key(name)) + ":",
         tuple(x for x in (v.split("{")[0].strip().rstrip(".") for k, v in texts.items()
                           if k.startswith((f"dec.{name}.", f"item.{name}."))) if len(x) > 12))
        for name in FIELDS)


def _shown_fields(text: str, lang: str) -> set[str]:
    """The fields the advice text shows in any way: a line (bullet stripped) that starts with
    the field's name (undecided, a list, a rationale), or one of the field's own texts."""
    lines = [line.lstrip("•⚠️✅ ").strip() for line in text.splitlines()]
    found = set()
    for name, label, own in _field_texts(lang):
        if any(line.startswith(label) for line in lines) or any(x in text for x in own):
            found.add(name)
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_case_through_jsonl_gives_the_cli_decisions(name: str, case: dict, lang: str) -> None:
    advice_msg, transcript = drive_case(case["pathway"], case["findings"], lang)
    advice = advice_msg["advice"]
    decided = advice["decisions"]
    assert unmet_expectations(decided, case["expect"]) == {}
    cli = advise(case["pathway"], case["findings"])
    for field, value in cli.settled().items():
        assert decided[field] == value, field
    for field, value in case.get("expect_provisional", {}).items():
        assert advice["provisional"][field]["value"] == value, field
    # Not applicable: listed, null, and never shown, not even as undecided (spec C2).
    shown = _shown_fields(advice_msg["text"], lang)
    decided_shown = {f for f, v in decided.items() if v is not None}
    assert decided_shown <= shown  # the check below can see a field that is shown
    for field in case.get("expect_not_applicable", []):
        assert field in advice["not_applicable"] and decided[field] is None, field
        assert field not in shown, field
    # One question per message, none twice; never a finding the case rules out (spec C1).
    questions = [m for m in transcript if m["type"] == "question"]
    ids = [m["id"] for m in questions]
    assert len(ids) == len(set(ids))
    asked = {f for m in questions for f in (m["findings"] or [m["finding"]])}
    assert asked.isdisjoint(case.get("never_ask", [])), asked & set(case["never_ask"])
    assert "notice" in transcript[0]
    assert advice_msg["text"] and advice_msg["chart_note"]


def test_cord_compression_gets_the_12_hour_mri_after_one_answer() -> None:
    _, transcript = drive_case("spine.diagnosis", {"mesmc_deficit": True}, "en")
    first, second = transcript[0], transcript[1]
    assert first["id"] == "triggers_12h" and first["kind"] == "multi"
    assert set(first["findings"]) == {"mesmc_deficit", "bilateral_radicular", "lhermitte"}
    assert second["decisions"]["mri_within_hours"] == 12
    assert "within 12 h of 03:00 — before 15:00" in second["settled_text"]


def test_nurse_alarm_check_contact_now_after_one_answer() -> None:
    _, transcript = drive_case("spine.alarm", {"sudden_weakness": True}, "nl")
    assert transcript[0]["id"] == "sudden"
    assert transcript[1]["type"] == "advice"
    assert transcript[1]["advice"]["decisions"]["alarm_level"] == "contact_now"


def test_jsonl_console_as_a_subprocess() -> None:
    case = dict(CASES)["spine-tx-clinical-mesmc-surgery"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--jsonl", "--lang", "en", "--pathway",
         "spine.treatment"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin and proc.stdout
    advice = None
    for _ in range(60):
        message = json.loads(proc.stdout.readline())
        if message["type"] == "advice":
            advice = message
            break
        proc.stdin.write(answer_for(message, case["findings"]) + "\n")
        proc.stdin.flush()
    proc.stdin.write("/quit\n")
    proc.stdin.flush()
    assert proc.wait(timeout=20) == 0
    assert advice is not None
    assert advice["advice"]["decisions"]["primary_treatment"] == "surgery"
