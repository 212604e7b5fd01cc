"""NESMS: albumin and mBauer boundaries, the ceiling (I-6), unknown primary (I-7), Tabel 4."""

from __future__ import annotations

import pytest

from logic.nesms import nesms
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
    ],
)
def test_mbauer_boundary(change: dict, mbauer: int, points: int) -> None:
    result = nesms(**{**BASE, **change})
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


def test_unknown_primary_is_not_lung_and_not_favourable_i7() -> None:
    result = nesms(**{**BASE, "primary_tumor": "unknown"})
    assert result.mbauer == 3  # no visceral + not lung + single; not favourable
    advice = run("calc.nesms", **{**BASE, "primary_tumor": "unknown"})
    assert "I-7" in [i.id for i in advice.interpretations]


def test_partial_inputs_leave_the_score_open_and_name_the_rest() -> None:
    advice = run("calc.nesms", visceral_metastases=False, primary_tumor="breast")
    assert advice.decisions["nesms"] is None
    assert advice.missing == ["single_skeletal_metastasis", "ambulation", "albumin_g_per_l"]
