"""spine.treatment: proven spinal metastasis — start, steroids, stability, NESMS, treatment.

Spec §3.3; sources spine:tx-general, spine:tx-1..7 and the background sections named per rule.
"""

from __future__ import annotations

from . import nesms
from .facts import Facts
from .findings import SpineTreatmentFindings
from .outcome import Branch, known
from .pathway import FieldRule, Pathway
from .rules import (
    Fields,
    all_,
    any_,
    collect,
    first,
    implies,
    map_value,
    not_,
    sourced,
    when,
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

FIELDS = (
    FieldRule(
        "start_treatment_within_hours",
        "mesmc clinical -> 24; radiological (with pain) -> 72; asymptomatic -> null [I-2]; "
        "without MESMC: pain or radicular_syndrome -> 336; else null",
        GENERAL,
        ("I-2",),
    ),
    FieldRule(
        "mdo",
        "start window <= 72 h -> urgent_ad_hoc (all specialties involved); else weekly "
        "(neuro-oncology metastases MDT); surgeons take part even when surgery is not obvious",
        GENERAL,
    ),
    FieldRule(
        "dexamethasone",
        "heme_malignancy_in_dd -> postpone; severe_deficit -> start (10 mg i.v. once, then 16 mg "
        "p.o. once daily; taper 3 days after treatment starts over 1-2 weeks); radicular_syndrome "
        "or any mesmc other than none -> optional; else not_indicated",
        "spine:tx-1, spine:tx-7, spine:bg-corticosteroiden",
    ),
    FieldRule(
        "instability_suspected",
        "instability_signs -> involve neurology; consult the on-call orthopaedic resident (spine "
        "back-up), the neurosurgery resident when level = cervical; one ward policy; mobilise "
        "guided by pain, no log-roll nursing",
        "spine:tx-1",
    ),
    nesms.FIELD,
    FieldRule(
        "systemic_first",
        "NESMS >= 2 and (myeloma; lymphoma with heme_grade_intermediate_or_high; germ_cell; "
        "lung_sclc; melanoma with braf_v600e; or vital_chemo_indication); with NESMS <= 1 false, "
        "naming the MDT exception for targeted or immunotherapy in lung cancer and melanoma [I-3]",
        "spine:tx-3, spine:bg-systemische-therapie, spine:tx-2",
        ("I-3",),
    ),
    FieldRule(
        "surgery_candidate",
        "all of: fit_for_surgery; NESMS >= 2; surgery_technically_possible; "
        "complete_transverse_lesion no, under_24h or over_24h_improving_on_steroids; and with "
        "progressive_deficit, surgery_possible_within_24h",
        "spine:tx-4",
    ),
    FieldRule(
        "surgery_preferred",
        "any of: instability_signs; mesmc = clinical; recurrence_after_rt and not "
        "reirradiation_possible",
        "spine:tx-4",
    ),
    FieldRule(
        "primary_treatment",
        "asymptomatic MESMC not to be treated -> null; else in this order: systemic_first -> "
        "systemic; surgery_candidate and surgery_preferred -> surgery (needs a recent CT "
        "thorax/abdomen); adequate_rt_possible -> radiotherapy; systemic_option_available and "
        "NESMS >= 2 -> systemic; [I-4] other_local when vertebroplasty/kyphoplasty or "
        "radionuclides qualify, else supportive",
        "spine:tx-3, spine:tx-4, spine:dx-4, spine:tx-5",
        ("I-4",),
    ),
    FieldRule(
        "rt_schedule",
        "when primary_treatment = radiotherapy. Without deficit (mesmc not clinical): "
        "oligometastatic, not an emergency (start window <= 72 h) and not "
        "extensive_epidural_or_myelum_involvement -> sbrt; else kps >= 70, "
        "life_expectancy_over_1_year and limited_metastatic_disease -> 10x3Gy (to consider; all "
        "the more with extensive_osteolysis); else 1x8Gy. With deficit: kps >= 70, "
        "life_expectancy_over_1_year and limited_metastatic_disease -> 10x3Gy; else 1x8Gy",
        RT,
    ),
    FieldRule(
        "postop_rt",
        "after surgery: 10x3Gy, 3-4 weeks after the operation, sooner when the deficit "
        "progresses; else null",
        "spine:tx-5",
    ),
    FieldRule(
        "other_local",
        "when the treatment order reaches [I-4]: vertebroplasty_or_kyphoplasty for "
        "rt_insufficient_pain_relief, surgery not possible (not surgery_candidate), axial_pain "
        "and not epidural_extension_over_one_third; radionuclides for "
        "diffuse_osteoblastic_metastases, positive_bone_scan, insensitive_to_chemo_or_hormonal "
        "and conventional RT not a good option (not adequate_rt_possible); else null",
        OTHER_LOCAL,
        ("I-4",),
    ),
    FieldRule(
        "rehabilitation_consult",
        "transverse_lesion -> consult the rehabilitation physician; show the inclusion and "
        "exclusion criteria as a checklist",
        "spine:tx-6",
    ),
    FieldRule(
        "asymptomatic_mesmc_treat",
        "only for mesmc = asymptomatic: deficit_expected_soon, not "
        "responsive_systemic_therapy_ongoing and life expectancy > 3 months (NESMS >= 2); "
        "else null. When false, primary_treatment is null",
        SELECTION,
    ),
    FieldRule(
        "follow_up",
        "always: mobilise guided by pain (brace or collar rarely needed); taper steroids; "
        "leaflet; one clear lead physician, GP informed; repeat imaging only for complaints or "
        "to evaluate systemic therapy",
        "spine:tx-7",
    ),
)


def rules(f: Facts) -> Fields:
    window = first(
        [
            (f.is_("mesmc", "clinical"), 24, Branch(GENERAL)),
            (f.is_("mesmc", "radiological"), 72, Branch(GENERAL)),
            (f.is_("mesmc", "asymptomatic"), None, Branch(GENERAL, ("I-2",))),
            (any_(f.flag("pain"), f.flag("radicular_syndrome")), 336, Branch(GENERAL)),
        ],
        None,
        Branch(GENERAL),
    )
    urgent = map_value(window, lambda hours: hours is not None and hours <= 72)
    mdo = map_value(urgent, lambda u: "urgent_ad_hoc" if u else "weekly", Branch(GENERAL))

    heme = f.flag("heme_malignancy_in_dd")
    dexamethasone = first(
        [
            (heme, "postpone", Branch("spine:tx-1")),
            (f.flag("severe_deficit"), "start", Branch("spine:tx-1, spine:tx-7")),
            (any_(f.flag("radicular_syndrome"), not_(f.is_("mesmc", "none"))), "optional",
             Branch("spine:bg-corticosteroiden")),
        ],
        "not_indicated",
        Branch("spine:bg-corticosteroiden"),
    )

    score = nesms.score(f)
    nesms2 = nesms.at_least_2(f)
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
    candidate = all_(
        f.flag("fit_for_surgery"),
        nesms2,
        f.flag("surgery_technically_possible"),
        f.is_("complete_transverse_lesion", "no", "under_24h", "over_24h_improving_on_steroids"),
        implies(f.flag("progressive_deficit"), f.flag("surgery_possible_within_24h")),
    )
    preferred = any_(
        f.flag("instability_signs"),
        f.is_("mesmc", "clinical"),
        all_(f.flag("recurrence_after_rt"), not_(f.flag("reirradiation_possible"))),
    )
    adequate_rt = f.flag("adequate_rt_possible")
    vertebroplasty = all_(
        f.flag("rt_insufficient_pain_relief"),
        not_(candidate),
        f.flag("axial_pain"),
        not_(f.flag("epidural_extension_over_one_third")),
    )
    radionuclides = all_(
        f.flag("diffuse_osteoblastic_metastases"),
        f.flag("positive_bone_scan"),
        f.flag("insensitive_to_chemo_or_hormonal"),
        not_(adequate_rt),
    )
    treat_asymptomatic = when(
        f.is_("mesmc", "asymptomatic"),
        all_(f.flag("deficit_expected_soon"), not_(f.flag("responsive_systemic_therapy_ongoing")),
             nesms2),
        Branch(SELECTION),
    )
    not_treated = map_value(treat_asymptomatic, lambda treat: treat is False)
    systemic_when_nothing_else = all_(f.flag("systemic_option_available"), nesms2)
    primary = first(
        [
            (not_treated, None, Branch(SELECTION)),
            (systemic_first, "systemic", Branch("spine:tx-3")),
            (all_(candidate, preferred), "surgery", Branch("spine:tx-4, spine:dx-4")),
            (adequate_rt, "radiotherapy", Branch("spine:tx-5")),
            (systemic_when_nothing_else, "systemic", Branch("spine:tx-3")),
            (any_(vertebroplasty, radionuclides), "other_local", Branch(OTHER_LOCAL, ("I-4",))),
        ],
        "supportive",
        Branch("spine:tx-general", ("I-4",)),
    )
    reaches_other_local = all_(
        not_(not_treated),
        not_(systemic_first),
        not_(all_(candidate, preferred)),
        not_(adequate_rt),
        not_(systemic_when_nothing_else),
    )
    other_local = when(
        reaches_other_local,
        collect([("vertebroplasty_or_kyphoplasty", vertebroplasty),
                 ("radionuclides", radionuclides)], Branch(OTHER_LOCAL, ("I-4",))),
        Branch(OTHER_LOCAL),
    )

    good_condition = all_(
        f.ge("kps", 70), f.flag("life_expectancy_over_1_year"),
        f.flag("limited_metastatic_disease"),
    )
    schedule = first(
        [(f.is_("mesmc", "clinical"),
          first([(good_condition, "10x3Gy", Branch(RT))], "1x8Gy", Branch(RT)), Branch(RT))],
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
    rt_schedule = when(map_value(primary, lambda p: p == "radiotherapy"), schedule, Branch(RT))
    postop_rt = when(map_value(primary, lambda p: p == "surgery"), "10x3Gy", Branch("spine:tx-5"))
    return {
        "start_treatment_within_hours": window,
        "mdo": mdo,
        "dexamethasone": dexamethasone,
        "instability_suspected": sourced(f.flag("instability_signs"), "spine:tx-1"),
        "nesms": score,
        "systemic_first": systemic_first,
        "surgery_candidate": sourced(candidate, "spine:tx-4"),
        "surgery_preferred": sourced(preferred, "spine:tx-4"),
        "primary_treatment": primary,
        "rt_schedule": rt_schedule,
        "postop_rt": postop_rt,
        "other_local": other_local,
        "rehabilitation_consult": sourced(f.flag("transverse_lesion"), "spine:tx-6"),
        "asymptomatic_mesmc_treat": treat_asymptomatic,
        "follow_up": known(FOLLOW_UP, (), Branch("spine:tx-7")),
    }


PATHWAY = Pathway("spine.treatment", "spine", SpineTreatmentFindings, FIELDS, rules)
