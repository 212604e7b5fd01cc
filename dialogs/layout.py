"""How each pathway's advice reads: urgency first, then treatment, then work-up and follow-up.

Every decision field has a render kind and a place in a section; the codes a field can take are
read off the logic's rules (:func:`logic.describe.codes`), so every text they need is enumerated
(and checked) ahead of time from one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from logic.describe import codes as rule_codes
from logic.pathways import PATHWAYS

RenderKind = Literal["hours", "bool", "code", "list", "nesms", "category", "prognosis"]


@dataclass(frozen=True)
class FieldView:
    kind: RenderKind
    none_text: bool = False  # a decided null has its own text (else it is not shown)
    always: bool = False  # the same for every patient: shown in the advice, not as "settled"


REHAB_CHECKLIST = tuple(f"rehab_inclusion_{i}" for i in range(1, 11)) + tuple(
    f"rehab_exclusion_{i}" for i in range(1, 7))

FIELDS: dict[str, FieldView] = {
    # spine.alarm
    "alarm_level": FieldView("code"),
    # spine.diagnosis
    "mri_within_hours": FieldView("hours", none_text=True),
    "corticosteroids": FieldView("code"),
    "neurology_consult": FieldView("bool"),
    "labs": FieldView("list", always=True),
    "relation_doubt": FieldView("bool"),
    "histology_needed": FieldView("bool"),
    "tissue_within_hours": FieldView("hours"),
    "ct_thorax_abdomen": FieldView("code"),
    "extra_tests": FieldView("list"),
    "admission_service": FieldView("code"),
    "next_step": FieldView("code"),
    "differential": FieldView("list"),
    "instructions": FieldView("list", always=True),
    # spine.treatment
    "start_treatment_within_hours": FieldView("hours", none_text=True),
    "mdo": FieldView("code"),
    "tissue_first": FieldView("bool"),
    "dexamethasone": FieldView("code"),
    "instability_suspected": FieldView("bool"),
    "nesms": FieldView("nesms"),
    "systemic_first": FieldView("bool"),
    "surgery_candidate": FieldView("bool"),
    "surgery_preferred": FieldView("bool"),
    "primary_treatment": FieldView("code"),
    "rt_schedule": FieldView("code"),
    "postop_rt": FieldView("code"),
    "other_local": FieldView("list"),
    "rehabilitation_consult": FieldView("bool"),
    "asymptomatic_mesmc_treat": FieldView("bool"),
    "follow_up": FieldView("list", always=True),
    # lm.diagnosis
    "scope": FieldView("code"),
    "lm_suspected": FieldView("bool"),
    "mri": FieldView("code"),
    "lumbar_puncture": FieldView("code"),
    "opening_pressure": FieldView("bool"),
    "extra_csf_tests": FieldView("list"),
    "diagnosis": FieldView("code"),
    # lm.treatment
    "lm_category": FieldView("category"),
    "targeted_option": FieldView("bool"),
    "systemic_options": FieldView("list"),
    "radiotherapy": FieldView("list"),
    "intrathecal_chemotherapy": FieldView("bool", always=True),
    "csf_pressure_relief": FieldView("code"),
    "prognosis": FieldView("prognosis", always=True),
    # calculators
    "kps_description": FieldView("code"),
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
        ("urgency", ("start_treatment_within_hours", "mdo", "tissue_first", "dexamethasone",
                     "instability_suspected")),
        ("treatment", ("primary_treatment", "rt_schedule", "postop_rt", "other_local",
                       "asymptomatic_mesmc_treat", "systemic_first", "surgery_candidate",
                       "surgery_preferred", "nesms")),
        ("workup", ("rehabilitation_consult", "follow_up")),
    ),
    "lm.diagnosis": (
        ("urgency", ("scope", "lm_suspected", "mri", "lumbar_puncture", "opening_pressure")),
        ("workup", ("extra_csf_tests", "diagnosis", "next_step")),
    ),
    "lm.treatment": (
        ("urgency", ("scope", "csf_pressure_relief")),
        ("treatment", ("lm_category", "primary_treatment", "systemic_options", "radiotherapy",
                       "targeted_option", "intrathecal_chemotherapy", "mdo")),
        ("workup", ("prognosis", "follow_up")),
    ),
    "calc.nesms": (("treatment", ("nesms",)),),
    "calc.kps": (("treatment", ("kps_description", "kps_at_least_70")),),
    "calc.lm_category": (("treatment", ("lm_category",)),),
}


@cache
def field_codes(name: str) -> tuple[object, ...]:
    """Every value (code fields) or item (list fields) the field's rule can give, over every
    pathway that has the field, from the rules themselves; ``None`` left out."""
    found: dict[object, None] = {}
    for pathway in PATHWAYS.values():
        decision = pathway.built.fields.get(name)
        if decision is not None:
            found.update(dict.fromkeys(c for c in rule_codes(decision.rule) if c is not None))
    return tuple(found)
