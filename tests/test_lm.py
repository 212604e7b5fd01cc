"""LM diagnosis and treatment: category boundaries, I-5, I-8, options and radiotherapy."""

from __future__ import annotations

import pytest

from logic.findings import LmCategoryFindings
from logic.lm_category import lm_category
from tests.logic_helpers import decisions, run

CAT1 = dict(severe_encephalopathy_or_deficit=False, therapy_resistance=False)


@pytest.mark.parametrize(
    ("kps", "systemic", "category"),
    [
        (70, "not_threatening", 1),
        (60, "not_threatening", 2),
        (70, "threatening_treatable", 2),
        (60, "threatening_treatable", 2),
        (70, "progressive_untreatable", 2),
        (60, "progressive_untreatable", 3),
    ],
)
def test_category_boundaries(kps: int, systemic: str, category: int) -> None:
    assert lm_category(LmCategoryFindings(kps=kps, systemic_disease=systemic, **CAT1)) == category
    assert decisions("calc.lm_category", kps=kps, systemic_disease=systemic,
                     **CAT1)["lm_category"] == category


def test_category_1_needs_every_condition() -> None:
    base = dict(kps=80, systemic_disease="not_threatening", **CAT1)
    assert lm_category(LmCategoryFindings(**base)) == 1
    assert lm_category(LmCategoryFindings(**{**base, "therapy_resistance": True})) == 2
    assert lm_category(LmCategoryFindings(
        **{**base, "severe_encephalopathy_or_deficit": True})) == 2


