"""LM prognostic category (lm:bg Behandeling, spec §4, I-8)."""

from __future__ import annotations

from .facts import Facts
from .findings import LmCategoryFindings, LmPerformanceFindings
from .outcome import Branch, Outcome, all_, any_, first, known, not_, unknown
from .pathway import FieldRule, Pathway

SOURCE = "lm:bg-behandeling"
# Prognosis per category (lm:bg Behandeling).
CATEGORY_PROGNOSIS = {1: "not_unfavourable", 2: "unfavourable", 3: "very_unfavourable"}

FIELD = FieldRule(
    "lm_category",
    "1 when KPS >= 70 (or adl_independent, lm:tx-1) and not severe_encephalopathy_or_deficit and "
    "systemic_disease = not_threatening and not therapy_resistance; 3 when KPS < 70 and "
    "systemic_disease = progressive_untreatable [I-8: both must hold]; otherwise 2",
    SOURCE,
    ("I-8",),
)


def kps_at_least_70(f: Facts) -> Outcome:
    """KPS >= 70; ADL independence stands in for it when the KPS is unknown (lm:tx-1)."""
    if f.get("kps") is not None:
        return f.ge("kps", 70)
    if f.get("adl_independent") is True:
        return known(True, ("adl_independent",))
    if f.get("adl_independent") is None:
        return unknown(("kps", "adl_independent"))
    return unknown(("kps",), ("adl_independent",))


def category(f: Facts) -> Outcome:
    fit = kps_at_least_70(f)
    progressive = f.is_("systemic_disease", "progressive_untreatable")
    return first(
        [
            (all_(fit, not_(f.flag("severe_encephalopathy_or_deficit")),
                  f.is_("systemic_disease", "not_threatening"),
                  not_(f.flag("therapy_resistance"))), 1, Branch(SOURCE)),
            (all_(not_(fit), progressive), 3, Branch(SOURCE, ("I-8",))),
            # Category 2 although one of the two category-3 conditions holds: that rests on I-8.
            (any_(not_(fit), progressive), 2, Branch(SOURCE, ("I-8",))),
        ],
        2,
        Branch(SOURCE),
    )


def lm_category(findings: LmPerformanceFindings) -> int | None:
    """The calculator: the category, or ``None`` while the findings do not settle it."""
    result = category(Facts(findings))
    return result.value if result.decided else None


PATHWAY = Pathway(
    "calc.lm_category", "lm", LmCategoryFindings, (FIELD,),
    lambda findings: {"lm_category": category(Facts(findings))},
)
