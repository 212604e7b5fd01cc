"""The findings vocabulary (spec §2): one pydantic model per pathway.

A finding that is absent (``None``) is unknown. Names and values are exactly those of the spec;
unknown fields and values outside a finding's domain are rejected.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

PrimaryTumor = Literal[
    "unknown", "lung_nsclc", "lung_sclc", "breast", "kidney", "prostate", "melanoma",
    "lymphoma", "myeloma", "germ_cell", "other",
]
# Lung cancer in the rules (spine:dx-3 interval, NESMS "primary is not lung cancer").
LUNG_CANCERS = ("lung_nsclc", "lung_sclc")
Kps = Annotated[StrictInt, Field(ge=0, le=100, multiple_of=10)]
T = TypeVar("T")
Flag = StrictBool | None
Albumin = Annotated[float, Field(ge=5, le=70, strict=True, allow_inf_nan=False)]


class Findings(BaseModel):
    """Base of every findings model: no unknown fields, immutable, absent = unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    def known(self) -> dict[str, object]:
        """The findings that are known (not ``None``)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _unique(values: list[T] | None) -> list[T] | None:
    return None if values is None else list(dict.fromkeys(values))


class SpineAlarmFindings(Findings):
    sudden_weakness: Flag = None
    sudden_control_problems: Flag = None
    sudden_unsteady_gait: Flag = None
    sudden_sensory_level: Flag = None
    sudden_cannot_walk: Flag = None
    increasing_weakness_or_numbness: Flag = None
    new_bladder_or_bowel_problems: Flag = None
    new_severe_back_or_neck_pain: Flag = None


UnilateralDeficit = Literal[
    "none", "progressive_onset_within_7_days", "progressive_onset_over_7_days", "stable",
]
PainLocation = Literal[
    "thoracolumbar_junction", "mid_lumbar", "sacral", "shoulders", "sacroiliac",
    "anterior_thigh_or_knee_on_loading", "other",
]


class SpineDiagnosisFindings(Findings):
    mesmc_deficit: Flag = None
    bilateral_radicular: Flag = None
    lhermitte: Flag = None
    unilateral_radicular_deficit: UnilateralDeficit | None = None
    unilateral_radicular_pain: Flag = None
    asymptomatic_compression_on_ct: Flag = None
    local_back_pain_with_alarm_features: Flag = None
    severe_deficit: Flag = None
    heme_malignancy_in_dd: Flag = None
    primary_tumor: PrimaryTumor | None = None
    suspected_primary: list[Literal["prostate", "germ_cell"]] | None = None
    mri_result: Literal["pending", "spinal_metastasis", "no_explanation", "other_cause"] | None = (
        None
    )
    mesmc_on_mri: Flag = None
    atypical_imaging: Flag = None
    progression_elsewhere: Flag = None
    years_since_primary_diagnosis: (
        Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)] | None
    ) = None
    dominant_symptom: Literal["pain", "deficit"] | None = None
    pain_location: PainLocation | None = None

    @model_validator(mode="after")
    def _dedupe_lists(self) -> SpineDiagnosisFindings:
        object.__setattr__(self, "suspected_primary", _unique(self.suspected_primary))
        return self


class SpineTreatmentFindings(Findings):
    mesmc: Literal["none", "asymptomatic", "radiological", "clinical"] | None = None
    pain: Flag = None
    radicular_syndrome: Flag = None
    severe_deficit: Flag = None
    heme_malignancy_in_dd: Flag = None
    instability_signs: Flag = None
    level: Literal["cervical", "thoracic", "lumbar", "sacral"] | None = None
    visceral_metastases: Flag = None
    primary_tumor: PrimaryTumor | None = None
    single_skeletal_metastasis: Flag = None
    ambulation: Literal["independent", "aid_or_wheelchair"] | None = None
    albumin_g_per_l: Albumin | None = None
    braf_v600e: Flag = None
    heme_grade_intermediate_or_high: Flag = None
    vital_chemo_indication: Flag = None
    fit_for_surgery: Flag = None
    surgery_technically_possible: Flag = None
    complete_transverse_lesion: (
        Literal["no", "under_24h", "over_24h_improving_on_steroids", "over_24h_not_improving"]
        | None
    ) = None
    progressive_deficit: Flag = None
    surgery_possible_within_24h: Flag = None
    recurrence_after_rt: Flag = None
    reirradiation_possible: Flag = None
    adequate_rt_possible: Flag = None
    kps: Kps | None = None
    life_expectancy_over_1_year: Flag = None
    limited_metastatic_disease: Flag = None
    oligometastatic: Flag = None
    extensive_osteolysis: Flag = None
    extensive_epidural_or_myelum_involvement: Flag = None
    systemic_option_available: Flag = None
    deficit_expected_soon: Flag = None
    responsive_systemic_therapy_ongoing: Flag = None
    rt_insufficient_pain_relief: Flag = None
    axial_pain: Flag = None
    epidural_extension_over_one_third: Flag = None
    diffuse_osteoblastic_metastases: Flag = None
    positive_bone_scan: Flag = None
    insensitive_to_chemo_or_hormonal: Flag = None
    transverse_lesion: Flag = None


LmSymptom = Literal[
    "headache", "nausea_vomiting", "confusion", "ataxia", "diplopia_or_cranial_nerve",
    "radicular_syndrome", "cauda_equina", "radicular_pain", "visual_complaints",
]


class LmDiagnosisFindings(Findings):
    symptoms: list[LmSymptom] | None = None
    primary_tumor: PrimaryTumor | None = None
    germ_cell_suspected: Flag = None
    mri_result: Literal["pending", "suggestive", "normal"] | None = None
    explained_by_brain_metastases: Flag = None
    mass_effect_or_obstructive_hydrocephalus: Flag = None
    lp_number: Literal[0, 1, 2, 3] | None = None
    cytology: Literal["pending", "malignant_cells", "negative"] | None = None
    csf_other: list[Literal["pleocytosis", "raised_protein", "low_glucose"]] | None = None
    high_clinical_suspicion: Flag = None

    @model_validator(mode="after")
    def _dedupe_lists(self) -> LmDiagnosisFindings:
        object.__setattr__(self, "symptoms", _unique(self.symptoms))
        object.__setattr__(self, "csf_other", _unique(self.csf_other))
        return self


class LmPerformanceFindings(Findings):
    """What the LM category reads (lm:bg Behandeling); shared by lm.treatment and its calculator."""

    kps: Kps | None = None
    adl_independent: Flag = None
    severe_encephalopathy_or_deficit: Flag = None
    systemic_disease: (
        Literal["not_threatening", "threatening_treatable", "progressive_untreatable"] | None
    ) = None
    therapy_resistance: Flag = None

    @model_validator(mode="after")
    def _adl_consistent_with_kps(self) -> LmPerformanceFindings:
        # lm:tx-1: patients fully independent in ADL have a KPS of 70 or more. A KPS below 70
        # together with ADL independence contradicts the guideline's own equivalence.
        if self.adl_independent is True and self.kps is not None and self.kps < 70:
            raise ValueError(
                f"kps {self.kps} contradicts adl_independent: true "
                "(lm:tx-1: ADL-independent means KPS >= 70); correct one of the two"
            )
        return self


class LmTreatmentFindings(LmPerformanceFindings):
    lm_type: Literal["linear_diffuse", "bulky_nodular"] | None = None
    lm_location: Literal["cerebral", "spinal", "both"] | None = None
    brain_metastases: Flag = None
    primary_tumor: PrimaryTumor | None = None
    her2_positive: Flag = None
    braf_mutation: Flag = None
    egfr_mutation: Flag = None
    alk_translocation: Flag = None
    kras_mutation: Flag = None
    pdl1_over_50: Flag = None
    symptomatic_sites: Flag = None
    raised_icp_symptoms: Flag = None
    mass_effect_or_obstructive_hydrocephalus: Flag = None


# Calculators (spec §4) as small pathways of their own.
class NesmsFindings(Findings):
    visceral_metastases: Flag = None
    primary_tumor: PrimaryTumor | None = None
    single_skeletal_metastasis: Flag = None
    ambulation: Literal["independent", "aid_or_wheelchair"] | None = None
    albumin_g_per_l: Albumin | None = None


class KpsFindings(Findings):
    # The calculator offers the descriptions 100..10 (lm Bijlage 1; 0 = dead is not offered).
    kps: Annotated[StrictInt, Field(ge=10, le=100, multiple_of=10)] | None = None


class LmCategoryFindings(LmPerformanceFindings):
    """The LM category calculator reads exactly the performance findings."""
