"""LM prognostic category (lm:bg Behandeling, spec §4, I-8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import Facts
from .findings import LmCategoryFindings, LmPerformanceFindings
from .outcome import Branch, Outcome, known, truth, unknown
from .pathway import Pathway
from .rules import Rule, Rules, all_, custom, first, not_

SOURCE = "lm:bg-behandeling"
# Prognosis per category (lm:bg Behandeling).
CATEGORY_PROGNOSIS = {1: "not_unfavourable", 2: "unfavourable", 3: "very_unfavourable"}

def kps_at_least_70(f: Facts) -> Rule:
    """KPS >= 70; ADL independence stands in for it when the KPS is unknown (lm:tx-1). (A rule of
    its own, on the findings as they are, rather than of ``f``'s tests.)"""
    return custom(_kps_at_least_70)


def _kps_at_least_70(values: Mapping[str, Any]) -> Outcome:
    """KPS >= 70, or adl_independent while the KPS is unknown (lm:tx-1)"""
    if values["kps"] is not None:
        return truth(values["kps"] >= 70, ("kps",))
    if values["adl_independent"] is True:
        return known(True, ("adl_independent",))
    if values["adl_independent"] is None:
        return unknown(("kps", "adl_independent"))
    return unknown(("kps",), ("adl_independent",))


def category(f: Facts) -> Rule:
    fit = kps_at_least_70(f)
    progressive = f.is_("systemic_disease", "progressive_untreatable")
    return first(
        [
            (all_(fit, not_(f.flag("severe_encephalopathy_or_deficit")),
                  f.is_("systemic_disease", "not_threatening"),
                  not_(f.flag("therapy_resistance"))), 1, Branch(SOURCE)),
            (all_(not_(fit), progressive), 3, Branch(SOURCE)),
            # Category 2 with KPS < 70 and a systemic disease other than progressive untreatable:
            # only there does I-8 change the category (spec §4).
            (all_(not_(fit), not_(progressive)), 2, Branch(SOURCE, ("I-8",))),
        ],
        2,
        Branch(SOURCE),
    )


def lm_category(findings: LmPerformanceFindings) -> int | None:
    """The calculator: the category, or ``None`` while the findings do not settle it."""
    result = PATHWAY.decide(findings)["lm_category"]
    return result.value if result.decided else None


def _rules(f: Facts) -> Rules:
    return Rules({"lm_category": category(f)}, {})


PATHWAY = Pathway("calc.lm_category", "lm", LmCategoryFindings, _rules)
