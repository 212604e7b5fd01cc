"""spine.diagnosis: every MRI window, steroid branch, relation doubt, tissue window, work-up."""

from __future__ import annotations

import pytest

from tests.logic_helpers import decisions, run

P = "spine.diagnosis"
NO_TRIGGERS = dict(mesmc_deficit=False, bilateral_radicular=False, lhermitte=False,
                   unilateral_radicular_deficit="none", unilateral_radicular_pain=False,
                   asymptomatic_compression_on_ct=False,
                   local_back_pain_with_alarm_features=False)


@pytest.mark.parametrize(
    ("trigger", "hours"),
    [
        (dict(mesmc_deficit=True), 12),
        (dict(bilateral_radicular=True), 12),
        (dict(lhermitte=True), 12),
        (dict(unilateral_radicular_deficit="progressive_onset_within_7_days"), 24),
        (dict(unilateral_radicular_deficit="progressive_onset_over_7_days"), 48),
        (dict(unilateral_radicular_pain=True), 168),
        (dict(asymptomatic_compression_on_ct=True), 168),
        (dict(unilateral_radicular_deficit="stable"), 168),
        (dict(local_back_pain_with_alarm_features=True), 336),
        ({}, None),
    ],
)
def test_mri_window_per_trigger(trigger: dict, hours: int | None) -> None:
    advice = run(P, **{**NO_TRIGGERS, **trigger})
    assert advice.decisions["mri_within_hours"] == hours
    assert "mri_within_hours" not in advice.missing_by_decision


def test_shortest_window_wins() -> None:
    both = {**NO_TRIGGERS, "local_back_pain_with_alarm_features": True,
            "unilateral_radicular_deficit": "progressive_onset_over_7_days"}
    assert decisions(P, **both)["mri_within_hours"] == 48


def test_one_twelve_hour_trigger_decides_with_everything_else_unknown() -> None:
    advice = run(P, lhermitte=True)
    assert advice.decisions["mri_within_hours"] == 12
    assert "mri_within_hours" not in advice.missing_by_decision


def test_longer_window_waits_for_the_more_urgent_triggers() -> None:
    advice = run(P, local_back_pain_with_alarm_features=True)
    assert advice.decisions["mri_within_hours"] is None
    needs = advice.missing_by_decision["mri_within_hours"]
    # Most urgent first: the 12-hour triggers lead.
    assert needs[:3] == ["mesmc_deficit", "bilateral_radicular", "lhermitte"]
    assert "local_back_pain_with_alarm_features" not in needs


def test_stable_deficit_window_rests_on_i1() -> None:
    advice = run(P, **{**NO_TRIGGERS, "unilateral_radicular_deficit": "stable"})
    assert [i.id for i in advice.interpretations] == ["I-1"]
    advice = run(P, **{**NO_TRIGGERS, "unilateral_radicular_pain": True})
    assert advice.interpretations == []


@pytest.mark.parametrize(
    ("severe", "heme", "expected"),
    [
        (True, False, "start_now"),
        (True, True, "withhold"),
        (False, True, "withhold"),
        (False, False, "not_yet"),
    ],
)
def test_corticosteroid_branches(severe: bool, heme: bool, expected: str) -> None:
    assert decisions(P, severe_deficit=severe, heme_malignancy_in_dd=heme)[
        "corticosteroids"] == expected


def test_lymphoma_in_dd_withholds_steroids_before_severity_is_known() -> None:
    assert decisions(P, heme_malignancy_in_dd=True)["corticosteroids"] == "withhold"


def test_steroids_stay_open_while_lymphoma_question_is_open() -> None:
    advice = run(P, severe_deficit=True)
    assert advice.decisions["corticosteroids"] is None
    assert advice.missing_by_decision["corticosteroids"] == ["heme_malignancy_in_dd"]


KNOWN_META = dict(primary_tumor="breast", mri_result="spinal_metastasis", atypical_imaging=False,
                  progression_elsewhere=True)


@pytest.mark.parametrize(
    ("primary", "years", "doubt"),
    [
        ("lung_nsclc", 2, False), ("lung_nsclc", 2.1, True),
        ("lung_sclc", 3, True),
        ("breast", 5, False), ("breast", 5.5, True),
        ("prostate", 4, False),
    ],
)
def test_relation_doubt_interval_per_tumour(primary: str, years: float, doubt: bool) -> None:
    d = decisions(P, **{**KNOWN_META, "primary_tumor": primary},
                  years_since_primary_diagnosis=years)
    assert d["relation_doubt"] is doubt
    assert d["histology_needed"] is doubt
    assert d["ct_thorax_abdomen"] is doubt


