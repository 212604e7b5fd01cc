"""lm.diagnosis: suspected leptomeningeal metastases — MRI, lumbar puncture, interpretation.

Spec §3.4; sources lm:dx-1..4 and lm:bg Diagnostiek.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import Facts
from .findings import LmDiagnosisFindings
from .outcome import Branch, Outcome, known
from .pathway import FieldRule, Pathway
from .rules import Fields, all_, any_, collect, custom, first, not_, sourced

CRANIAL = frozenset({"headache", "nausea_vomiting", "confusion", "ataxia",
                     "diplopia_or_cranial_nerve", "visual_complaints"})
SPINAL = frozenset({"radicular_syndrome", "cauda_equina", "radicular_pain"})
CSF = "lm:bg-liquordiagnostiek"

FIELDS = (
    FieldRule(
        "lm_suspected",
        "any symptom of lm:dx-1 (all symptoms but visual_complaints) not "
        "explained_by_brain_metastases",
        "lm:dx-1",
    ),
    FieldRule(
        "mri",
        "MRI with gadolinium guided by the symptoms: cranial symptoms (headache, nausea/vomiting, "
        "confusion, ataxia, diplopia/cranial nerve, visual) -> brain; radicular/cauda -> spine; "
        "both kinds -> brain_and_spine; none -> null",
        "lm:dx-2, lm:bg-beeldvorming",
    ),
    FieldRule(
        "lumbar_puncture",
        "when LM is suspected: CSF for cell count and chemistry (3 cc) and cytology (5-10 cc)",
        CSF,
    ),
    FieldRule(
        "opening_pressure",
        "when headache, nausea_vomiting or visual_complaints",
        CSF,
    ),
    FieldRule(
        "extra_csf_tests",
        "germ cell (primary_tumor germ_cell, or unknown primary with germ_cell_suspected) -> "
        "afp_hcg in blood and CSF; lung_nsclc -> molecular "
        "(EGFR, KRAS, ALK) in consultation; breast with high_clinical_suspicion and negative "
        "cytology -> ctc",
        f"lm:dx-3, {CSF}",
    ),
    FieldRule(
        "diagnosis",
        "cytology malignant_cells -> confirmed; pending -> pending; negative with "
        "high_clinical_suspicion and lp_number < 2 -> repeat_lp; negative otherwise -> "
        "not_confirmed (a third LP is not standard); pleocytosis, raised protein and low glucose "
        "are suggestive, never proof",
        f"lm:dx-4, {CSF}",
    ),
)


def _mri(values: Mapping[str, Any]) -> Outcome:
    symptoms = values["symptoms"]
    if symptoms is None:
        return Outcome(None, (), ("symptoms",))
    cranial = any(s in CRANIAL for s in symptoms)
    spinal = any(s in SPINAL for s in symptoms)
    value = ("brain_and_spine" if cranial and spinal else "brain" if cranial
             else "spine" if spinal else None)
    return known(value, ("symptoms",), Branch("lm:dx-2, lm:bg-beeldvorming"))


def rules(f: Facts) -> Fields:
    suspected = all_(f.has_other_than("symptoms", ("visual_complaints",)),
                     not_(f.flag("explained_by_brain_metastases")))
    diagnosis = first(
        [
            (f.is_("cytology", "malignant_cells"), "confirmed", Branch("lm:dx-4")),
            (f.is_("cytology", "pending"), "pending", Branch("lm:dx-4")),
            (all_(f.flag("high_clinical_suspicion"), not_(f.ge("lp_number", 2))), "repeat_lp",
             Branch(CSF)),
        ],
        "not_confirmed",
        Branch(f"lm:dx-4, {CSF}"),
    )
    extra = collect(
        [
            # SPEC-GAP: germ_cell_suspected is read only without a known primary (as spine's
            # suspected_primary); the example case lm-dx-repeat-lp (breast) decides without it.
            ("afp_hcg", any_(f.is_("primary_tumor", "germ_cell"),
                             all_(f.is_("primary_tumor", "unknown"),
                                  f.flag("germ_cell_suspected")))),
            ("molecular", f.is_("primary_tumor", "lung_nsclc")),
            ("ctc", all_(f.is_("primary_tumor", "breast"), f.flag("high_clinical_suspicion"),
                         f.is_("cytology", "negative"))),
        ],
        Branch(f"lm:dx-3, {CSF}"),
    )
    return {
        "lm_suspected": sourced(suspected, "lm:dx-1"),
        "mri": custom(_mri),
        "lumbar_puncture": sourced(suspected, CSF),
        "opening_pressure": sourced(
            f.has("symptoms", "headache", "nausea_vomiting", "visual_complaints"), CSF),
        "extra_csf_tests": extra,
        "diagnosis": diagnosis,
    }


PATHWAY = Pathway("lm.diagnosis", "lm", LmDiagnosisFindings, FIELDS, rules)
