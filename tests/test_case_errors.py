"""Bad cases: exit status 2, one line per problem naming the field, no advice printed."""

from __future__ import annotations

import io

import pytest

from logic.cases import CaseError, parse_case
from logic.cli import main


def run_cli(text: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["advise", "-", *args], stdin=io.StringIO(text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("text", "expected_fragments"),
    [
        ("pathway: spine.nowhere\nfindings: {}\n", ["pathway: 'spine.nowhere' is not a pathway",
                                                    "spine.alarm"]),
        ("pathway: spine.alarm\nfindings: {sudden_weakness: maybe}\n",
         ["findings.sudden_weakness: 'maybe'", "true or false"]),
        ("pathway: spine.treatment\nfindings: {kps: 75}\n",
         ["findings.kps: 75", "in steps of 10"]),
        ("pathway: spine.treatment\nfindings: {albumin_g_per_l: 71}\n",
         ["findings.albumin_g_per_l: 71", "from 5 to 70"]),
        ("pathway: spine.treatment\nfindings: {complete_transverse_lesion: no}\n",
         ["findings.complete_transverse_lesion: False", "quote"]),
        ("pathway: lm.diagnosis\nfindings: {symptoms: [headache, hiccups]}\n",
         ["findings.symptoms[1]: 'hiccups'", "a list of: headache"]),
        ("pathway: lm.diagnosis\nfindings: {lp_number: 4}\n", ["findings.lp_number: 4",
                                                             "one of: 0, 1, 2, 3"]),
        ("pathway: lm.treatment\nfindings: {kps: 50, adl_independent: true}\n",
         ["contradicts adl_independent"]),
        ("pathway: spine.alarm\nfindings: {shoe_size: 44}\n",
         ["findings.shoe_size: not a finding of spine.alarm", "sudden_weakness"]),
        ("pathway: spine.alarm\nfindings: [1, 2]\n", ["findings: must be a mapping"]),
        ("pathway: spine.alarm\nfindngs: {}\n", ["findngs: unknown top-level key"]),
        ("pathway: spine.alarm\nfindings: {a: [1\n", ["case: malformed file at line"]),
        ("- just\n- a list\n", ["case: must be a mapping"]),
    ],
)
def test_bad_case_exits_2_with_named_problem_and_no_advice(text: str,
                                                           expected_fragments: list[str]) -> None:
    code, out, err = run_cli(text, "--json")
    assert code == 2
    assert out == ""
    for fragment in expected_fragments:
        assert fragment in err


def test_every_problem_gets_its_own_line() -> None:
    code, _, err = run_cli(
        "pathway: spine.treatment\nfindings: {kps: 75, pain: sometimes, foo: 1}\n")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {"findings.kps", "findings.pain",
                                                     "findings.foo"}


def test_missing_file_is_a_problem_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["advise", "/nonexistent/case.yaml"], stdout=out, stderr=err)
    assert code == 2 and out.getvalue() == ""
    assert "cannot read /nonexistent/case.yaml" in err.getvalue()


def test_strings_are_not_coerced_to_numbers_or_booleans() -> None:
    with pytest.raises(CaseError):
        parse_case({"pathway": "spine.treatment", "findings": {"albumin_g_per_l": "38"}})
    with pytest.raises(CaseError):
        parse_case({"pathway": "spine.alarm", "findings": {"sudden_weakness": 1}})
    with pytest.raises(CaseError):
        parse_case({"pathway": "spine.treatment", "findings": {"albumin_g_per_l": True}})
