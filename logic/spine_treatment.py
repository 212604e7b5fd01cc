"""spine.treatment: proven spinal metastasis — start, steroids, stability, NESMS, treatment.

Spec §3.3; sources spine:tx-general, spine:tx-1..7 and the background sections named per rule.
"""

from __future__ import annotations

from . import nesms
from .facts import Facts
from .findings import SpineTreatmentFindings
from .outcome import FALSE, TRUE, Branch, Outcome, known
from .pathway import Pathway
from .rules import (
    Rule,
    Rules,
    all_,
    any_,
    collect,
    decision,
    equals,
    first,
    map_value,
    not_,
    sourced,
)

RAPIDLY_RESPONSIVE = ("myeloma", "germ_cell", "lung_sclc")
FOLLOW_UP = (
    "mobilise_guided_by_pain",
    "taper_steroids",
    "patient_leaflet",
    "lead_physician_and_gp_informed",
    "imaging_only_for_complaints_or_systemic_evaluation",
)
GENERAL = "spine:tx-general"
RT = "spine:tx-5, spine:bg-radiotherapie"
SELECTION = "spine:bg-patientenselectie"
OTHER_LOCAL = "spine:bg-percutane-interventies, spine:bg-radionucliden"
UNKNOWN_ORIGIN = "spine:bg-onbekende-origine"

HEME = ("lymphoma", "myeloma")


