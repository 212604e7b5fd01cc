"""Every pathway by id: the five guideline pathways and the three calculators (spec §1)."""

from __future__ import annotations

from . import (
    kps,
    lm_category,
    lm_diagnosis,
    lm_treatment,
    nesms,
    spine_alarm,
    spine_diagnosis,
    spine_treatment,
)
from .pathway import Pathway

PATHWAYS: dict[str, Pathway] = {
    p.id: p
    for p in (
        spine_alarm.PATHWAY,
        spine_diagnosis.PATHWAY,
        spine_treatment.PATHWAY,
        lm_diagnosis.PATHWAY,
        lm_treatment.PATHWAY,
        nesms.PATHWAY,
        kps.PATHWAY,
        lm_category.PATHWAY,
    )
}
