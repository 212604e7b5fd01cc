"""The example cases of the spec, through the Python API and through the case CLI.

Each case holds (spec §8) ``expect`` (decisions), ``expect_provisional`` (fail-safe urgency
values), ``expect_not_applicable`` and ``never_ask`` (findings the dialog must not ask: checked
here on the logic's own order of asking, and through the dialog in test_dialog_cases).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from logic.advice import Advice, advise
from tests.logic_helpers import CASES_DIR, load_cases, unmet_expectations

CASES = load_cases()
KEYS = {"pathway", "findings", "expect", "expect_provisional", "expect_not_applicable",
        "never_ask"}


def test_all_ten_example_cases_are_present() -> None:
    assert len(CASES) == 10
    for name, case in CASES:
        assert set(case) <= KEYS, (name, set(case) - KEYS)


def unmet_provisional(advice: Advice | dict[str, Any], expect: dict[str, Any]) -> dict[str, Any]:
    """``expect_provisional`` names a value (or a {value, unless} object) per urgency field."""
    got = (advice.model_dump(mode="json") if isinstance(advice, Advice) else advice)["provisional"]
    unmet = {}
    for field, want in expect.items():
        have = got.get(field)
        if isinstance(want, dict):
            ok = have is not None and have["value"] == want.get("value") and set(
                have["unless"]) >= set(want.get("unless", ()))
        else:
            ok = have is not None and have["value"] == want
        if not ok:
            unmet[field] = {"expected": want, "got": have}
    return unmet


def check(advice: Advice | dict[str, Any], case: dict[str, Any]) -> None:
    data = advice.model_dump(mode="json") if isinstance(advice, Advice) else advice
    assert unmet_expectations(data["decisions"], case.get("expect", {})) == {}
    # An expected value is a settled decision, not a null that happens to match.
    for key in case.get("expect", {}):
        assert key not in data["missing_by_decision"], key
        assert key not in data["not_applicable"], key
    assert unmet_provisional(data, case.get("expect_provisional", {})) == {}
    assert set(case.get("expect_not_applicable", ())) <= set(data["not_applicable"])


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_api_gives_expected_decisions(name: str, case: dict) -> None:
    check(advise(case["pathway"], case["findings"]), case)


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_the_logic_never_asks_what_the_case_says_it_must_not(name: str, case: dict) -> None:
    """Answer in the logic's order of asking, from the case's findings (absent: unknown)."""
    findings: dict[str, Any] = {}
    unknown: set[str] = set()
    asked: list[str] = []
    while True:
        advice = advise(case["pathway"], findings)
        name_ = next((n for n in advice.missing if n not in unknown), None)
        if name_ is None:
            break
        asked.append(name_)
        if name_ in case["findings"]:
            findings[name_] = case["findings"][name_]
        else:
            unknown.add(name_)
    assert not set(case.get("never_ask", ())) & set(asked), asked


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_cli_json_gives_expected_decisions(name: str, case: dict) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "logic", "advise", str(CASES_DIR / f"{name}.yaml"), "--json"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    advice = json.loads(proc.stdout)
    assert list(advice)[:10] == ["pathway", "guideline", "spec_version", "decisions",
                                 "provisional", "not_applicable", "missing", "ignored",
                                 "interpretations", "rationale"]
    assert advice["spec_version"] == 2
    assert advice["pathway"] == case["pathway"]
    check(advice, case)


def test_cli_reads_standard_input_and_prints_a_summary() -> None:
    text = (CASES_DIR / "spine-dx-cord-compression-known-breast.yaml").read_text()
    proc = subprocess.run([sys.executable, "-m", "logic", "advise", "-"], input=text,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "mri_within_hours: 12" in proc.stdout
    assert "corticosteroids: start_now" in proc.stdout
    assert "Not applicable: " in proc.stdout and "Ignored" in proc.stdout


def test_cli_summary_shows_a_provisional_urgency() -> None:
    case = ('{"pathway": "spine.diagnosis", "findings": {"unilateral_radicular_deficit": '
            '"stable", "primary_tumor": "breast", "mri_result": "other_cause"}}')
    proc = subprocess.run([sys.executable, "-m", "logic", "advise", "-"], input=case,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert ("provisional (fail-safe): 12 unless mesmc_deficit, bilateral_radicular, lhermitte "
            "excluded") in proc.stdout
    assert "  relation_doubt" not in proc.stdout  # not applicable: not shown as a decision
