"""New England Spinal Metastasis Score (spine:tx-2, Tabel 1 and Tabel 4; spec §4, I-6, I-7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .facts import Facts
from .findings import LUNG_CANCERS, NesmsFindings, PrimaryTumor
from .outcome import Branch, Outcome, known
from .pathway import Pathway
from .rules import Rule, Rules, all_, any_, at_least, custom, not_

FAVOURABLE = ("breast", "kidney", "lymphoma", "myeloma")
CEILING = 3  # I-6: the published score runs 0-3 (Ghori 2015; Schoenfeld 2016).
# Tabel 4: unadjusted mortality (%) at 6 months and 1 year per score.
MORTALITY = {0: (85, 100), 1: (63, 78), 2: (27, 48), 3: (10, 15)}
SOURCE = "spine:tx-2, spine:bg-tabel-1, spine:bg-tabel-4"
INPUTS = (
    "visceral_metastases",
    "primary_tumor",
    "single_skeletal_metastasis",
    "ambulation",
    "albumin_g_per_l",
)


@dataclass(frozen=True, slots=True)
class NesmsPoints:
    mbauer: int
    ambulation: int
    albumin: int


@dataclass(frozen=True, slots=True)
class Nesms:
    score: int
    mbauer: int
    points: NesmsPoints
    points_sum: int
    ceiling_applied: bool
    mortality_6m_pct: int
    mortality_1y_pct: int
    median_survival: Literal["under_3_months", "over_6_months"]


# SPEC: §4 names score_low/high and mbauer_low/high; the other fields of a range are ours: the
# points at the upper end, median survival only when both ends agree, no Tabel 4 mortality.
@dataclass(frozen=True, slots=True)
class NesmsRange:
    """I-7 (revised): with an unknown primary the two tumour items are open, so the score is a
    range; ``score`` only when both ends agree."""

    score: int | None
    score_low: int
    score_high: int
    mbauer_low: int
    mbauer_high: int
    points: NesmsPoints  # mbauer: the points at the upper end
    median_survival: Literal["under_3_months", "over_6_months"] | None


def mbauer_items(f: Facts) -> tuple[Rule, ...]:
    """The four one-point items of the modified Bauer score, at their highest: an unknown
    primary may be neither lung cancer and may be favourable (I-7: the upper bound counts)."""
    return (
        not_(f.flag("visceral_metastases")),
        not_(f.is_("primary_tumor", *LUNG_CANCERS)),
        f.is_("primary_tumor", *FAVOURABLE, "unknown"),
        f.flag("single_skeletal_metastasis"),
    )


def at_least_2(f: Facts) -> Rule:
    """NESMS >= 2 (its upper bound with an unknown primary, I-7), decided as soon as the known
    items settle it (mBauer >= 3 alone does)."""
    return any_(
        at_least(3, mbauer_items(f)),
        all_(f.is_("ambulation", "independent"), f.ge("albumin_g_per_l", 35)),
    )


def score(f: Facts) -> Rule:
    """The full NESMS object, decided when all five inputs are known."""
    return custom(_score, *mbauer_items(f), raises=("I-6", "I-7"))


def _points(mbauer: int, values: Mapping[str, Any]) -> NesmsPoints:
    return NesmsPoints(
        mbauer=2 if mbauer >= 3 else 0,
        ambulation=1 if values["ambulation"] == "independent" else 0,
        albumin=1 if values["albumin_g_per_l"] >= 35 else 0,
    )


def _survival(value: int) -> Literal["under_3_months", "over_6_months"]:
    return "over_6_months" if value >= 2 else "under_3_months"


def _score(values: Mapping[str, Any], *items: object) -> Outcome:
    """NESMS = (mBauer >= 3 ? 2 : 0) + (ambulation independent ? 1 : 0) + (albumin >= 35 g/L ?
    1 : 0), at most 3 (I-6); a range with an unknown primary (I-7); Tabel 4 mortality"""
    if any(values[name] is None for name in INPUTS):
        missing = tuple(n for n in INPUTS if values[n] is None)
        return Outcome(None, tuple(n for n in INPUTS if n not in missing), missing)
    mbauer = sum(1 for item in items if item is True)
    points = _points(mbauer, values)
    total = points.mbauer + points.ambulation + points.albumin
    value = min(total, CEILING)
    if values["primary_tumor"] == "unknown":
        low_mbauer = mbauer - 2  # both tumour items counted at the upper end
        low_points = _points(low_mbauer, values)
        low = min(low_points.mbauer + low_points.ambulation + low_points.albumin, CEILING)
        ranged = NesmsRange(
            score=value if low == value else None, score_low=low, score_high=value,
            mbauer_low=low_mbauer, mbauer_high=mbauer, points=points,
            median_survival=_survival(value) if _survival(low) == _survival(value) else None,
        )
        raised = ("I-6", "I-7") if total > CEILING else ("I-7",)
        return known(ranged, INPUTS, Branch(SOURCE, raised))
    six_months, one_year = MORTALITY[value]
    interpretations = ("I-6",) if total > CEILING else ()
    result = Nesms(
        score=value,
        mbauer=mbauer,
        points=points,
        points_sum=total,
        ceiling_applied=total > CEILING,
        mortality_6m_pct=six_months,
        mortality_1y_pct=one_year,
        median_survival=_survival(value),
    )
    return known(result, INPUTS, Branch(SOURCE, interpretations))


def nesms(
    *,
    visceral_metastases: bool,
    primary_tumor: PrimaryTumor,
    single_skeletal_metastasis: bool,
    ambulation: Literal["independent", "aid_or_wheelchair"],
    albumin_g_per_l: float,
) -> Nesms | NesmsRange:
    """The calculator for complete inputs (a range with an unknown primary, I-7)."""
    findings = NesmsFindings(
        visceral_metastases=visceral_metastases,
        primary_tumor=primary_tumor,
        single_skeletal_metastasis=single_skeletal_metastasis,
        ambulation=ambulation,
        albumin_g_per_l=albumin_g_per_l,
    )
    result: Nesms | NesmsRange = PATHWAY.decide(findings)["nesms"].value
    return result


def _rules(f: Facts) -> Rules:
    return Rules({"nesms": score(f)}, {})


PATHWAY = Pathway("calc.nesms", "spine", NesmsFindings, _rules)
