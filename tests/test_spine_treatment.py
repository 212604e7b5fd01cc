"""spine.treatment: start windows, dexamethasone, RT schedules, surgery, order, I-2..I-4."""

from __future__ import annotations

import pytest

from tests.logic_helpers import decisions, run

P = "spine.treatment"
# NESMS 3: breast, no visceral, single, independent, albumin 40.
GOOD_NESMS = dict(visceral_metastases=False, primary_tumor="breast",
                  single_skeletal_metastasis=True, ambulation="independent", albumin_g_per_l=40)
# NESMS 0: lung, visceral, multiple, aid, albumin 30.
POOR_NESMS = dict(visceral_metastases=True, primary_tumor="lung_nsclc",
                  single_skeletal_metastasis=False, ambulation="aid_or_wheelchair",
                  albumin_g_per_l=30)


@pytest.mark.parametrize(
    ("findings", "hours", "mdo"),
    [
        (dict(mesmc="clinical"), 24, "urgent_ad_hoc"),
        (dict(mesmc="radiological"), 72, "urgent_ad_hoc"),
        (dict(mesmc="none", pain=True), 336, "weekly"),
        (dict(mesmc="none", pain=False, radicular_syndrome=True), 336, "weekly"),
        (dict(mesmc="none", pain=False, radicular_syndrome=False), None, "weekly"),
        (dict(mesmc="asymptomatic"), None, "weekly"),
    ],
)
def test_start_window_and_mdo(findings: dict, hours: int | None, mdo: str) -> None:
    advice = run(P, **findings)
    assert advice.decisions["start_treatment_within_hours"] == hours
    assert advice.decisions["mdo"] == mdo
    assert "start_treatment_within_hours" not in advice.missing_by_decision


def test_asymptomatic_mesmc_window_rests_on_i2() -> None:
    advice = run(P, mesmc="asymptomatic")
    assert "I-2" in [i.id for i in advice.interpretations]


def test_mdo_weekly_is_decided_before_pain_is_known() -> None:
    advice = run(P, mesmc="none")
    assert advice.decisions["start_treatment_within_hours"] is None
    assert advice.decisions["mdo"] == "weekly"


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (dict(heme_malignancy_in_dd=True, severe_deficit=True), "postpone"),
        (dict(heme_malignancy_in_dd=False, severe_deficit=True), "start"),
        (dict(heme_malignancy_in_dd=False, severe_deficit=False, radicular_syndrome=True,
              mesmc="none"), "optional"),
        (dict(heme_malignancy_in_dd=False, severe_deficit=False, radicular_syndrome=False,
              mesmc="radiological"), "optional"),
        (dict(heme_malignancy_in_dd=False, severe_deficit=False, radicular_syndrome=False,
              mesmc="asymptomatic"), "optional"),
        (dict(heme_malignancy_in_dd=False, severe_deficit=False, radicular_syndrome=False,
              mesmc="none"), "not_indicated"),
    ],
)
def test_dexamethasone_branches(findings: dict, expected: str) -> None:
    assert decisions(P, **findings)["dexamethasone"] == expected


RT_BASE = dict(GOOD_NESMS, fit_for_surgery=False, adequate_rt_possible=True,
               vital_chemo_indication=False, instability_signs=False)
GOOD_CONDITION = dict(kps=70, life_expectancy_over_1_year=True, limited_metastatic_disease=True)


@pytest.mark.parametrize(
    ("findings", "schedule"),
    [
        # Without deficit.
        (dict(mesmc="none", pain=True, oligometastatic=True,
              extensive_epidural_or_myelum_involvement=False), "sbrt"),
        (dict(mesmc="radiological", oligometastatic=True,
              extensive_epidural_or_myelum_involvement=False, **GOOD_CONDITION), "10x3Gy"),
        (dict(mesmc="none", pain=True, oligometastatic=True,
              extensive_epidural_or_myelum_involvement=True, **GOOD_CONDITION), "10x3Gy"),
        (dict(mesmc="none", pain=True, oligometastatic=False, **GOOD_CONDITION), "10x3Gy"),
        (dict(mesmc="none", pain=True, oligometastatic=False,
              **{**GOOD_CONDITION, "kps": 60}), "1x8Gy"),
        (dict(mesmc="none", pain=True, oligometastatic=False,
              **{**GOOD_CONDITION, "life_expectancy_over_1_year": False}), "1x8Gy"),
        (dict(mesmc="none", pain=True, oligometastatic=False,
              **{**GOOD_CONDITION, "limited_metastatic_disease": False}), "1x8Gy"),
        # With deficit (clinical MESMC, surgery not possible): SBRT is never chosen.
        (dict(mesmc="clinical", oligometastatic=True,
              extensive_epidural_or_myelum_involvement=False, **GOOD_CONDITION), "10x3Gy"),
        (dict(mesmc="clinical", **{**GOOD_CONDITION, "kps": 60}), "1x8Gy"),
    ],
)
def test_rt_schedule_branches(findings: dict, schedule: str) -> None:
    d = decisions(P, **{**RT_BASE, **findings})
    assert d["primary_treatment"] == "radiotherapy"
    assert d["rt_schedule"] == schedule


