"""lm.treatment: proven LM — prognostic category, systemic vs radiotherapy vs best supportive care.

Spec §3.5; sources lm:tx-1..4 and lm:bg Behandeling, Radiotherapie, Prognose en opvolging.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lm_category
from .facts import Facts
from .findings import LmTreatmentFindings
from .lm_scope import in_scope, scope
from .outcome import TRUE, Branch, known
from .pathway import Pathway
from .rules import Rule, Rules, all_, any_, collect, decision, equals, first, not_, sourced

WITH_OPTIONS = ("breast", "melanoma", "lung_nsclc", "lung_sclc")
WBRT_NOT_ADVISED = ("melanoma", "lung_nsclc")
SYSTEMIC = "lm:tx-2, lm:bg-systemische-therapie"
RADIOTHERAPY = "lm:tx-4, lm:bg-radiotherapie"
TREATMENT = "lm:bg-behandeling"


@dataclass(frozen=True, slots=True)
class Prognosis:
    """lm:bg Prognose en opvolging, as figures."""

    untreated_median_weeks: tuple[int, int] = (6, 8)
    treated_median: str = "a_few_months"
    one_year_survival_pct: tuple[tuple[str, int], ...] = (
        ("breast", 20), ("lung_nsclc", 20), ("melanoma", 7),
    )

    def to_json(self) -> dict[str, object]:
        return {
            "untreated_median_weeks": list(self.untreated_median_weeks),
            "treated_median": self.treated_median,
            "one_year_survival_pct": dict(self.one_year_survival_pct),
        }


FOLLOW_UP = ("follow_clinically", "mri_only_for_visible_lm_or_new_symptoms", "no_routine_csf")
FOLLOW = "lm:bg-prognose-en-opvolging"


def _tumour_options(f: Facts) -> Rule:
    """The tumour-specific systemic options of categories 1-2 (lm:bg per tumour)."""
    egfr = all_(f.is_("primary_tumor", "lung_nsclc"), f.flag("egfr_mutation"))
    alk = all_(f.is_("primary_tumor", "lung_nsclc"), f.flag("alk_translocation"))
    no_target = all_(not_(egfr), not_(alk))
    return first(
        [
            (f.is_("primary_tumor", "breast"),
             collect([("capecitabine", TRUE), ("her2_targeted", f.flag("her2_positive"))]),
             Branch("lm:bg-mammacarcinoom")),
            (f.is_("primary_tumor", "melanoma"),
             collect([("braf_mek", f.flag("braf_mutation")), ("immunotherapy", TRUE)]),
             Branch("lm:bg-melanoom")),
            (f.is_("primary_tumor", "lung_nsclc"),
             collect([
                 ("osimertinib", egfr),
                 ("alk_inhibitor", alk),
                 ("immunotherapy_mono", all_(no_target, f.flag("pdl1_over_50"))),
                 ("chemo_immunotherapy", all_(no_target, not_(f.flag("pdl1_over_50")))),
             ]),
             Branch("lm:bg-niet-kleincellig-longcarcinoom")),
        ],
        ("chemotherapy",),
        Branch("lm:bg-kleincellig-longcarcinoom"),
    )


def rules(f: Facts) -> Rules:
    within = in_scope(f)
    category = lm_category.category(f)
    low = any_(equals(category, 3), not_(lm_category.kps_at_least_70(f)))
    nsclc, melanoma = f.is_("primary_tumor", "lung_nsclc"), f.is_("primary_tumor", "melanoma")
    egfr, alk = all_(nsclc, f.flag("egfr_mutation")), all_(nsclc, f.flag("alk_translocation"))
    braf = all_(melanoma, f.flag("braf_mutation"))
    targeted = any_(egfr, alk, braf)
    primary = first(
        [
            (all_(low, targeted), "targeted_despite_low_kps", Branch("lm:tx-3, lm:bg-behandeling")),
            (low, "best_supportive_care", Branch(TREATMENT)),
            (f.is_("primary_tumor", *WITH_OPTIONS), "systemic",
             Branch("lm:tx-2, lm:bg-behandeling")),
        ],
        "mdo_choice",
        Branch("lm:tx-2, lm:tx-3, lm:bg-behandeling", ("I-5",)),
    )
    options = first(
        [
            (equals(primary, "best_supportive_care"), (), Branch(TREATMENT)),
            (equals(primary, "targeted_despite_low_kps"),
             collect([("osimertinib", egfr), ("alk_inhibitor", alk), ("braf_mek", braf)]),
             Branch("lm:tx-3, lm:bg-systemische-therapie")),
            (equals(primary, "mdo_choice"), ("mdo_bbb_penetrating",),
             Branch("lm:tx-2, lm:bg-behandeling", ("I-5",))),
        ],
        _tumour_options(f),
        Branch(SYSTEMIC),
    )
    cerebral = f.is_("lm_location", "cerebral", "both")
    wbrt = any_(
        all_(cerebral, f.is_("lm_type", "linear_diffuse"),
             not_(f.is_("primary_tumor", *WBRT_NOT_ADVISED))),
        all_(f.is_("primary_tumor", "lung_sclc"), any_(cerebral, f.flag("brain_metastases"))),
    )
    local = any_(
        f.flag("symptomatic_sites"),
        all_(f.is_("lm_type", "bulky_nodular"), equals(category, 1)),
    )
    radiotherapy = first(
        [(equals(primary, "best_supportive_care", "targeted_despite_low_kps"), (),
          Branch(TREATMENT))],
        collect([("wbrt", wbrt, ("I-13",)),
                 ("wbrt_bridge", all_(melanoma, not_(braf), cerebral), ("I-14",)),
                 ("local", local)], Branch(RADIOTHERAPY)),
        Branch(RADIOTHERAPY),
    )
    raised_icp = f.flag("raised_icp_symptoms")
    pressure = first(
        [
            (all_(raised_icp, f.flag("mass_effect_or_obstructive_hydrocephalus")),
             "neurosurgery_first", Branch(FOLLOW, ("I-12",))),
            (raised_icp, "repeated_lp", Branch(FOLLOW)),
        ],
        "not_needed",
        Branch(FOLLOW),
    )
    return Rules(
        {
            "scope": scope(f),
            "lm_category": decision(category, within),
            "mdo": decision(known("neuro_oncology_metastases", (), Branch(TREATMENT)), within),
            "targeted_option": decision(sourced(targeted, "lm:tx-3, lm:bg-systemische-therapie"),
                                        all_(within, low)),
            "primary_treatment": decision(primary, within),
            "systemic_options": decision(options, within),
            "radiotherapy": decision(radiotherapy, within),
            "intrathecal_chemotherapy": decision(
                known(False, (), Branch("lm:bg-radiotherapie")), within),
            "csf_pressure_relief": decision(pressure, within),
            "prognosis": decision(known(Prognosis(), (), Branch(FOLLOW)), within),
            "follow_up": decision(known(FOLLOW_UP, (), Branch(FOLLOW)), within),
        },
        {
            "her2_positive": f.is_("primary_tumor", "breast"),
            "braf_mutation": melanoma,
            "egfr_mutation": nsclc,
            "alk_translocation": nsclc,
            "kras_mutation": nsclc,
            "pdl1_over_50": all_(nsclc, not_(f.flag("egfr_mutation")),
                                 not_(f.flag("alk_translocation"))),
            "mass_effect_or_obstructive_hydrocephalus": raised_icp,
        },
        {"in scope": within, "category 3 or KPS < 70": low, "a targeted option": targeted,
         "EGFR": egfr, "ALK": alk, "BRAF": braf, "cerebral LM": cerebral, "WBRT": wbrt,
         "local RT": local},
    )


PATHWAY = Pathway("lm.treatment", "lm", LmTreatmentFindings, rules)
