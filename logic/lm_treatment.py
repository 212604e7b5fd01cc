"""lm.treatment: proven LM — prognostic category, systemic vs radiotherapy vs best supportive care.

Spec §3.5; sources lm:tx-1..4 and lm:bg Behandeling, Radiotherapie, Prognose en opvolging.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lm_category
from .facts import Facts
from .findings import LmTreatmentFindings
from .outcome import TRUE, Branch, known
from .pathway import FieldRule, Pathway
from .rules import Fields, Rule, all_, any_, collect, first, map_value, not_, sourced

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


FIELDS = (
    lm_category.FIELD,
    FieldRule("mdo", "always: discuss in the neuro-oncology metastases MDT", TREATMENT),
    FieldRule(
        "targeted_option",
        "egfr_mutation or alk_translocation (lung_nsclc), braf_mutation (melanoma)",
        "lm:tx-3, lm:bg-systemische-therapie",
    ),
    FieldRule(
        "primary_treatment",
        "category 3 or KPS < 70: targeted_option -> targeted_despite_low_kps (in consultation "
        "with the main treating physician), else best_supportive_care; categories 1-2: a "
        "meaningful systemic option -> systemic, else radiotherapy",
        "lm:tx-2, lm:tx-3, lm:bg-behandeling",
        ("I-5",),
    ),
    FieldRule(
        "systemic_options",
        "breast: capecitabine, with her2_positive her2_targeted; melanoma: with braf_mutation "
        "braf_mek, immunotherapy (ipilimumab + nivolumab); lung_nsclc: osimertinib (EGFR), "
        "alk_inhibitor (ALK), without a targetable mutation immunotherapy_mono (PD-L1 > 50%) or "
        "chemo_immunotherapy, kras_mutation alone is not first line; lung_sclc: chemotherapy; "
        "other primaries: empty [I-5]",
        SYSTEMIC,
        ("I-5",),
    ),
    FieldRule(
        "radiotherapy",
        "empty with best_supportive_care or targeted_despite_low_kps; wbrt for linear_diffuse "
        "LM except melanoma and lung_nsclc (little effect, not advised), and for lung_sclc next "
        "to systemic therapy; local for symptomatic_sites, and for bulky_nodular disease in "
        "category 1 (in category 2 only symptomatic sites)",
        RADIOTHERAPY,
    ),
    FieldRule("intrathecal_chemotherapy", "always false: not applied",
              "lm:bg-radiotherapie"),
    FieldRule(
        "csf_pressure_relief",
        "raised_icp_symptoms -> repeated LPs to bridge until systemic therapy works; a VP or LP "
        "drain only in good condition with a good expected response",
        "lm:bg-prognose-en-opvolging",
    ),
    FieldRule(
        "prognosis",
        "untreated median 6-8 weeks; with BBB-penetrating systemic therapy a few months; 1-year "
        "survival about 20% (breast, NSCLC), 7% (melanoma)",
        "lm:bg-prognose-en-opvolging",
    ),
)


def _systemic_options(f: Facts) -> Rule:
    egfr, alk = f.flag("egfr_mutation"), f.flag("alk_translocation")
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
            (f.is_("primary_tumor", "lung_sclc"), ("chemotherapy",),
             Branch("lm:bg-kleincellig-longcarcinoom")),
        ],
        (),
        Branch(SYSTEMIC, ("I-5",)),
    )


def rules(f: Facts) -> Fields:
    category = lm_category.category(f)
    low = any_(map_value(category, lambda c: c == 3), not_(lm_category.kps_at_least_70(f)))
    targeted = any_(
        all_(f.is_("primary_tumor", "lung_nsclc"),
             any_(f.flag("egfr_mutation"), f.flag("alk_translocation"))),
        all_(f.is_("primary_tumor", "melanoma"), f.flag("braf_mutation")),
    )
    primary = first(
        [
            (all_(low, targeted), "targeted_despite_low_kps", Branch("lm:tx-3, lm:bg-behandeling")),
            (low, "best_supportive_care", Branch(TREATMENT)),
            (f.is_("primary_tumor", *WITH_OPTIONS), "systemic",
             Branch("lm:tx-2, lm:bg-behandeling")),
        ],
        "radiotherapy",
        Branch("lm:tx-2, lm:bg-behandeling", ("I-5",)),
    )
    wbrt = any_(
        all_(f.is_("lm_type", "linear_diffuse"), not_(f.is_("primary_tumor", *WBRT_NOT_ADVISED))),
        f.is_("primary_tumor", "lung_sclc"),
    )
    local = any_(
        f.flag("symptomatic_sites"),
        all_(f.is_("lm_type", "bulky_nodular"), map_value(category, lambda c: c == 1)),
    )
    radiotherapy = first(
        [(low, (), Branch(TREATMENT))],
        collect([("wbrt", wbrt), ("local", local)], Branch(RADIOTHERAPY)),
        Branch(RADIOTHERAPY),
    )
    return {
        "lm_category": category,
        "mdo": known("neuro_oncology_metastases", (), Branch(TREATMENT)),
        "targeted_option": sourced(targeted, "lm:tx-3, lm:bg-systemische-therapie"),
        "primary_treatment": primary,
        "systemic_options": _systemic_options(f),
        "radiotherapy": radiotherapy,
        "intrathecal_chemotherapy": known(False, (), Branch("lm:bg-radiotherapie")),
        "csf_pressure_relief": sourced(f.flag("raised_icp_symptoms"),
                                       "lm:bg-prognose-en-opvolging"),
        "prognosis": known(Prognosis(), (), Branch("lm:bg-prognose-en-opvolging")),
    }


PATHWAY = Pathway("lm.treatment", "lm", LmTreatmentFindings, FIELDS, rules)