def rules(f: Facts) -> Rules:
    clinical = f.is_("mesmc", "clinical")
    asymptomatic = f.is_("mesmc", "asymptomatic")
    nesms2 = nesms.at_least_2(f)
    treat_asymptomatic = all_(f.flag("deficit_expected_soon"),
                              not_(f.flag("responsive_systemic_therapy_ongoing")), nesms2)
    not_treated = all_(asymptomatic, not_(treat_asymptomatic))  # I-2, spine:bg-patientenselectie
    window = first(
        [
            (clinical, 24, Branch(GENERAL)),
            (f.is_("mesmc", "radiological"), 72, Branch(GENERAL)),
            (asymptomatic,
             first([(treat_asymptomatic, 72, Branch(f"{GENERAL}, {SELECTION}", ("I-2",)))],
                   None, Branch(SELECTION, ("I-2",))),
             Branch(SELECTION, ("I-2",))),
            (any_(f.flag("pain"), f.flag("radicular_syndrome")), 336, Branch(GENERAL)),
        ],
        None,
        Branch(GENERAL),
    )
    urgent = map_value(window, _within_72_hours, "{} is 72 h or less")
    mdo = first([(urgent, "urgent_ad_hoc", Branch(GENERAL))], "weekly", Branch(GENERAL))

    primary_unknown = f.is_("primary_tumor", "unknown")
    heme = all_(not_(f.is_("primary_tumor", *HEME)), f.flag("heme_malignancy_in_dd"))
    tissue_first = first(
        [
            (primary_unknown, True, Branch(UNKNOWN_ORIGIN)),
            (heme, True, Branch(UNKNOWN_ORIGIN, ("I-15",))),
        ],
        False,
        Branch(UNKNOWN_ORIGIN),
    )
    severe = all_(any_(clinical, f.flag("radicular_syndrome")), f.flag("severe_deficit"))
    dexamethasone = first(
        [
            (primary_unknown, "postpone", Branch(f"{UNKNOWN_ORIGIN}, spine:tx-1")),
            (heme, "postpone", Branch(f"{UNKNOWN_ORIGIN}, spine:tx-1", ("I-15",))),
            (severe, "start", Branch("spine:tx-1, spine:tx-7")),
            # SPEC: "except when asymptomatic_mesmc_treat is false" read as covering the whole
            # branch (nothing is treated then, spec §3.3 primary_treatment).
            (all_(any_(f.flag("radicular_syndrome"), not_(f.is_("mesmc", "none"))),
                  not_(not_treated)), "optional", Branch("spine:bg-corticosteroiden")),
        ],
        "not_indicated",
        Branch("spine:bg-corticosteroiden"),
    )

    responsive = any_(
        f.is_("primary_tumor", *RAPIDLY_RESPONSIVE),
        all_(f.is_("primary_tumor", "lymphoma"), f.flag("heme_grade_intermediate_or_high")),
        all_(f.is_("primary_tumor", "melanoma"), f.flag("braf_v600e")),
        f.flag("vital_chemo_indication"),
    )
    systemic_first = first(
        [(all_(not_(nesms2), responsive), False, Branch("spine:tx-2", ("I-3",)))],
        sourced(all_(nesms2, responsive), "spine:tx-3, spine:bg-systemische-therapie"),
    )
    instability = f.flag("instability_signs")
    candidate_applies = not_(all_(systemic_first, not_(instability)))
    candidate = all_(
        f.flag("fit_for_surgery"),
        nesms2,
        f.flag("surgery_technically_possible"),
        any_(not_(clinical),
             all_(f.is_("complete_transverse_lesion", "no", "under_24h",
                        "over_24h_improving_on_steroids"),
                  f.flag("surgery_possible_within_24h"))),
    )
    is_candidate = all_(candidate_applies, candidate)  # not applicable counts as not a candidate
    preferred = any_(
        instability,
        clinical,
        all_(f.flag("recurrence_after_rt"), not_(f.flag("reirradiation_possible"))),
    )
    adequate_rt = f.flag("adequate_rt_possible")
    vertebroplasty = all_(
        f.flag("rt_insufficient_pain_relief"),
        not_(is_candidate),
        f.flag("axial_pain"),
        not_(f.flag("epidural_extension_over_one_third")),
    )
    radionuclides = all_(
        f.flag("diffuse_osteoblastic_metastases"),
        f.flag("positive_bone_scan"),
        f.flag("insensitive_to_chemo_or_hormonal"),
        not_(adequate_rt),
    )
    primary = first(
        [
            (all_(is_candidate, instability, systemic_first), "surgery",
             Branch("spine:tx-4, spine:tx-3", ("I-11",))),
            (all_(is_candidate, instability), "surgery", Branch("spine:tx-4, spine:dx-4")),
            (systemic_first, "systemic", Branch("spine:tx-3")),
            (all_(is_candidate, preferred), "surgery", Branch("spine:tx-4, spine:dx-4")),
            (adequate_rt, "radiotherapy", Branch("spine:tx-5")),
            (is_candidate, "surgery", Branch("spine:bg-systemische-therapie, spine:dx-4")),
            (all_(f.flag("systemic_option_available"), nesms2), "systemic",
             Branch("spine:tx-3")),
            (any_(vertebroplasty, radionuclides), "other_local", Branch(OTHER_LOCAL, ("I-4",))),
        ],
        "supportive",
        Branch(GENERAL, ("I-4",)),
    )
    something_to_treat = any_(not_(f.is_("mesmc", "none")), f.flag("pain"),
                              f.flag("radicular_syndrome"), instability)
    treatment_applies = all_(something_to_treat, not_(not_treated))
    other_local = collect([("vertebroplasty_or_kyphoplasty", vertebroplasty),
                           ("radionuclides", radionuclides)], Branch(OTHER_LOCAL))

    good_condition = all_(
        f.ge("kps", 70), f.flag("life_expectancy_over_1_year"),
        f.flag("limited_metastatic_disease"),
    )
    schedule = first(
        [(clinical, first([(good_condition, "10x3Gy", Branch(RT))], "1x8Gy", Branch(RT)),
          Branch(RT))],
        first(
            [
                (all_(f.flag("oligometastatic"), not_(urgent),
                      not_(f.flag("extensive_epidural_or_myelum_involvement"))),
                 "sbrt", Branch(RT)),
                (good_condition, "10x3Gy", Branch(RT)),
            ],
            "1x8Gy",
            Branch(RT),
        ),
    )
    follow_up = collect(
        [
            *((code, TRUE) for code in FOLLOW_UP if code != "taper_steroids"),
            ("taper_steroids", equals(dexamethasone, "start", "optional")),
        ],
        Branch("spine:tx-7"),
    )
    not_clinical = not_(clinical)
    rt_insufficient = f.flag("rt_insufficient_pain_relief")
    osteoblastic = f.flag("diffuse_osteoblastic_metastases")
    findings: dict[str, Rule | Outcome] = {
        "severe_deficit": any_(clinical, f.flag("radicular_syndrome")),
        "heme_malignancy_in_dd": not_(f.is_("primary_tumor", *HEME)),
        "level": instability,
        "braf_v600e": f.is_("primary_tumor", "melanoma"),
        "heme_grade_intermediate_or_high": f.is_("primary_tumor", "lymphoma"),
        "complete_transverse_lesion": clinical,
        "progressive_deficit": FALSE,  # spec v2: no longer read by any rule
        "surgery_possible_within_24h": clinical,
        "reirradiation_possible": f.flag("recurrence_after_rt"),
        "oligometastatic": not_clinical,
        "extensive_osteolysis": not_clinical,
        "extensive_epidural_or_myelum_involvement": all_(not_clinical, f.flag("oligometastatic")),
        "deficit_expected_soon": asymptomatic,
        "responsive_systemic_therapy_ongoing": asymptomatic,
        "axial_pain": rt_insufficient,
        "epidural_extension_over_one_third": rt_insufficient,
        "positive_bone_scan": osteoblastic,
        "insensitive_to_chemo_or_hormonal": osteoblastic,
        "transverse_lesion": clinical,
    }
    return Rules(
        {
            "start_treatment_within_hours": window,
            "mdo": mdo,
            "tissue_first": tissue_first,
            "dexamethasone": dexamethasone,
            "instability_suspected": sourced(instability,
                                             "spine:tx-1, spine:bg-bepalen-stabiliteit"),
            "nesms": nesms.score(f),
            "systemic_first": systemic_first,
            "surgery_candidate": decision(
                first([(all_(primary_unknown, candidate), True, Branch("spine:tx-4", ("I-7",)))],
                      sourced(candidate, "spine:tx-4")),
                candidate_applies),
            "surgery_preferred": sourced(preferred, "spine:tx-4"),
            "primary_treatment": decision(primary, treatment_applies),
            "rt_schedule": decision(schedule, all_(treatment_applies,
                                                   equals(primary, "radiotherapy"))),
            "postop_rt": decision(known("10x3Gy", (), Branch("spine:tx-5")),
                                  all_(treatment_applies, equals(primary, "surgery"))),
            "other_local": other_local,
            "rehabilitation_consult": decision(sourced(f.flag("transverse_lesion"), "spine:tx-6"),
                                               clinical),
            "asymptomatic_mesmc_treat": decision(sourced(treat_asymptomatic, SELECTION),
                                                 asymptomatic),
            "follow_up": follow_up,
        },
        findings,
        {"NESMS ≥ 2 [I-7: the upper bound]": nesms2, "treat asymptomatic MESCC":
         treat_asymptomatic, "asymptomatic MESCC not treated": not_treated,
         "start window ≤ 72 h": urgent, "haematological malignancy in the differential": heme,
         "severe deficit": severe, "rapidly responsive tumour or vital indication": responsive,
         "surgery candidacy applies": candidate_applies, "a surgery candidate": is_candidate,
         "vertebroplasty or kyphoplasty qualifies": vertebroplasty,
         "radionuclides qualify": radionuclides, "something to treat": something_to_treat,
         "a primary treatment applies": treatment_applies,
         "good condition": good_condition},
    )


def _within_72_hours(hours: object) -> bool:
    return isinstance(hours, int) and hours <= 72


PATHWAY = Pathway("spine.treatment", "spine", SpineTreatmentFindings, rules)
