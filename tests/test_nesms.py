"""NESMS (spec §4): albumin and mBauer boundaries, the ceiling (I-6), an unknown primary as a range
(I-7 revised), Tabel 4."""

from __future__ import annotations

import pytest

from logic.nesms import Nesms, NesmsRange, nesms
from tests.logic_helpers import run

BASE = dict(visceral_metastases=False, primary_tumor="breast", single_skeletal_metastasis=True,
            ambulation="aid_or_wheelchair", albumin_g_per_l=30.0)


@pytest.mark.parametrize(("albumin", "points"), [(34.9, 0), (35, 1), (35.0, 1), (70, 1), (5, 0)])
def test_albumin_boundary(albumin: float, points: int) -> None:
    assert nesms(**{**BASE, "albumin_g_per_l": albumin}).points.albumin == points


@pytest.mark.parametrize(
    ("change", "mbauer", "points"),
    [
        ({}, 4, 2),
        (dict(single_skeletal_metastasis=False), 3, 2),
        (dict(single_skeletal_metastasis=False, visceral_metastases=True), 2, 0),
        (dict(primary_tumor="prostate"), 3, 2),
        (dict(primary_tumor="prostate", single_skeletal_metastasis=False), 2, 0),
        (dict(primary_tumor="lung_nsclc"), 2, 0),
        (dict(primary_tumor="lung_sclc", visceral_metastases=True), 1, 0),
        (dict(primary_tumor="myeloma", single_skeletal_metastasis=False,
              visceral_metastases=True), 2, 0),
    ],
)
def test_mbauer_boundary(change: dict, mbauer: int, points: int) -> None:
    result = nesms(**{**BASE, **change})
    assert isinstance(result, Nesms)
    assert (result.mbauer, result.points.mbauer) == (mbauer, points)


def test_ceiling_applies_at_four_points() -> None:
    result = nesms(**{**BASE, "ambulation": "independent", "albumin_g_per_l": 40})
    assert result.points_sum == 4
    assert result.score == 3
    assert result.ceiling_applied is True
    advice = run("calc.nesms", **{**BASE, "ambulation": "independent", "albumin_g_per_l": 40})
    assert [i.id for i in advice.interpretations] == ["I-6"]


def test_no_ceiling_at_three_points() -> None:
    result = nesms(**{**BASE, "ambulation": "independent"})
    assert (result.points_sum, result.score, result.ceiling_applied) == (3, 3, False)
    assert run("calc.nesms", **{**BASE, "ambulation": "independent"}).interpretations == []


@pytest.mark.parametrize(
    ("score_inputs", "score", "six", "year", "survival"),
    [
        (dict(primary_tumor="lung_nsclc", visceral_metastases=True), 0, 85, 100,
         "under_3_months"),
        (dict(primary_tumor="lung_nsclc", visceral_metastases=True, ambulation="independent"),
         1, 63, 78, "under_3_months"),
        ({}, 2, 27, 48, "over_6_months"),
        (dict(ambulation="independent"), 3, 10, 15, "over_6_months"),
    ],
)
def test_table_4_figures(score_inputs: dict, score: int, six: int, year: int,
                         survival: str) -> None:
    result = nesms(**{**BASE, **score_inputs})
    assert (result.score, result.mortality_6m_pct, result.mortality_1y_pct,
            result.median_survival) == (score, six, year, survival)


UNKNOWN = dict(BASE, primary_tumor="unknown")


@pytest.mark.parametrize(
    ("change", "mbauer", "scores", "score", "survival"),
    [
        # mBauer 2..4 (the two tumour items open): 0..2, survival depends on the primary
        ({}, (2, 4), (0, 2), None, None),
        # 2..4 with ambulation and albumin points: 2..3 (ceiling at the top), survival agrees
        (dict(ambulation="independent", albumin_g_per_l=40), (2, 4), (2, 3), None,
         "over_6_months"),
        (dict(visceral_metastases=True), (1, 3), (0, 2), None, None),
        # mBauer 0..2: both ends agree, so the score is given
        (dict(visceral_metastases=True, single_skeletal_metastasis=False), (0, 2), (0, 0), 0,
         "under_3_months"),
        (dict(visceral_metastases=True, single_skeletal_metastasis=False,
              ambulation="independent", albumin_g_per_l=35), (0, 2), (2, 2), 2,
         "over_6_months"),
    ],
)
def test_unknown_primary_gives_a_range_i7(change: dict, mbauer: tuple, scores: tuple,
                                          score: int | None, survival: str | None) -> None:
    """Spec §4 and §3.3 nesms [I-7 revised]: with an unknown primary the two tumour items (not
    lung cancer; breast, kidney, lymphoma or myeloma) are open: score_low..score_high, and
    ``score`` only when low = high."""
    result = nesms(**{**UNKNOWN, **change})
    assert isinstance(result, NesmsRange)
    assert (result.mbauer_low, result.mbauer_high) == mbauer
    assert (result.score_low, result.score_high) == scores
    assert result.score == score
    assert result.median_survival == survival


def test_unknown_primary_range_raises_i7_and_the_ceiling_i6() -> None:
    advice = run("calc.nesms", **UNKNOWN)
    assert [i.id for i in advice.interpretations] == ["I-7"]
    decided = advice.decisions["nesms"]
    assert (decided["score_low"], decided["score_high"], decided["score"]) == (0, 2, None)
    # The upper end runs into the ceiling (sum 4 -> 3): I-6 too.
    advice = run("calc.nesms", **{**UNKNOWN, "ambulation": "independent",
                                  "albumin_g_per_l": 40})
    assert [i.id for i in advice.interpretations] == ["I-6", "I-7"]


@pytest.mark.parametrize("primary", ["breast", "lung_nsclc", "other", "germ_cell"])
def test_known_primary_is_a_single_score_without_i7(primary: str) -> None:
    result = nesms(**{**BASE, "primary_tumor": primary})
    assert isinstance(result, Nesms)
    advice = run("calc.nesms", **{**BASE, "primary_tumor": primary})
    assert "I-7" not in [i.id for i in advice.interpretations]


def test_partial_inputs_leave_the_score_open_and_name_the_rest() -> None:
    advice = run("calc.nesms", visceral_metastases=False, primary_tumor="breast")
    assert advice.decisions["nesms"] is None
    assert advice.missing == ["single_skeletal_metastasis", "ambulation", "albumin_g_per_l"]
