"""The example cases of the spec, through the Python API and through the case CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from logic.advice import advise
from tests.logic_helpers import CASES_DIR, load_cases, unmet_expectations

CASES = load_cases()


def test_all_ten_example_cases_are_present() -> None:
    assert len(CASES) == 10


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_api_gives_expected_decisions(name: str, case: dict) -> None:
    advice = advise(case["pathway"], case["findings"])
    assert unmet_expectations(advice.decisions, case["expect"]) == {}
    # An expected value is a settled decision, not a null that happens to match.
    for key in case["expect"]:
        assert key not in advice.missing_by_decision


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_cli_json_gives_expected_decisions(name: str, case: dict) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "logic", "advise", str(CASES_DIR / f"{name}.yaml"), "--json"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    advice = json.loads(proc.stdout)
    assert set(advice) >= {"pathway", "guideline", "decisions", "missing", "interpretations",
                           "rationale"}
    assert advice["pathway"] == case["pathway"]
    assert unmet_expectations(advice["decisions"], case["expect"]) == {}


def test_cli_reads_standard_input_and_prints_a_summary() -> None:
    text = (CASES_DIR / "spine-dx-cord-compression-known-breast.yaml").read_text()
    proc = subprocess.run([sys.executable, "-m", "logic", "advise", "-"], input=text,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "mri_within_hours: 12" in proc.stdout
    assert "corticosteroids: start_now" in proc.stdout
