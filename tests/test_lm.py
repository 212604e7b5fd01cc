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
    advice = run("calc.lm_category", kps=40, systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 3
    assert [i.id for i in advice.interpretations] == ["I-8"]


def test_adl_independence_stands_in_for_kps_70() -> None:
    assert lm_category(LmCategoryFindings(adl_independent=True, systemic_disease="not_threatening",
                                          **CAT1)) == 1
    # Not ADL-independent says nothing about the KPS: still open.
    assert lm_category(LmCategoryFindings(adl_independent=False,
                                          systemic_disease="not_threatening", **CAT1)) is None


def test_category_3_is_decided_without_the_other_findings() -> None:
    advice = run("lm.treatment", kps=30, systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 3


P = "lm.treatment"
GOOD = dict(kps=80, systemic_disease="not_threatening", **CAT1)


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
        (dict(GOOD, primary_tumor="kidney"), "radiotherapy"),
    ],
)
def test_primary_treatment(findings: dict, treatment: str) -> None:
    assert decisions(P, **findings)["primary_treatment"] == treatment


def test_i5_primary_without_section() -> None:
    advice = run(P, **GOOD, primary_tumor="other")
    assert advice.decisions["systemic_options"] == []
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
    assert sorted(decisions(P, **findings)["systemic_options"]) == sorted(options)


@pytest.mark.parametrize(
    ("findings", "rt"),
    [
        (dict(GOOD, primary_tumor="breast", lm_type="linear_diffuse", symptomatic_sites=False),
         ["wbrt"]),
        (dict(GOOD, primary_tumor="melanoma", lm_type="linear_diffuse", symptomatic_sites=False),
         []),
        (dict(GOOD, primary_tumor="lung_nsclc", lm_type="linear_diffuse",
              symptomatic_sites=False), []),
        (dict(GOOD, primary_tumor="lung_sclc", lm_type="bulky_nodular", symptomatic_sites=False),
         ["wbrt", "local"]),
        (dict(GOOD, primary_tumor="breast", lm_type="bulky_nodular", symptomatic_sites=False),
         ["local"]),
        # Category 2: asymptomatic bulky disease is not irradiated.
        (dict(kps=70, systemic_disease="threatening_treatable", primary_tumor="breast",
              lm_type="bulky_nodular", symptomatic_sites=False), []),
        (dict(kps=70, systemic_disease="threatening_treatable", primary_tumor="breast",
              lm_type="bulky_nodular", symptomatic_sites=True), ["local"]),
        (dict(kps=40, primary_tumor="breast", lm_type="linear_diffuse", symptomatic_sites=True),
         []),
    ],
)
def test_radiotherapy(findings: dict, rt: list[str]) -> None:
    assert sorted(decisions(P, **findings)["radiotherapy"]) == sorted(rt)


def test_constant_fields() -> None:
    d = decisions(P)
    assert d["intrathecal_chemotherapy"] is False
    assert d["mdo"] == "neuro_oncology_metastases"
    assert d["prognosis"]["untreated_median_weeks"] == [6, 8]
    assert decisions(P, raised_icp_symptoms=True)["csf_pressure_relief"] is True


D = "lm.diagnosis"


@pytest.mark.parametrize(
    ("symptoms", "explained", "suspected", "mri"),
    [
        (["headache"], False, True, "brain"),
        (["radicular_pain"], False, True, "spine"),
        (["confusion", "cauda_equina"], False, True, "brain_and_spine"),
        (["visual_complaints"], False, False, "brain"),
        (["ataxia"], True, False, "brain"),
        ([], False, False, None),
    ],
)
def test_suspicion_and_mri(symptoms: list[str], explained: bool, suspected: bool,
                           mri: str | None) -> None:
    d = decisions(D, symptoms=symptoms, explained_by_brain_metastases=explained)
    assert (d["lm_suspected"], d["lumbar_puncture"], d["mri"]) == (suspected, suspected, mri)


@pytest.mark.parametrize(
    ("findings", "diagnosis"),
    [
        (dict(cytology="malignant_cells"), "confirmed"),
        (dict(cytology="pending"), "pending"),
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=1), "repeat_lp"),
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=2), "not_confirmed"),
        (dict(cytology="negative", high_clinical_suspicion=False, lp_number=1), "not_confirmed"),
        (dict(cytology="negative", high_clinical_suspicion=True, lp_number=1,
              csf_other=["pleocytosis", "raised_protein", "low_glucose"]), "repeat_lp"),
    ],
)
def test_diagnosis(findings: dict, diagnosis: str) -> None:
    assert decisions(D, **findings)["diagnosis"] == diagnosis


@pytest.mark.parametrize(
    ("findings", "tests"),
    [
        (dict(primary_tumor="germ_cell"), ["afp_hcg"]),
        (dict(primary_tumor="unknown", germ_cell_suspected=True), ["afp_hcg"]),
        (dict(primary_tumor="lung_nsclc"), ["molecular"]),
        (dict(primary_tumor="breast", high_clinical_suspicion=True, cytology="negative"),
         ["ctc"]),
        (dict(primary_tumor="breast", high_clinical_suspicion=True, cytology="malignant_cells"),
         []),
    ],
)
def test_extra_csf_tests(findings: dict, tests: list[str]) -> None:
    assert decisions(D, **findings)["extra_csf_tests"] == tests


def test_opening_pressure() -> None:
    assert decisions(D, symptoms=["nausea_vomiting"])["opening_pressure"] is True
    assert decisions(D, symptoms=["ataxia"])["opening_pressure"] is False
