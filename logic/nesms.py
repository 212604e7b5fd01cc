"""New England Spinal Metastasis Score (spine:tx-2, Tabel 1 and Tabel 4; spec §4, I-6, I-7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .facts import Facts
from .findings import LUNG_CANCERS, NesmsFindings, PrimaryTumor
from .outcome import Branch, Outcome, known
from .pathway import FieldRule, Pathway
from .rules import Fields, Rule, all_, any_, at_least, custom, not_

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


def mbauer_items(f: Facts) -> tuple[Rule, ...]:
    """The four one-point items of the modified Bauer score; an unknown primary is neither lung
    cancer nor favourable (I-7)."""
    return (
        not_(f.flag("visceral_metastases")),
        not_(f.is_("primary_tumor", *LUNG_CANCERS)),
        f.is_("primary_tumor", *FAVOURABLE),
        f.flag("single_skeletal_metastasis"),
    )


def at_least_2(f: Facts) -> Rule:
    """NESMS >= 2, decided as soon as the known items settle it (mBauer >= 3 alone does)."""
    return any_(
        at_least(3, mbauer_items(f)),
        all_(f.is_("ambulation", "independent"), f.ge("albumin_g_per_l", 35)),
    )


def score(f: Facts) -> Rule:
    """The full NESMS object, decided when all five inputs are known."""
    return custom(_score, *mbauer_items(f))


def _score(values: Mapping[str, Any], *items: object) -> Outcome:
    """The NESMS from the findings and the current values of the modified Bauer items."""
    if any(values[name] is None for name in INPUTS):
        missing = tuple(n for n in INPUTS if values[n] is None)
        return Outcome(None, tuple(n for n in INPUTS if n not in missing), missing)
    mbauer = sum(1 for item in items if item is True)
    points = NesmsPoints(
        mbauer=2 if mbauer >= 3 else 0,
        ambulation=1 if values["ambulation"] == "independent" else 0,
        albumin=1 if values["albumin_g_per_l"] >= 35 else 0,
    )
    total = points.mbauer + points.ambulation + points.albumin
    value = min(total, CEILING)
    six_months, one_year = MORTALITY[value]
    interpretations = tuple(
        i for i, applies in (("I-6", total > CEILING),
                             ("I-7", values["primary_tumor"] == "unknown")) if applies
    )
    result = Nesms(
        score=value,
        mbauer=mbauer,
        points=points,
        points_sum=total,
        ceiling_applied=total > CEILING,
        mortality_6m_pct=six_months,
        mortality_1y_pct=one_year,
        median_survival="over_6_months" if value >= 2 else "under_3_months",
    )
    return known(result, INPUTS, Branch(SOURCE, interpretations))


def nesms(
    *,
    visceral_metastases: bool,
    primary_tumor: PrimaryTumor,
    single_skeletal_metastasis: bool,
    ambulation: Literal["independent", "aid_or_wheelchair"],
    albumin_g_per_l: float,
) -> Nesms:
    """The calculator for complete inputs."""
    findings = NesmsFindings(
        visceral_metastases=visceral_metastases,
        primary_tumor=primary_tumor,
        single_skeletal_metastasis=single_skeletal_metastasis,
        ambulation=ambulation,
        albumin_g_per_l=albumin_g_per_l,
    )
    result: Nesms = PATHWAY.decide(findings)["nesms"].value
    return result


FIELD = FieldRule(
    "nesms",
    "modified Bauer score (one point each: no visceral metastases; primary not lung cancer; "
    "primary breast, kidney, lymphoma or myeloma; single skeletal metastasis); NESMS = "
    "(mBauer >= 3 ? 2 : 0) + (ambulation independent ? 1 : 0) + (albumin >= 35 g/L ? 1 : 0), "
    "at most 3 [I-6]; unknown primary: not lung, not favourable [I-7]; with Tabel 4 mortality; "
    "0-1: median survival under 3 months, >= 2: over 6 months",
    SOURCE,
    ("I-6", "I-7"),
)


def _rules(f: Facts) -> Fields:
    return {"nesms": score(f)}


PATHWAY = Pathway("calc.nesms", "spine", NesmsFindings, (FIELD,), _rules)
