"""lm.diagnosis: suspected leptomeningeal metastases — MRI first, then the lumbar puncture.

Spec §3.4; sources lm:dx-1..4 and lm:bg Diagnostiek.
"""

from __future__ import annotations

from .facts import Facts
from .findings import LmDiagnosisFindings
from .lm_scope import in_scope, scope
from .outcome import Branch
from .pathway import Pathway
from .rules import Rules, all_, any_, collect, decision, equals, first, not_, sourced

CRANIAL = ("headache", "nausea_vomiting", "confusion", "ataxia", "diplopia_or_cranial_nerve",
           "visual_complaints")
SPINAL = ("radicular_syndrome", "cauda_equina", "radicular_pain")
CSF = "lm:bg-liquordiagnostiek"


def rules(f: Facts) -> Rules:
    within = in_scope(f)
    suspected = f.has_other_than("symptoms", ("visual_complaints",))
    cranial, spinal = f.has("symptoms", *CRANIAL), f.has("symptoms", *SPINAL)
    mri = first(
        [
            (all_(cranial, spinal), "brain_and_spine", Branch("lm:dx-2, lm:bg-beeldvorming")),
            (cranial, "brain", Branch("lm:dx-2, lm:bg-beeldvorming")),
        ],
        "spine",
        Branch("lm:dx-2, lm:bg-beeldvorming"),
    )
    imaged = not_(f.is_("mri_result", "pending"))
    explained = f.flag("explained_by_brain_metastases")
    lumbar_puncture = first(
        [
            (f.is_("mri_result", "pending"), "after_mri", Branch("lm:dx-2, lm:bg-beeldvorming")),
            (explained, "not_indicated", Branch("lm:dx-1")),
            (f.flag("mass_effect_or_obstructive_hydrocephalus"), "neurosurgery_first",
             Branch("lm:dx-1", ("I-12",))),
        ],
        "indicated",
        Branch(CSF),
    )
    lp_indicated = all_(suspected, equals(lumbar_puncture, "indicated"))
    lp_done = all_(lp_indicated, not_(f.is_("lp_number", 0)))
    negative = all_(lp_done, f.is_("cytology", "negative"))
    diagnosis = first(
        [
            (any_(f.is_("lp_number", 0), f.is_("cytology", "pending")), "pending",
             Branch("lm:dx-4")),
            (f.is_("cytology", "malignant_cells"), "confirmed", Branch("lm:dx-4")),
            (all_(negative, f.flag("high_clinical_suspicion"), not_(f.ge("lp_number", 2))),
             "repeat_lp", Branch(f"lm:dx-4, {CSF}")),
            (all_(negative, f.is_("mri_result", "suggestive")), "probable",
             Branch("lm:dx-4, lm:bg-prognose-en-opvolging", ("I-16",))),
        ],
        "not_confirmed",
        Branch(f"lm:dx-4, {CSF}"),
    )
    extra = collect(
        [
            ("afp_hcg", any_(f.is_("primary_tumor", "germ_cell"), f.flag("germ_cell_suspected"))),
            ("molecular", f.is_("primary_tumor", "lung_nsclc")),
            ("ctc", all_(f.is_("primary_tumor", "breast"), negative,
                         f.flag("high_clinical_suspicion"))),
        ],
        Branch(f"lm:dx-3, {CSF}"),
    )
    next_step = first(
        [
            (equals(lumbar_puncture, "after_mri"), "mri_first", Branch("lm:dx-2")),
            (equals(lumbar_puncture, "not_indicated"), "no_lp", Branch("lm:dx-1")),
            (equals(lumbar_puncture, "neurosurgery_first"), "neurosurgery_first",
             Branch("lm:dx-1", ("I-12",))),
            (f.is_("lp_number", 0), "lumbar_puncture", Branch(CSF)),
            (equals(diagnosis, "pending"), "await_cytology", Branch("lm:dx-4")),
            (equals(diagnosis, "repeat_lp"), "repeat_lp", Branch(f"lm:dx-4, {CSF}")),
            (equals(diagnosis, "confirmed", "probable"), "mdo_and_treatment",
             Branch("lm:bg-behandeling")),
        ],
        "follow_clinically",
        Branch("lm:dx-4"),
    )
    suspected_in_scope = all_(within, suspected)
    lp_in_scope = all_(within, lp_indicated)
    return Rules(
        {
            "lm_suspected": decision(sourced(suspected, "lm:dx-1"), within),
            "scope": scope(f),
            "mri": decision(mri, suspected_in_scope),
            "lumbar_puncture": decision(lumbar_puncture, suspected_in_scope),
            "opening_pressure": decision(
                sourced(f.has("symptoms", "headache", "nausea_vomiting", "visual_complaints"),
                        CSF),
                lp_in_scope),
            "extra_csf_tests": decision(extra, lp_in_scope),
            "diagnosis": decision(diagnosis, lp_in_scope),
            "next_step": decision(next_step, suspected_in_scope),
        },
        {
            "germ_cell_suspected": not_(f.is_("primary_tumor", "germ_cell")),
            "mri_result": suspected,
            "explained_by_brain_metastases": all_(suspected, imaged),
            "mass_effect_or_obstructive_hydrocephalus": all_(suspected, imaged, not_(explained)),
            "lp_number": lp_indicated,
            "cytology": lp_done,
            "csf_other": negative,
            "high_clinical_suspicion": negative,
        },
        {"in scope": within, "LM suspected": suspected, "LP indicated": lp_indicated,
         "LP done": lp_done, "cytology negative": negative},
    )


PATHWAY = Pathway("lm.diagnosis", "lm", LmDiagnosisFindings, rules)