def test_i8_both_conditions_for_category_3() -> None:
    advice = run("calc.lm_category", kps=40, systemic_disease="threatening_treatable", **CAT1)
    assert advice.decisions["lm_category"] == 2
    assert [i.id for i in advice.interpretations] == ["I-8"]
    # Both category-3 conditions hold: category 3 under any reading, so I-8 is not raised
    # (spec §4: "raised only when it changes the category"; found by a second reader).
    advice = run("calc.lm_category", kps=40, systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 3
    assert advice.interpretations == []


def test_adl_independence_stands_in_for_kps_70() -> None:
    assert lm_category(LmCategoryFindings(adl_independent=True, systemic_disease="not_threatening",
                                          **CAT1)) == 1
    # Not ADL-independent says nothing about the KPS: still open.
    assert lm_category(LmCategoryFindings(adl_independent=False,
                                          systemic_disease="not_threatening", **CAT1)) is None


def test_category_3_is_decided_without_the_other_findings() -> None:
    advice = run("lm.treatment", primary_tumor="breast", kps=30,
                 systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 3


P = "lm.treatment"
GOOD = dict(kps=80, systemic_disease="not_threatening", **CAT1)
CEREBRAL = dict(lm_location="cerebral", brain_metastases=False)


@pytest.mark.parametrize(
    ("findings", "treatment"),
    [
        (dict(kps=40, primary_tumor="lung_nsclc", egfr_mutation=True), "targeted_despite_low_kps"),
        (dict(kps=40, primary_tumor="lung_nsclc", alk_translocation=True),
         "targeted_despite_low_kps"),
        (dict(kps=40, primary_tumor="melanoma", braf_mutation=True), "targeted_despite_low_kps"),
        (dict(kps=40, primary_tumor="breast"), "best_supportive_care"),
        (dict(kps=40, primary_tumor="lung_nsclc", egfr_mutation=False, alk_translocation=False,
              kras_mutation=True), "best_supportive_care"),
        (dict(GOOD, primary_tumor="breast"), "systemic"),
        (dict(kps=70, systemic_disease="threatening_treatable", primary_tumor="lung_sclc"),
         "systemic"),
        # I-5 revised: a primary without a tumour section goes to the MDT.
        (dict(GOOD, primary_tumor="kidney"), "mdo_choice"),
        (dict(GOOD, primary_tumor="unknown"), "mdo_choice"),
    ],
)
def test_primary_treatment(findings: dict, treatment: str) -> None:
    assert decisions(P, **findings)["primary_treatment"] == treatment


def test_i5_primary_without_section() -> None:
    advice = run(P, **GOOD, primary_tumor="other")
    assert advice.decisions["systemic_options"] == ["mdo_bbb_penetrating"]
    assert "I-5" in [i.id for i in advice.interpretations]


@pytest.mark.parametrize(
    ("findings", "options"),
    [
        (dict(primary_tumor="breast", her2_positive=False), ["capecitabine"]),
        (dict(primary_tumor="breast", her2_positive=True), ["capecitabine", "her2_targeted"]),
        (dict(primary_tumor="melanoma", braf_mutation=True), ["braf_mek", "immunotherapy"]),
        (dict(primary_tumor="melanoma", braf_mutation=False), ["immunotherapy"]),
        (dict(primary_tumor="lung_nsclc", egfr_mutation=True, alk_translocation=False),
         ["osimertinib"]),
        (dict(primary_tumor="lung_nsclc", egfr_mutation=False, alk_translocation=True),
         ["alk_inhibitor"]),
        (dict(primary_tumor="lung_nsclc", egfr_mutation=False, alk_translocation=False,
              pdl1_over_50=True), ["immunotherapy_mono"]),
        (dict(primary_tumor="lung_nsclc", egfr_mutation=False, alk_translocation=False,
              kras_mutation=True, pdl1_over_50=False), ["chemo_immunotherapy"]),
        (dict(primary_tumor="lung_sclc"), ["chemotherapy"]),
    ],
)
def test_systemic_options(findings: dict, options: list[str]) -> None:
    assert sorted(decisions(P, **GOOD, **findings)["systemic_options"]) == sorted(options)


def test_systemic_options_follow_the_treatment_chosen() -> None:
    """v1 listed capecitabine next to best supportive care (C4)."""
    low = run(P, kps=40, primary_tumor="breast", her2_positive=True)
    assert low.decisions["primary_treatment"] == "best_supportive_care"
    assert low.decisions["systemic_options"] == []
    targeted = run(P, kps=40, primary_tumor="lung_nsclc", egfr_mutation=True,
                   alk_translocation=False)
    assert targeted.decisions["systemic_options"] == ["osimertinib"]
    assert targeted.decisions["targeted_option"] is True
    # targeted_option applies only with category 3 or KPS < 70.
    assert "targeted_option" in run(P, **GOOD, primary_tumor="breast").not_applicable


@pytest.mark.parametrize(
    ("findings", "rt"),
    [
        (dict(GOOD, **CEREBRAL, primary_tumor="breast", lm_type="linear_diffuse",
              symptomatic_sites=False), ["wbrt"]),
        # I-13: never WBRT for spinal-only LM (v1 advised it).
        (dict(GOOD, lm_location="spinal", brain_metastases=False, primary_tumor="breast",
              lm_type="linear_diffuse", symptomatic_sites=False), []),
        # I-14: melanoma without BRAF, cerebral: WBRT as a bridge for the MDT, not plain WBRT.
        (dict(GOOD, **CEREBRAL, primary_tumor="melanoma", braf_mutation=False,
              lm_type="linear_diffuse", symptomatic_sites=False), ["wbrt_bridge"]),
        (dict(GOOD, **CEREBRAL, primary_tumor="melanoma", braf_mutation=True,
              lm_type="linear_diffuse", symptomatic_sites=False), []),
        (dict(GOOD, **CEREBRAL, primary_tumor="lung_nsclc", lm_type="linear_diffuse",
              symptomatic_sites=False), []),
        (dict(GOOD, lm_location="spinal", brain_metastases=True, primary_tumor="lung_sclc",
              lm_type="bulky_nodular", symptomatic_sites=False), ["wbrt", "local"]),
        (dict(GOOD, **CEREBRAL, primary_tumor="breast", lm_type="bulky_nodular",
              symptomatic_sites=False), ["local"]),
        # Category 2: asymptomatic bulky disease is not irradiated.
        (dict(kps=70, systemic_disease="threatening_treatable", primary_tumor="breast",
              lm_type="bulky_nodular", symptomatic_sites=False, **CEREBRAL), []),
        (dict(kps=70, systemic_disease="threatening_treatable", primary_tumor="breast",
              lm_type="bulky_nodular", symptomatic_sites=True, **CEREBRAL), ["local"]),
        (dict(kps=40, primary_tumor="breast", lm_type="linear_diffuse", symptomatic_sites=True),
         []),
    ],
)
def test_radiotherapy(findings: dict, rt: list[str]) -> None:
    assert sorted(decisions(P, **findings)["radiotherapy"]) == sorted(rt)


def test_constant_fields() -> None:
    d = decisions(P, primary_tumor="breast")
    assert d["intrathecal_chemotherapy"] is False
    assert d["mdo"] == "neuro_oncology_metastases"
    assert d["prognosis"]["untreated_median_weeks"] == [6, 8]
    assert d["follow_up"] == ["follow_clinically", "mri_only_for_visible_lm_or_new_symptoms",
                              "no_routine_csf"]


@pytest.mark.parametrize(
    ("findings", "relief"),
    [
        (dict(raised_icp_symptoms=False), "not_needed"),
        (dict(raised_icp_symptoms=True, mass_effect_or_obstructive_hydrocephalus=False),
         "repeated_lp"),
        (dict(raised_icp_symptoms=True, mass_effect_or_obstructive_hydrocephalus=True),
         "neurosurgery_first"),
    ],
)
def test_csf_pressure_relief(findings: dict, relief: str) -> None:
    assert decisions(P, primary_tumor="breast", **findings)["csf_pressure_relief"] == relief


@pytest.mark.parametrize("pathway", ["lm.diagnosis", "lm.treatment"])
@pytest.mark.parametrize("primary", ["lymphoma", "myeloma"])
def test_haematological_primaries_are_out_of_scope(pathway: str, primary: str) -> None:
    advice = run(pathway, primary_tumor=primary)
    assert advice.decisions["scope"] == "out_of_scope_haematological"
    assert set(advice.not_applicable) == set(advice.decisions) - {"scope"}
    assert advice.missing == []


D = "lm.diagnosis"
IMAGED = dict(primary_tumor="breast", mri_result="suggestive", explained_by_brain_metastases=False,
              mass_effect_or_obstructive_hydrocephalus=False)


@pytest.mark.parametrize(
    ("symptoms", "suspected", "mri"),
    [
        (["headache"], True, "brain"),
        (["radicular_pain"], True, "spine"),
        (["confusion", "cauda_equina"], True, "brain_and_spine"),
        (["visual_complaints"], False, None),
        ([], False, None),
    ],
)
def test_suspicion_and_mri(symptoms: list[str], suspected: bool, mri: str | None) -> None:
    advice = run(D, symptoms=symptoms, primary_tumor="breast")
    assert (advice.decisions["lm_suspected"], advice.decisions["mri"]) == (suspected, mri)
    if not suspected:  # "the advice says so and ends": no MRI, no LP, no CSF questions
        assert {"mri", "lumbar_puncture", "diagnosis", "next_step"} <= set(advice.not_applicable)
        assert advice.missing == []


@pytest.mark.parametrize(
    ("findings", "lp", "next_step"),
    [
        (dict(mri_result="pending"), "after_mri", "mri_first"),
        (dict(mri_result="normal", explained_by_brain_metastases=True), "not_indicated", "no_lp"),
        (dict(mri_result="suggestive", explained_by_brain_metastases=False,
              mass_effect_or_obstructive_hydrocephalus=True), "neurosurgery_first",
         "neurosurgery_first"),
        (dict(IMAGED, lp_number=0), "indicated", "lumbar_puncture"),
    ],
)
def test_mri_first_then_the_lumbar_puncture(findings: dict, lp: str, next_step: str) -> None:
    advice = run(D, **{"symptoms": ["headache"], "primary_tumor": "breast", **findings})
    assert advice.decisions["lumbar_puncture"] == lp
    assert advice.decisions["next_step"] == next_step


def test_no_lp_means_no_csf_fields_and_no_csf_questions() -> None:
    """v1 said "no lumbar puncture", then "measure the opening pressure" and asked the cytology
    (C3)."""
    advice = run(D, symptoms=["headache"], primary_tumor="breast", mri_result="normal",
                 explained_by_brain_metastases=True)
    assert {"opening_pressure", "extra_csf_tests", "diagnosis"} <= set(advice.not_applicable)
    assert not {"lp_number", "cytology", "high_clinical_suspicion"} & set(advice.missing)
    given = run(D, symptoms=["headache"], primary_tumor="breast", mri_result="normal",
                explained_by_brain_metastases=True, cytology="negative", lp_number=1)
    assert set(given.ignored) == {"cytology", "lp_number"}


@pytest.mark.parametrize(
    ("findings", "diagnosis"),
    [
        (dict(lp_number=0), "pending"),
        (dict(lp_number=1, cytology="malignant_cells"), "confirmed"),
        (dict(lp_number=1, cytology="pending"), "pending"),
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=1), "repeat_lp"),
        # I-16: negative cytology with a suggestive MRI is probable LM.
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=2), "probable"),
        (dict(cytology="negative", high_clinical_suspicion=False, lp_number=1), "probable"),
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=1,
              csf_other=["pleocytosis", "raised_protein", "low_glucose"]), "repeat_lp"),
    ],
)
def test_diagnosis(findings: dict, diagnosis: str) -> None:
    assert decisions(D, symptoms=["headache"], **IMAGED, **findings)["diagnosis"] == diagnosis