def test_no_rt_schedule_when_not_radiotherapy() -> None:
    d = decisions(P, **{**RT_BASE, "primary_tumor": "myeloma", "mesmc": "clinical"})
    assert d["primary_treatment"] == "systemic"
    assert d["rt_schedule"] is None


SURGERY = dict(GOOD_NESMS, fit_for_surgery=True, surgery_technically_possible=True,
               complete_transverse_lesion="no", progressive_deficit=False)


@pytest.mark.parametrize(
    ("change", "candidate"),
    [
        ({}, True),
        (dict(fit_for_surgery=False), False),
        (dict(surgery_technically_possible=False), False),
        (dict(complete_transverse_lesion="under_24h"), True),
        (dict(complete_transverse_lesion="over_24h_improving_on_steroids"), True),
        (dict(complete_transverse_lesion="over_24h_not_improving"), False),
        (dict(progressive_deficit=True, surgery_possible_within_24h=True), True),
        (dict(progressive_deficit=True, surgery_possible_within_24h=False), False),
        (POOR_NESMS, False),
    ],
)
def test_surgery_candidate(change: dict, candidate: bool) -> None:
    assert decisions(P, **{**SURGERY, **change})["surgery_candidate"] is candidate


def test_surgery_candidate_false_as_soon_as_nesms_below_2() -> None:
    advice = run(P, **POOR_NESMS)
    assert advice.decisions["surgery_candidate"] is False


@pytest.mark.parametrize(
    ("findings", "preferred"),
    [
        (dict(instability_signs=True), True),
        (dict(mesmc="clinical"), True),
        (dict(instability_signs=False, mesmc="radiological", recurrence_after_rt=True,
              reirradiation_possible=False), True),
        (dict(instability_signs=False, mesmc="radiological", recurrence_after_rt=True,
              reirradiation_possible=True), False),
        (dict(instability_signs=False, mesmc="none", recurrence_after_rt=False), False),
    ],
)
def test_surgery_preferred(findings: dict, preferred: bool) -> None:
    assert decisions(P, **findings)["surgery_preferred"] is preferred


def test_treatment_order_systemic_first_beats_surgery() -> None:
    d = decisions(P, **{**SURGERY, "primary_tumor": "myeloma", "mesmc": "clinical"})
    assert d["systemic_first"] is True and d["primary_treatment"] == "systemic"


@pytest.mark.parametrize(
    ("primary", "extra"),
    [("myeloma", {}), ("germ_cell", {}), ("lung_sclc", {}),
     ("lymphoma", dict(heme_grade_intermediate_or_high=True)),
     ("melanoma", dict(braf_v600e=True))],
)
def test_rapidly_responsive_tumours_are_systemic_first(primary: str, extra: dict) -> None:
    findings = dict(GOOD_NESMS, primary_tumor=primary, **extra)
    findings["visceral_metastases"] = False
    findings["single_skeletal_metastasis"] = True
    assert decisions(P, **findings)["systemic_first"] is True


def test_melanoma_without_braf_is_not_systemic_first_without_vital_indication() -> None:
    d = decisions(P, **{**GOOD_NESMS, "primary_tumor": "melanoma", "braf_v600e": False,
                        "vital_chemo_indication": False})
    assert d["systemic_first"] is False


