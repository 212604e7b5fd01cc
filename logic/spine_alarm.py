"""spine.alarm: does a patient at risk of spinal metastases need a doctor now? (spine Bijlage 1)"""

from __future__ import annotations

from .facts import Facts
from .findings import SpineAlarmFindings
from .outcome import Branch
from .pathway import FieldRule, Pathway
from .rules import Fields, any_, first

SUDDEN = (
    "sudden_weakness",
    "sudden_control_problems",
    "sudden_unsteady_gait",
    "sudden_sensory_level",
    "sudden_cannot_walk",
)
SRC = "spine:app-1"

FIELDS = (
    FieldRule(
        "alarm_level",
        "any sudden_* finding -> contact_now (evenings, nights and weekends: the on-call "
        "contact); else new_severe_back_or_neck_pain -> contact_working_hours; else no_alarm, "
        "with the instruction to report new or worse complaints",
        f"{SRC}, spine:dx-1",
    ),
)


def rules(f: Facts) -> Fields:
    alarm = first(
        [
            (any_(*(f.flag(n) for n in SUDDEN)), "contact_now", Branch(SRC)),
            (f.flag("new_severe_back_or_neck_pain"), "contact_working_hours", Branch(SRC)),
        ],
        "no_alarm",
        Branch(SRC),
    )
    return {"alarm_level": alarm}


PATHWAY = Pathway("spine.alarm", "spine", SpineAlarmFindings, FIELDS, rules)
