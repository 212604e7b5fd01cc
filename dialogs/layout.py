"""How each pathway's advice reads: urgency first, then treatment, then work-up and follow-up.

Every decision field has a render kind; code-valued fields list their possible codes so that every
text they need is enumerated (and checked) ahead of time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from logic.kps import KPS_TABLE
from logic.spine_diagnosis import (
    DIFFERENTIAL_DEFICIT,
    DIFFERENTIAL_PAIN,
    INSTRUCTIONS,
    LABS,
    REFERRED_PAIN,
)
from logic.spine_treatment import FOLLOW_UP

RenderKind = Literal["hours", "bool", "code", "list", "nesms", "category", "prognosis"]


@dataclass(frozen=True)
class FieldView:
    kind: RenderKind
    codes: tuple[str, ...] = ()  # code values (code) or list items (list)
    none_text: bool = False  # a decided null has its own text (else it is not shown)
    always: bool = False  # the same for every patient: shown in the advice, not as "settled"


REHAB_CHECKLIST = tuple(f"rehab_inclusion_{i}" for i in range(1, 11)) + tuple(
    f"rehab_exclusion_{i}" for i in range(1, 7))

FIELDS: dict[str, FieldView] = {
    # spine.alarm
    "alarm_level": FieldView("code", ("contact_now", "contact_working_hours", "no_alarm")),
    # spine.diagnosis
    "mri_within_hours": FieldView("hours", none_text=True),
    "corticosteroids": FieldView("code", ("start_now", "withhold", "not_yet")),
    "neurology_consult": FieldView("bool"),
    "labs": FieldView("list", LABS, always=True),
    "relation_doubt": FieldView("bool"),
    "histology_needed": FieldView("bool"),
    "tissue_within_hours": FieldView("hours"),
    "ct_thorax_abdomen": FieldView("bool"),
    "extra_tests": FieldView("list", ("m_protein_and_protein_spectrum", "psa", "afp_hcg",
                                      "urgent_immunophenotyping_consult")),
    "admission_service": FieldView("code", ("neuro_oncology", "primary_treating_specialist")),
    "next_step": FieldView("code", ("await_mri", "treatment", "histology_then_treatment",
                                    "differential_diagnosis")),
    "differential": FieldView("list", (*DIFFERENTIAL_PAIN, *DIFFERENTIAL_DEFICIT,
                                       *REFERRED_PAIN.values())),
    "instructions": FieldView("list", INSTRUCTIONS, always=True),
    # spine.treatment
    "start_treatment_within_hours": FieldView("hours", none_text=True),
    "mdo": FieldView("code", ("urgent_ad_hoc", "weekly", "neuro_oncology_metastases")),
    "dexamethasone": FieldView("code", ("start", "postpone", "optional", "not_indicated")),
    "instability_suspected": FieldView("bool"),
    "nesms": FieldView("nesms"),
    "systemic_first": FieldView("bool"),
    "surgery_candidate": FieldView("bool"),
    "surgery_preferred": FieldView("bool"),
    "primary_treatment": FieldView(
        "code", ("systemic", "surgery", "radiotherapy", "other_local", "supportive",
                 "targeted_despite_low_kps", "best_supportive_care"), none_text=True),
    "rt_schedule": FieldView("code", ("1x8Gy", "10x3Gy", "sbrt")),
    "postop_rt": FieldView("code", ("10x3Gy",)),
    "other_local": FieldView("list", ("vertebroplasty_or_kyphoplasty", "radionuclides")),
    "rehabilitation_consult": FieldView("bool"),
    "asymptomatic_mesmc_treat": FieldView("bool"),
    "follow_up": FieldView("list", FOLLOW_UP, always=True),
    # lm.diagnosis
    "lm_suspected": FieldView("bool"),
    "mri": FieldView("code", ("brain", "spine", "brain_and_spine"), none_text=True),
    "lumbar_puncture": FieldView("bool"),
    "opening_pressure": FieldView("bool"),
    "extra_csf_tests": FieldView("list", ("afp_hcg", "molecular", "ctc")),
    "diagnosis": FieldView("code", ("confirmed", "repeat_lp", "not_confirmed", "pending")),
    # lm.treatment
    "lm_category": FieldView("category"),
    "targeted_option": FieldView("bool"),
    "systemic_options": FieldView("list", (
        "capecitabine", "her2_targeted", "braf_mek", "immunotherapy", "osimertinib",
        "alk_inhibitor", "immunotherapy_mono", "chemo_immunotherapy", "chemotherapy")),
    "radiotherapy": FieldView("list", ("wbrt", "local")),
    "intrathecal_chemotherapy": FieldView("bool", always=True),
    "csf_pressure_relief": FieldView("bool"),
    "prognosis": FieldView("prognosis", always=True),
    # calculators
    "kps_description": FieldView("code", tuple(code for _, code in KPS_TABLE)),
    "kps_at_least_70": FieldView("bool"),
}

Section = tuple[str, tuple[str, ...]]  # (title key suffix, fields)

SECTIONS: dict[str, tuple[Section, ...]] = {
    "spine.alarm": (("urgency", ("alarm_level",)),),
    "spine.diagnosis": (
        ("urgency", ("mri_within_hours", "corticosteroids", "tissue_within_hours")),
        ("treatment", ("next_step", "admission_service")),
        ("workup", ("neurology_consult", "relation_doubt", "histology_needed",
                    "ct_thorax_abdomen", "extra_tests", "differential", "labs",
                    "instructions")),
    ),
    "spine.treatment": (
        ("urgency", ("start_treatment_within_hours", "mdo", "dexamethasone",
                     "instability_suspected")),
        ("treatment", ("primary_treatment", "rt_schedule", "postop_rt", "other_local",
                       "asymptomatic_mesmc_treat", "systemic_first", "surgery_candidate",
                       "surgery_preferred", "nesms")),
        ("workup", ("rehabilitation_consult", "follow_up")),
    ),
    "lm.diagnosis": (
        ("urgency", ("lm_suspected", "mri", "lumbar_puncture", "opening_pressure")),
        ("workup", ("extra_csf_tests", "diagnosis")),
    ),
    "lm.treatment": (
        ("urgency", ("lm_category", "csf_pressure_relief")),
        ("treatment", ("primary_treatment", "systemic_options", "radiotherapy",
                       "targeted_option", "intrathecal_chemotherapy", "mdo")),
        ("workup", ("prognosis",)),
    ),
    "calc.nesms": (("treatment", ("nesms",)),),
    "calc.kps": (("treatment", ("kps_description", "kps_at_least_70")),),
    "calc.lm_category": (("treatment", ("lm_category",)),),
}