def test_i3_low_nesms_blocks_systemic_first() -> None:
    advice = run(P, **{**POOR_NESMS, "primary_tumor": "lung_sclc"})
    assert advice.decisions["systemic_first"] is False
    assert "I-3" in [i.id for i in advice.interpretations]


def test_surgery_when_candidate_and_preferred_with_postop_rt() -> None:
    d = decisions(P, **{**SURGERY, "mesmc": "clinical", "vital_chemo_indication": False})
    assert d["primary_treatment"] == "surgery"
    assert d["postop_rt"] == "10x3Gy"


NOTHING = dict(POOR_NESMS, adequate_rt_possible=False, vital_chemo_indication=False,
               mesmc="none", fit_for_surgery=False)


def test_i4_other_local_options() -> None:
    advice = run(P, **NOTHING, rt_insufficient_pain_relief=True, axial_pain=True,
                 epidural_extension_over_one_third=False, diffuse_osteoblastic_metastases=True,
                 positive_bone_scan=True, insensitive_to_chemo_or_hormonal=True)
    assert advice.decisions["primary_treatment"] == "other_local"
    assert sorted(advice.decisions["other_local"]) == ["radionuclides",
                                                       "vertebroplasty_or_kyphoplasty"]
    assert "I-4" in [i.id for i in advice.interpretations]


def test_i4_supportive_when_nothing_qualifies() -> None:
    advice = run(P, **NOTHING, rt_insufficient_pain_relief=False,
                 diffuse_osteoblastic_metastases=False)
    assert advice.decisions["primary_treatment"] == "supportive"
    assert advice.decisions["other_local"] == []
    assert "I-4" in [i.id for i in advice.interpretations]


def test_epidural_extension_excludes_vertebroplasty() -> None:
    d = decisions(P, **NOTHING, rt_insufficient_pain_relief=True, axial_pain=True,
                  epidural_extension_over_one_third=True, diffuse_osteoblastic_metastases=False)
    assert d["other_local"] == [] and d["primary_treatment"] == "supportive"


def test_other_local_not_asked_when_radiotherapy_is_chosen() -> None:
    advice = run(P, **RT_BASE, mesmc="none", pain=True, oligometastatic=False, **GOOD_CONDITION)
    assert advice.decisions["other_local"] is None
    assert "other_local" not in advice.missing_by_decision


def test_systemic_when_no_local_option_but_systemic_possible() -> None:
    findings = {**GOOD_NESMS, "mesmc": "none", "adequate_rt_possible": False,
                "fit_for_surgery": False, "vital_chemo_indication": False}
    assert decisions(P, **findings, systemic_option_available=True)["primary_treatment"] == (
        "systemic")
    # While mesmc is unknown, asymptomatic MESMC without treatment is still possible.
    findings.pop("mesmc")
    advice = run(P, **findings, systemic_option_available=True)
    assert advice.decisions["primary_treatment"] is None
    assert "mesmc" in advice.missing_by_decision["primary_treatment"]


@pytest.mark.parametrize(
    ("findings", "treat"),
    [
        (dict(deficit_expected_soon=True, responsive_systemic_therapy_ongoing=False), True),
        (dict(deficit_expected_soon=False), False),
        (dict(deficit_expected_soon=True, responsive_systemic_therapy_ongoing=True), False),
    ],
)
def test_asymptomatic_mesmc(findings: dict, treat: bool) -> None:
    d = decisions(P, mesmc="asymptomatic", **GOOD_NESMS, **findings)
    assert d["asymptomatic_mesmc_treat"] is treat
    if not treat:
        assert d["primary_treatment"] is None


def test_asymptomatic_mesmc_needs_nesms_2() -> None:
    d = decisions(P, mesmc="asymptomatic", deficit_expected_soon=True,
                  responsive_systemic_therapy_ongoing=False, **POOR_NESMS)
    assert d["asymptomatic_mesmc_treat"] is False


def test_asymptomatic_treat_does_not_apply_to_other_mesmc() -> None:
    advice = run(P, mesmc="clinical")
    assert advice.decisions["asymptomatic_mesmc_treat"] is None
    assert "asymptomatic_mesmc_treat" not in advice.missing_by_decision


def test_rehabilitation_and_follow_up() -> None:
    d = decisions(P, transverse_lesion=True)
    assert d["rehabilitation_consult"] is True
    assert len(d["follow_up"]) == 5
