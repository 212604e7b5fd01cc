"""The flows: for every pathway, the questions that can be asked, and the start menu.

The order in which questions are asked is not written here: the next question is always the
one that sets the first finding the logic still needs (``advice.missing``, most urgent first).
A question is listed here once; it is asked only while its answer can still change a decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from logic.findings import (
    KpsFindings,
    LmCategoryFindings,
    LmDiagnosisFindings,
    LmTreatmentFindings,
    NesmsFindings,
    SpineAlarmFindings,
    SpineDiagnosisFindings,
    SpineTreatmentFindings,
)
from logic.kps import KPS_TABLE

from .i18n import N_
from .questions import Question, QuestionBuilder, option_key

UNIT_YEARS = N_("unit.years")
UNIT_ALBUMIN = N_("unit.g_per_l")
UNIT_KPS = N_("unit.kps")
KPS_PRESETS = tuple((value, option_key("kps", value)) for value, _ in KPS_TABLE)
# Where a rule reads only a threshold, its two sides as buttons next to typing (spec §6). SPEC: the
# value stored is one on that side, and the answer reads back as the button's words.
KPS_THRESHOLD = ((70, N_("opt.kps.at_least_70")), (60, N_("opt.kps.below_70")))
ALBUMIN_PRESETS = ((35, N_("opt.albumin.at_least_35")), (34, N_("opt.albumin.below_35")))


@dataclass(frozen=True)
class Flow:
    pathway: str
    title: str  # message key
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def question_for(self, finding: str) -> Question | None:
        for q in self.questions:
            if finding in q.sets:
                return q
        return None


def _spine_alarm() -> Flow:
    b = QuestionBuilder("spine.alarm", SpineAlarmFindings)
    return Flow("spine.alarm", N_("menu.spine_alarm"), (
        b.flags("sudden", "sudden_weakness", "sudden_control_problems", "sudden_unsteady_gait",
                "sudden_sensory_level", "sudden_cannot_walk"),
        # I-9: deficits that came on over days, and bladder/bowel or saddle symptoms.
        b.flags("gradual", "increasing_weakness_or_numbness", "new_bladder_or_bowel_problems"),
        b.yes_no("new_severe_back_or_neck_pain"),
    ))


def _spine_diagnosis() -> Flow:
    b = QuestionBuilder("spine.diagnosis", SpineDiagnosisFindings)
    return Flow("spine.diagnosis", N_("menu.spine_diagnosis"), (
        # Urgency first (spec §6): the 12-hour triggers together, in one answer; then symptoms
        # and signs, the known primary, the differential, imaging, details.
        b.flags("triggers_12h", "mesmc_deficit", "bilateral_radicular", "lhermitte"),
        b.choice("unilateral_radicular_deficit"),
        b.yes_no("unilateral_radicular_pain"),
        b.yes_no("asymptomatic_compression_on_ct"),
        b.yes_no("local_back_pain_with_alarm_features"),
        b.yes_no("severe_deficit"),
        b.choice("primary_tumor"),
        b.multi("suspected_primary"),
        b.yes_no("heme_malignancy_in_dd"),
        b.choice("mri_result"),
        b.yes_no("mesmc_on_mri"),
        b.yes_no("atypical_imaging"),
        b.yes_no("progression_elsewhere"),
        b.number("years_since_primary_diagnosis", UNIT_YEARS, high=100),
        b.choice("dominant_symptom"),
        b.choice("pain_location"),
    ))


def _spine_treatment() -> Flow:
    b = QuestionBuilder("spine.treatment", SpineTreatmentFindings)
    # Related yes/no findings of one topic are one checklist (spec §6); a checklist offers only
    # its items still needed (dialogs.progress.narrowed).
    return Flow("spine.treatment", N_("menu.spine_treatment"), (
        b.choice("mesmc"),
        b.flags("signs", "pain", "radicular_syndrome", "instability_signs", "severe_deficit",
                "transverse_lesion"),
        b.choice("complete_transverse_lesion"),
        b.choice("primary_tumor"),
        b.yes_no("heme_malignancy_in_dd"),
        b.yes_no("heme_grade_intermediate_or_high"),
        b.yes_no("braf_v600e"),
        b.flags("asymptomatic", "deficit_expected_soon", "responsive_systemic_therapy_ongoing"),
        b.flags("nesms_items", "visceral_metastases", "single_skeletal_metastasis"),
        b.choice("ambulation"),
        b.number("albumin_g_per_l", UNIT_ALBUMIN, presets=ALBUMIN_PRESETS),
        b.yes_no("vital_chemo_indication"),
        b.flags("surgery", "fit_for_surgery", "surgery_technically_possible",
                "surgery_possible_within_24h"),
        b.flags("rt_history", "recurrence_after_rt", "reirradiation_possible"),
        b.yes_no("adequate_rt_possible"),
        b.yes_no("systemic_option_available"),
        b.flags("rt_schedule", "life_expectancy_over_1_year", "limited_metastatic_disease",
                "oligometastatic", "extensive_epidural_or_myelum_involvement"),
        b.number("kps", UNIT_KPS, presets=KPS_THRESHOLD),
        b.flags("vertebroplasty", "rt_insufficient_pain_relief", "axial_pain",
                "epidural_extension_over_one_third"),
        b.flags("radionuclides", "diffuse_osteoblastic_metastases", "positive_bone_scan",
                "insensitive_to_chemo_or_hormonal"),
    ))


def _lm_diagnosis() -> Flow:
    b = QuestionBuilder("lm.diagnosis", LmDiagnosisFindings)
    return Flow("lm.diagnosis", N_("menu.lm_diagnosis"), (
        b.multi("symptoms"),
        b.choice("primary_tumor"),
        b.choice("mri_result"),
        b.yes_no("explained_by_brain_metastases"),
        b.yes_no("mass_effect_or_obstructive_hydrocephalus"),
        b.choice("lp_number"),
        b.choice("cytology"),
        b.yes_no("high_clinical_suspicion"),
        b.yes_no("germ_cell_suspected"),
    ))


def _lm_performance(b: QuestionBuilder) -> tuple[Question, ...]:
    return (
        b.number("kps", UNIT_KPS, presets=KPS_THRESHOLD),
        b.yes_no("adl_independent"),
        b.yes_no("severe_encephalopathy_or_deficit"),
        b.choice("systemic_disease"),
        b.yes_no("therapy_resistance"),
    )


def _lm_treatment() -> Flow:
    b = QuestionBuilder("lm.treatment", LmTreatmentFindings)
    return Flow("lm.treatment", N_("menu.lm_treatment"), (
        b.choice("primary_tumor"),
        *_lm_performance(b),
        b.choice("lm_type"),
        b.choice("lm_location"),
        b.yes_no("brain_metastases"),
        b.yes_no("her2_positive"),
        b.yes_no("braf_mutation"),
        b.yes_no("egfr_mutation"),
        b.yes_no("alk_translocation"),
        b.yes_no("pdl1_over_50"),
        b.yes_no("symptomatic_sites"),
        b.yes_no("raised_icp_symptoms"),
        b.yes_no("mass_effect_or_obstructive_hydrocephalus"),
    ))


def _calc_nesms() -> Flow:
    b = QuestionBuilder("calc.nesms", NesmsFindings)
    return Flow("calc.nesms", N_("menu.calc_nesms"), (
        b.yes_no("visceral_metastases"),
        b.choice("primary_tumor"),
        b.yes_no("single_skeletal_metastasis"),
        b.choice("ambulation"),
        b.number("albumin_g_per_l", UNIT_ALBUMIN),
    ))


def _calc_kps() -> Flow:
    b = QuestionBuilder("calc.kps", KpsFindings)
    return Flow("calc.kps", N_("menu.calc_kps"), (
        b.number("kps", UNIT_KPS, presets=KPS_PRESETS),
    ))


def _calc_lm_category() -> Flow:
    b = QuestionBuilder("calc.lm_category", LmCategoryFindings)
    return Flow("calc.lm_category", N_("menu.calc_lm_category"), _lm_performance(b))


FLOWS: dict[str, Flow] = {
    f.pathway: f
    for f in (
        _spine_alarm(), _spine_diagnosis(), _spine_treatment(), _lm_diagnosis(), _lm_treatment(),
        _calc_nesms(), _calc_kps(), _calc_lm_category(),
    )
}
# The start menu, in this order (issue: alarm check first, calculators last).
MENU: tuple[str, ...] = tuple(FLOWS)
