"""Every example case through the JSONL console, in Dutch and English, to the CLI's decisions."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from logic.advice import advise
from tests.dialog_driver import answer_for, drive_case
from tests.logic_helpers import load_cases, unmet_expectations

CASES = load_cases()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_case_through_jsonl_gives_the_cli_decisions(name: str, case: dict, lang: str) -> None:
    advice_msg, transcript = drive_case(case["pathway"], case["findings"], lang)
    decided = advice_msg["advice"]["decisions"]
    assert unmet_expectations(decided, case["expect"]) == {}
    cli = advise(case["pathway"], case["findings"])
    for field, value in cli.settled().items():
        assert decided[field] == value, field
    # One question per message, none twice.
    ids = [m["id"] for m in transcript if m["type"] == "question"]
    assert len(ids) == len(set(ids))
    assert "notice" in transcript[0]
    assert advice_msg["text"] and advice_msg["chart_note"]


def test_cord_compression_gets_the_12_hour_mri_after_one_answer() -> None:
    _, transcript = drive_case("spine.diagnosis", {"mesmc_deficit": True}, "en")
    first, second = transcript[0], transcript[1]
    assert first["id"] == "triggers_12h" and first["kind"] == "multi"
    assert set(first["findings"]) == {"mesmc_deficit", "bilateral_radicular", "lhermitte"}
    assert second["decisions"]["mri_within_hours"] == 12
    assert "12 hours" in second["settled_text"] and "before Sat 21 Nov, 15:00" in second[
        "settled_text"]


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
