"""spine.alarm: does a patient at risk of spinal metastases need a doctor now? (spec §3.1; spine
Bijlage 1, spine:dx-1, spine:bg-inleiding)"""

from __future__ import annotations

from .facts import Facts
from .findings import SpineAlarmFindings
from .outcome import Branch
from .pathway import Pathway
from .rules import Rules, any_, first

SUDDEN = (
    "sudden_weakness",
    "sudden_control_problems",
    "sudden_unsteady_gait",
    "sudden_sensory_level",
    "sudden_cannot_walk",
)
# I-9: not on the leaflet, but contact now as well (spine:dx-1, spine:bg-inleiding). SPEC: a
# provisional contact_now raises I-9 only when one of these is the unknown finding.
NOT_SUDDEN = ("increasing_weakness_or_numbness", "new_bladder_or_bowel_problems")
SRC = "spine:app-1"


def rules(f: Facts) -> Rules:
    alarm = first(
        [
            (any_(*(f.flag(n) for n in SUDDEN)), "contact_now", Branch(f"{SRC}, spine:dx-1")),
            (any_(*(f.flag(n) for n in NOT_SUDDEN)), "contact_now",
             Branch("spine:dx-1, spine:bg-inleiding", ("I-9",))),
            (f.flag("new_severe_back_or_neck_pain"), "contact_working_hours", Branch(SRC)),
        ],
        "no_alarm",
        Branch(SRC),
    )
    return Rules({"alarm_level": alarm}, {})


PATHWAY = Pathway("spine.alarm", "spine", SpineAlarmFindings, rules)
