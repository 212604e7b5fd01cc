"""spine.diagnosis: suspected spinal metastasis or MESCC — which scan how fast, steroids, work-up.

Spec §3.2; sources spine:dx-1..7 and the background sections named per rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import Facts
from .findings import LUNG_CANCERS, SpineDiagnosisFindings
from .outcome import Branch, Outcome, known
from .pathway import FieldRule, Pathway
from .rules import Fields, all_, any_, collect, custom, first, map_value, not_, sourced, when

# spine:dx-2: the admission lab panel ("Opname-lab neurologie", its 19 items) plus PT-INR and
# blood group/rhesus with an irregular antibody screen.
ADMISSION_LAB_PANEL = (
    "glucose", "creatinine", "total_bilirubin", "sodium", "potassium", "calcium",
    "total_protein", "albumin", "crp", "asat", "alat", "ldh", "gamma_gt",
    "alkaline_phosphatase", "hb", "erythrocytes", "platelets", "leukocytes", "neutrophils",
)
LABS = (*ADMISSION_LAB_PANEL, "pt_inr", "blood_group_rhesus", "irregular_antibody_screen")

# spine:bg Tabel 2, per dominant symptom.
DIFFERENTIAL_PAIN = (
    "osteoporotic_vertebral_fracture", "disc_herniation", "spondylodiscitis",
    "dorsal_pleural_tumour", "spondylosis",
)
DIFFERENTIAL_DEFICIT = (
    "leptomeningeal_metastases", "radiation_myelopathy", "meningitis",
    "epidural_abscess_or_haematoma", "intramedullary_metastasis", "spinal_lipomatosis",
    "benign_tumour", "arteriovenous_malformation", "primary_bone_tumour",
    "transverse_myelitis", "sarcoidosis", "multiple_sclerosis",
)
# spine:bg Tabel 3 (referred pain): pain location -> where a metastasis may be.
REFERRED_PAIN = {
    "thoracolumbar_junction": "referred_upper_abdomen",
    "mid_lumbar": "referred_lower_abdomen",
    "sacral": "referred_small_pelvis",
    "shoulders": "referred_diaphragm_ingrowth",
    "sacroiliac": "referred_vertebra_th12_l1",
    "anterior_thigh_or_knee_on_loading": "referred_pelvis_or_hips",
}
INSTRUCTIONS = ("contact_on_worsening", "patient_leaflet")
DX2 = Branch("spine:dx-2")

# MRI windows of spine:dx-2, most urgent first: (hours, triggering conditions).
TWELVE_HOUR_TRIGGERS = ("mesmc_deficit", "bilateral_radicular", "lhermitte")

FIELDS = (
    FieldRule(
        "mri_within_hours",
        "MRI of the whole spine within the shortest window any finding triggers: 12 h for "
        "mesmc_deficit, bilateral_radicular or lhermitte; 24 h for a unilateral radicular deficit "
        "progressive_onset_within_7_days; 48 h for progressive_onset_over_7_days; 168 h for "
        "unilateral_radicular_pain, asymptomatic_compression_on_ct or [I-1] a stable unilateral "
        "radicular deficit; 336 h for local_back_pain_with_alarm_features; null when none applies",
        "spine:dx-2",
        ("I-1",),
    ),
    FieldRule(
        "corticosteroids",
        "heme_malignancy_in_dd -> withhold until tissue is taken; else severe_deficit -> "
        "start_now; else not_yet",
        "spine:dx-1, spine:tx-1, spine:dx-5, spine:bg-onbekende-origine",
    ),
    FieldRule(
        "neurology_consult",
        "true for asymptomatic_compression_on_ct",
        "spine:dx-2",
    ),
    FieldRule(
        "labs",
        "always: the admission lab panel (19 items), PT-INR, blood group/rhesus and irregular "
        "antibody screen",
        "spine:dx-2",
    ),
    FieldRule(
        "relation_doubt",
        "only with a known primary and mri_result = spinal_metastasis: atypical_imaging, or not "
        "progression_elsewhere, or years_since_primary_diagnosis > 2 (lung_nsclc, lung_sclc) or "
        "> 5 (other tumours); else null",
        "spine:dx-3",
    ),
    FieldRule(
        "histology_needed",
        "primary_tumor = unknown, or relation_doubt",
        "spine:dx-5",
    ),
    FieldRule(
        "tissue_within_hours",
        "when histology_needed: 24 with mesmc_deficit or mesmc_on_mri, else 168; else null",
        "spine:bg-onbekende-origine",
    ),
    FieldRule(
        "ct_thorax_abdomen",
        "when histology_needed",
        "spine:dx-4",
    ),
    FieldRule(
        "extra_tests",
        "heme_malignancy_in_dd -> m_protein_and_protein_spectrum and "
        "urgent_immunophenotyping_consult (biopsy out of hours with lymphoma in question); "
        "primary unknown with suspected_primary prostate -> psa; germ_cell -> afp_hcg; other "
        "tumour markers are of no use",
        "spine:dx-5, spine:bg-onbekende-origine",
    ),
    FieldRule(
        "admission_service",
        "if admission is needed: primary_tumor = unknown -> neuro_oncology; else "
        "primary_treating_specialist with the others co-treating",
        "spine:dx-2",
    ),
    FieldRule(
        "next_step",
        "mri_result pending -> await_mri; spinal_metastasis -> histology_then_treatment when "
        "histology_needed, else treatment; no_explanation -> differential_diagnosis; "
        "other_cause -> differential_diagnosis [spec gap: other_cause has no named next step; "
        "spine:dx-6 points to Tabel 2]",
        "spine:dx-5, spine:dx-6, spine:dx-7",
    ),
    FieldRule(
        "differential",
        "when mri_result = no_explanation: Tabel 2, the column of dominant_symptom, plus Tabel 3 "
        "(referred pain) for pain_location; else null",
        "spine:dx-6, spine:bg-tabel-2, spine:bg-tabel-3",
    ),
    FieldRule(
        "instructions",
        "always: instruct the patient to make contact on worsening or change; give the leaflet",
        "spine:dx-2, spine:dx-algemeen",
    ),
)


def rules(f: Facts) -> Fields:
    mri = first(
        [
            (any_(*(f.flag(n) for n in TWELVE_HOUR_TRIGGERS)), 12, DX2),
            (f.is_("unilateral_radicular_deficit", "progressive_onset_within_7_days"), 24, DX2),
            (f.is_("unilateral_radicular_deficit", "progressive_onset_over_7_days"), 48, DX2),
            (any_(f.flag("unilateral_radicular_pain"), f.flag("asymptomatic_compression_on_ct")),
             168, DX2),
            (f.is_("unilateral_radicular_deficit", "stable"), 168, Branch("spine:dx-2", ("I-1",))),
            (f.flag("local_back_pain_with_alarm_features"), 336, DX2),
        ],
        None,
        DX2,
    )

    heme = f.flag("heme_malignancy_in_dd")
    steroids = first(
        [
            (heme, "withhold", Branch("spine:dx-5, spine:bg-onbekende-origine")),
            (f.flag("severe_deficit"), "start_now", Branch("spine:dx-1, spine:tx-1")),
        ],
        "not_yet",
        Branch("spine:dx-1"),
    )

    primary_unknown = f.is_("primary_tumor", "unknown")
    on_mri_metastasis = f.is_("mri_result", "spinal_metastasis")
    relation_doubt = when(
        all_(not_(primary_unknown), on_mri_metastasis),
        any_(
            f.flag("atypical_imaging"),
            not_(f.flag("progression_elsewhere")),
            f.test("years_since_primary_diagnosis", _over_interval),
        ),
        Branch("spine:dx-3"),
    )
    histology = any_(primary_unknown, map_value(relation_doubt, lambda v: v is True))
    mesmc_known = any_(f.flag("mesmc_deficit"), all_(on_mri_metastasis, f.flag("mesmc_on_mri")))
    tissue = when(
        histology,
        first([(mesmc_known, 24, Branch("spine:bg-onbekende-origine"))], 168,
              Branch("spine:bg-onbekende-origine")),
        Branch("spine:bg-onbekende-origine"),
    )
    suspected = (
        ("psa", all_(primary_unknown, f.has("suspected_primary", "prostate"))),
        ("afp_hcg", all_(primary_unknown, f.has("suspected_primary", "germ_cell"))),
    )
    extra_tests = collect(
        [
            ("m_protein_and_protein_spectrum", heme),
            *suspected,
            ("urgent_immunophenotyping_consult", heme),
        ],
        Branch("spine:dx-5, spine:bg-onbekende-origine"),
    )
    admission = first(
        [(primary_unknown, "neuro_oncology", Branch("spine:dx-2"))],
        "primary_treating_specialist",
        Branch("spine:dx-2"),
    )
    next_step = first(
        [
            (f.is_("mri_result", "pending"), "await_mri", Branch("spine:dx-2")),
            (
                on_mri_metastasis,
                first([(histology, "histology_then_treatment", Branch("spine:dx-5"))],
                      "treatment", Branch("spine:dx-7")),
                Branch("spine:dx-7"),
            ),
            # SPEC-GAP: other_cause has no next step of its own in spec §3.2; spine:dx-6 sends
            # every unexplained or otherwise explained picture to the differential of Tabel 2.
        ],
        "differential_diagnosis",
        Branch("spine:dx-6"),
    )
    differential = when(
        f.is_("mri_result", "no_explanation"),
        custom(_differential),
        Branch("spine:dx-6, spine:bg-tabel-2, spine:bg-tabel-3"),
    )
    return {
        "mri_within_hours": mri,
        "corticosteroids": steroids,
        "neurology_consult": sourced(f.flag("asymptomatic_compression_on_ct"), "spine:dx-2"),
        "labs": known(LABS, (), Branch("spine:dx-2")),
        "relation_doubt": relation_doubt,
        "histology_needed": sourced(histology, "spine:dx-5"),
        "tissue_within_hours": tissue,
        "ct_thorax_abdomen": sourced(histology, "spine:dx-4"),
        "extra_tests": extra_tests,
        "admission_service": admission,
        "next_step": next_step,
        "differential": differential,
        "instructions": known(INSTRUCTIONS, (), Branch("spine:dx-2, spine:dx-algemeen")),
    }


def _over_interval(years: float, values: Mapping[str, Any]) -> bool:
    """years_since_primary_diagnosis > 2 for lung_nsclc and lung_sclc, else > 5 (spine:dx-3). The
    primary only sets the limit: the outcome does not depend on it (an absent one: 5)."""
    return years > (2 if values["primary_tumor"] in LUNG_CANCERS else 5)


def _differential(values: Mapping[str, Any]) -> Outcome:
    dominant = values["dominant_symptom"]
    location = values["pain_location"]
    needs = tuple(n for n, v in (("dominant_symptom", dominant), ("pain_location", location))
                  if v is None)
    if needs:
        return Outcome(None, tuple(n for n in ("dominant_symptom", "pain_location")
                                   if n not in needs), needs)
    column = DIFFERENTIAL_PAIN if dominant == "pain" else DIFFERENTIAL_DEFICIT
    referred = (REFERRED_PAIN[location],) if location in REFERRED_PAIN else ()
    return known((*column, *referred), ("dominant_symptom", "pain_location"),
                 Branch("spine:bg-tabel-2, spine:bg-tabel-3"))


PATHWAY = Pathway("spine.diagnosis", "spine", SpineDiagnosisFindings, FIELDS, rules)