def test_relation_doubt_from_atypical_imaging_or_no_progression() -> None:
    assert decisions(P, **{**KNOWN_META, "atypical_imaging": True})["relation_doubt"] is True
    assert decisions(P, **{**KNOWN_META, "progression_elsewhere": False})[
        "relation_doubt"] is True


def test_relation_doubt_only_applies_to_known_primary_with_metastasis_on_mri() -> None:
    advice = run(P, primary_tumor="unknown", mri_result="spinal_metastasis")
    assert advice.decisions["relation_doubt"] is None
    assert "relation_doubt" not in advice.missing_by_decision
    advice = run(P, primary_tumor="breast", mri_result="pending")
    assert advice.decisions["relation_doubt"] is None
    assert "relation_doubt" not in advice.missing_by_decision


@pytest.mark.parametrize(
    ("findings", "hours"),
    [
        (dict(mesmc_deficit=True), 24),
        (dict(mesmc_deficit=False, mri_result="spinal_metastasis", mesmc_on_mri=True), 24),
        (dict(mesmc_deficit=False, mri_result="spinal_metastasis", mesmc_on_mri=False), 168),
    ],
)
def test_tissue_window_with_unknown_primary(findings: dict, hours: int) -> None:
    d = decisions(P, primary_tumor="unknown", **findings)
    assert d["histology_needed"] is True
    assert d["tissue_within_hours"] == hours


def test_no_tissue_window_without_histology() -> None:
    d = decisions(P, primary_tumor="breast", mri_result="pending", mesmc_deficit=True)
    assert d["histology_needed"] is False
    assert d["tissue_within_hours"] is None


def test_extra_tests() -> None:
    d = decisions(P, heme_malignancy_in_dd=True, primary_tumor="unknown",
                  suspected_primary=["prostate", "germ_cell"])
    assert sorted(d["extra_tests"]) == ["afp_hcg", "m_protein_and_protein_spectrum", "psa",
                                        "urgent_immunophenotyping_consult"]
    # suspected_primary is only read without a known primary.
    d = decisions(P, heme_malignancy_in_dd=False, primary_tumor="kidney",
                  suspected_primary=["prostate"])
    assert d["extra_tests"] == []


@pytest.mark.parametrize(
    ("primary", "service"),
    [("unknown", "neuro_oncology"), ("lung_nsclc", "primary_treating_specialist")],
)
def test_admission_service(primary: str, service: str) -> None:
    assert decisions(P, primary_tumor=primary)["admission_service"] == service


@pytest.mark.parametrize(
    ("findings", "step"),
    [
        (dict(mri_result="pending"), "await_mri"),
        (dict(mri_result="spinal_metastasis", primary_tumor="unknown"),
         "histology_then_treatment"),
        (dict(KNOWN_META, years_since_primary_diagnosis=1), "treatment"),
        (dict(mri_result="no_explanation"), "differential_diagnosis"),
        (dict(mri_result="other_cause"), "differential_diagnosis"),
    ],
)
def test_next_step(findings: dict, step: str) -> None:
    assert decisions(P, **findings)["next_step"] == step


def test_differential_from_tables_2_and_3() -> None:
    d = decisions(P, mri_result="no_explanation", dominant_symptom="pain",
                  pain_location="shoulders")
    assert "disc_herniation" in d["differential"]
    assert "referred_diaphragm_ingrowth" in d["differential"]
    assert "transverse_myelitis" not in d["differential"]
    d = decisions(P, mri_result="no_explanation", dominant_symptom="deficit",
                  pain_location="other")
    assert len(d["differential"]) == 12 and "multiple_sclerosis" in d["differential"]
    assert decisions(P, mri_result="pending")["differential"] is None


def test_always_fields() -> None:
    d = decisions(P)
    assert len(d["labs"]) == 22 and {"pt_inr", "blood_group_rhesus",
                                     "irregular_antibody_screen"} <= set(d["labs"])
    assert d["instructions"] == ["contact_on_worsening", "patient_leaflet"]


def test_neurology_consult_for_asymptomatic_compression_on_ct() -> None:
    assert decisions(P, asymptomatic_compression_on_ct=True)["neurology_consult"] is True
    assert decisions(P, asymptomatic_compression_on_ct=False)["neurology_consult"] is False
