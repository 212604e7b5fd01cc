"""spine.diagnosis: suspected spinal metastasis or MESCC — which scan how fast, steroids, work-up.

Spec §3.2; sources spine:dx-1..7 and the background sections named per rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from .facts import Facts
from .findings import LUNG_CANCERS, PrimaryTumor, SpineDiagnosisFindings
from .outcome import TRUE, Branch, known
from .pathway import Pathway
from .rules import (
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
# spine:dx-2 (always) and the instructions that depend on the case.
INSTRUCTIONS = ("contact_on_worsening", "patient_leaflet")
LHERMITTE_DD = "lhermitte_after_rt_or_cisplatin"  # spine:bg-klinische-presentatie
DX2 = Branch("spine:dx-2")
UNKNOWN_ORIGIN = "spine:bg-onbekende-origine"
HEME = ("lymphoma", "myeloma")
KNOWN_PRIMARIES = tuple(p for p in get_args(PrimaryTumor) if p != "unknown")

# MRI windows of spine:dx-2, most urgent first: (hours, triggering conditions).
TWELVE_HOUR_TRIGGERS = ("mesmc_deficit", "bilateral_radicular", "lhermitte")


def rules(f: Facts) -> Rules:
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

    primary_unknown = f.is_("primary_tumor", "unknown")
    known_primary = f.is_("primary_tumor", *KNOWN_PRIMARIES)
    # heme_malignancy_in_dd applies unless the primary is itself haematological. SPEC: so with a
    # lymphoma or myeloma primary a severe deficit gives start_now, as written (clinician's look).
    heme = all_(not_(f.is_("primary_tumor", *HEME)), f.flag("heme_malignancy_in_dd"))
    deficit_possible = any_(f.flag("mesmc_deficit"), f.flag("bilateral_radicular"),
                            not_(f.is_("unilateral_radicular_deficit", "none")))
    severe = all_(deficit_possible, f.flag("severe_deficit"))
    lesion_possible = f.is_("mri_result", "pending", "spinal_metastasis")
    on_mri_metastasis = f.is_("mri_result", "spinal_metastasis")
    steroids = first(
        [
            (primary_unknown, "withhold", Branch(f"spine:dx-5, spine:tx-1, {UNKNOWN_ORIGIN}")),
            (heme, "withhold", Branch(f"spine:dx-5, spine:tx-1, {UNKNOWN_ORIGIN}", ("I-15",))),
            (severe, "start_now", Branch("spine:dx-1, spine:tx-1")),
        ],
        "not_yet",
        Branch("spine:dx-1"),
    )

    doubt_applies = all_(known_primary, on_mri_metastasis)
    doubt = any_(
        f.flag("atypical_imaging"),
        not_(f.flag("progression_elsewhere")),
        f.test("years_since_primary_diagnosis", _over_interval),
    )
    histology = first(
        [
            (primary_unknown, True, Branch(f"spine:dx-5, {UNKNOWN_ORIGIN}")),
            (all_(doubt_applies, doubt), True, Branch("spine:dx-3, spine:dx-5")),
            (heme, True, Branch(f"spine:dx-5, {UNKNOWN_ORIGIN}", ("I-15",))),
        ],
        False,
        Branch("spine:dx-5"),
    )
    histology_needed = all_(lesion_possible, equals(histology, True))
    # Clinical or radiological MESCC (with the MRI pending, MESCC on it is still possible).
    mesmc = any_(f.flag("mesmc_deficit"), f.flag("asymptomatic_compression_on_ct"),
                 f.flag("mesmc_on_mri"))
    tissue = first([(mesmc, 24, Branch(UNKNOWN_ORIGIN))], 168, Branch(UNKNOWN_ORIGIN))
    ct = first(
        [
            (histology_needed, "urgent", Branch(f"spine:dx-4, {UNKNOWN_ORIGIN}")),
            (on_mri_metastasis, "if_not_recent", Branch("spine:dx-4", ("I-10",))),
        ],
        "not_needed",
        Branch("spine:dx-4"),
    )
    suspected = all_(primary_unknown, f.has("suspected_primary", "prostate"))
    extra_tests = collect(
        [
            ("m_protein_and_protein_spectrum", heme),
            ("psa", suspected),
            ("afp_hcg", all_(primary_unknown, f.has("suspected_primary", "germ_cell"))),
            ("urgent_immunophenotyping_consult", heme),
        ],
        Branch(f"spine:dx-5, {UNKNOWN_ORIGIN}"),
    )
    admission = first(
        [(primary_unknown, "neuro_oncology", DX2)],
        "primary_treating_specialist",
        DX2,
    )
    next_step = first(
        [
            (f.is_("mri_result", "pending"), "await_mri", DX2),
            (
                on_mri_metastasis,
                first([(histology_needed, "histology_then_treatment",
                        Branch(f"spine:dx-5, {UNKNOWN_ORIGIN}"))],
                      "treatment", Branch("spine:dx-7, spine:tx-general")),
                Branch("spine:dx-7"),
            ),
        ],
        "differential_diagnosis",
        Branch("spine:dx-6"),
    )
    unexplained = f.is_("mri_result", "no_explanation")
    pain, deficit = f.is_("dominant_symptom", "pain"), f.is_("dominant_symptom", "deficit")
    differential = collect(
        [
            *((code, pain) for code in DIFFERENTIAL_PAIN),
            *((code, deficit) for code in DIFFERENTIAL_DEFICIT),
            *((code, all_(unexplained, f.is_("pain_location", location)))
              for location, code in REFERRED_PAIN.items()),
            (LHERMITTE_DD, f.flag("lhermitte")),
        ],
        Branch("spine:dx-6, spine:bg-tabel-2, spine:bg-tabel-3, spine:bg-klinische-presentatie"),
    )
    # SPEC: "with an MRI window" needs the window decided: while it is only provisional the list
    # stays undecided (deciding it earlier could let a later answer change it, C9).
    instructions = collect(
        [
            *((code, TRUE) for code in INSTRUCTIONS),
            ("ct_if_mri_impossible", all_(f.is_("mri_result", "pending"),
                                          map_value(mri, _a_window, "{} is a window"))),
            ("decompression_if_progressive", f.flag("mesmc_deficit")),
        ],
        Branch("spine:dx-2, spine:dx-algemeen, spine:dx-5, spine:bg-beeldvormend-onderzoek"),
    )
    findings = {
        "asymptomatic_compression_on_ct": not_(f.flag("mesmc_deficit")),
        "severe_deficit": deficit_possible,
        "heme_malignancy_in_dd": not_(f.is_("primary_tumor", *HEME)),
        "suspected_primary": primary_unknown,
        "mesmc_on_mri": on_mri_metastasis,
        "atypical_imaging": doubt_applies,
        "progression_elsewhere": doubt_applies,
        "years_since_primary_diagnosis": doubt_applies,
        "dominant_symptom": f.is_("mri_result", "no_explanation", "other_cause"),
        "pain_location": unexplained,
    }
    return Rules(
        {
            "mri_within_hours": mri,
            "corticosteroids": decision(steroids, lesion_possible),
            "neurology_consult": decision(
                sourced(f.flag("asymptomatic_compression_on_ct"), "spine:dx-2"),
                not_(f.flag("mesmc_deficit"))),
            "labs": known(LABS, (), DX2),
            "relation_doubt": decision(sourced(doubt, "spine:dx-3"), doubt_applies),
            "histology_needed": decision(histology, lesion_possible),
            "tissue_within_hours": decision(tissue, histology_needed),
            "ct_thorax_abdomen": decision(
                ct, any_(not_(f.is_("mri_result", "pending")), histology_needed)),
            "extra_tests": extra_tests,
            "admission_service": admission,
            "next_step": next_step,
            "differential": decision(differential,
                                     f.is_("mri_result", "no_explanation", "other_cause")),
            "instructions": instructions,
        },
        findings,
        {"known primary": known_primary, "haematological malignancy in the differential": heme,
         "a deficit is possible": deficit_possible, "severe deficit": severe,
         "a spinal lesion is (possibly) there": lesion_possible, "histology is needed":
         histology_needed, "clinical or radiological MESCC": mesmc,
         "doubt about the relation": doubt},
    )


def _a_window(hours: object) -> bool:
    return hours is not None


def _over_interval(years: float, values: Mapping[str, Any]) -> bool:
    """more than 2 years for lung cancer (NSCLC, SCLC), more than 5 for other tumours"""
    return years > (2 if values["primary_tumor"] in LUNG_CANCERS else 5)


PATHWAY = Pathway("spine.diagnosis", "spine", SpineDiagnosisFindings, rules)