def test_negative_cytology_with_a_normal_mri_is_not_confirmed() -> None:
    advice = run(D, symptoms=["headache"], **{**IMAGED, "mri_result": "normal"}, lp_number=2,
                 cytology="negative", high_clinical_suspicion=True)
    assert advice.decisions["diagnosis"] == "not_confirmed"
    assert advice.decisions["next_step"] == "follow_clinically"


@pytest.mark.parametrize(
    ("findings", "tests"),
    [
        (dict(primary_tumor="germ_cell", lp_number=0), ["afp_hcg"]),
        (dict(primary_tumor="unknown", germ_cell_suspected=True, lp_number=0), ["afp_hcg"]),
        (dict(primary_tumor="lung_nsclc", germ_cell_suspected=False, lp_number=0),
         ["molecular"]),
        (dict(primary_tumor="breast", germ_cell_suspected=False, lp_number=1,
              high_clinical_suspicion=True, cytology="negative"), ["ctc"]),
        (dict(primary_tumor="breast", germ_cell_suspected=False, lp_number=1,
              cytology="malignant_cells"), []),
    ],
)
def test_extra_csf_tests(findings: dict, tests: list[str]) -> None:
    base = {k: v for k, v in IMAGED.items() if k != "primary_tumor"}
    assert decisions(D, symptoms=["headache"], **base, **findings)["extra_csf_tests"] == tests


def test_opening_pressure() -> None:
    assert decisions(D, symptoms=["nausea_vomiting"], **IMAGED)["opening_pressure"] is True
    assert decisions(D, symptoms=["ataxia"], **IMAGED)["opening_pressure"] is False
