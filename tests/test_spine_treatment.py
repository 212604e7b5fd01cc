"""spine.treatment (spec v2 §2.3, §3.0, §3.3): start windows (I-2 revised), tissue first (I-15),
dexamethasone and the taper, RT schedules, surgery candidacy and order (I-11), systemic first
(I-3), NESMS ranges (I-7 revised), other local options (I-4), applicability."""

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
# asymptomatic MESCC to be treated as symptomatic (spine:bg-patientenselectie) / not.
TREAT_ASYMPTOMATIC = dict(GOOD_NESMS, mesmc="asymptomatic", deficit_expected_soon=True,
                          responsive_systemic_therapy_ongoing=False)
NOT_TREATED_ASYMPTOMATIC = dict(GOOD_NESMS, mesmc="asymptomatic", deficit_expected_soon=False)


def ids(advice) -> list[str]:
    return [i.id for i in advice.interpretations]


# --- start_treatment_within_hours and mdo (spec §3.3, spine:tx-general, I-2 revised) -------------

@pytest.mark.parametrize(
    ("findings", "hours", "mdo"),
    [
        (dict(mesmc="clinical"), 24, "urgent_ad_hoc"),
        (dict(mesmc="radiological"), 72, "urgent_ad_hoc"),
        (dict(mesmc="none", pain=True), 336, "weekly"),
        (dict(mesmc="none", pain=False, radicular_syndrome=True), 336, "weekly"),
        (dict(mesmc="none", pain=False, radicular_syndrome=False), None, "weekly"),
        # [I-2 revised]: treated as symptomatic -> the radiological-MESCC window and consultation
        (TREAT_ASYMPTOMATIC, 72, "urgent_ad_hoc"),
        # not treated -> no window (also with pain)
        (NOT_TREATED_ASYMPTOMATIC, None, "weekly"),
        (dict(NOT_TREATED_ASYMPTOMATIC, pain=True), None, "weekly"),
        (dict(POOR_NESMS, mesmc="asymptomatic", deficit_expected_soon=True,
              responsive_systemic_therapy_ongoing=False), None, "weekly"),
    ],
)
def test_start_window_and_mdo(findings: dict, hours: int | None, mdo: str) -> None:
    advice = run(P, **findings)
    assert advice.decisions["start_treatment_within_hours"] == hours
    assert advice.decisions["mdo"] == mdo
    assert "start_treatment_within_hours" not in advice.missing_by_decision
    assert "start_treatment_within_hours" not in advice.provisional


@pytest.mark.parametrize("findings", [TREAT_ASYMPTOMATIC, NOT_TREATED_ASYMPTOMATIC])
def test_asymptomatic_mesmc_window_rests_on_i2(findings: dict) -> None:
    assert "I-2" in ids(run(P, **findings))


def test_asymptomatic_mesmc_window_is_provisional_72_while_treatment_is_open() -> None:
    """Spec §3.0 fail-safe urgency with [I-2 revised]: 72 h while asymptomatic MESCC may still be
    treated."""
    advice = run(P, mesmc="asymptomatic")
    assert advice.decisions["start_treatment_within_hours"] is None
    provisional = advice.provisional["start_treatment_within_hours"]
    assert provisional.value == 72
    assert "deficit_expected_soon" in provisional.unless


def test_unknown_mesmc_keeps_the_24_hour_window_provisional() -> None:
    """Spec §3.0: an unknown answer never removes an urgency."""
    advice = run(P, pain=True, radicular_syndrome=False)
    assert advice.decisions["start_treatment_within_hours"] is None
    assert advice.provisional["start_treatment_within_hours"].value == 24
    assert advice.provisional["start_treatment_within_hours"].unless == ["mesmc"]


def test_mdo_weekly_is_decided_before_pain_is_known() -> None:
    advice = run(P, mesmc="none")
    assert advice.decisions["start_treatment_within_hours"] is None
    assert advice.decisions["mdo"] == "weekly"


# --- tissue_first (spec §3.3, new in v2; I-15) ---------------------------------------------------

@pytest.mark.parametrize(
    ("findings", "tissue", "i15"),
    [
        (dict(primary_tumor="unknown"), True, False),
        (dict(primary_tumor="breast", heme_malignancy_in_dd=True), True, True),
        (dict(primary_tumor="breast", heme_malignancy_in_dd=False), False, False),
        (dict(primary_tumor="lymphoma"), False, False),
        (dict(primary_tumor="myeloma"), False, False),
    ],
)
def test_tissue_first(findings: dict, tissue: bool, i15: bool) -> None:
    advice = run(P, **findings)
    assert advice.decisions["tissue_first"] is tissue
    assert ("I-15" in ids(advice)) is i15


def test_tissue_first_waits_for_the_haematological_question() -> None:
    advice = run(P, primary_tumor="kidney")
    assert advice.decisions["tissue_first"] is None
    assert advice.missing_by_decision["tissue_first"] == ["heme_malignancy_in_dd"]


# --- dexamethasone and the taper in follow_up (spec §3.3, C5) ------------------------------------

KNOWN = dict(primary_tumor="breast", heme_malignancy_in_dd=False)


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (dict(primary_tumor="unknown", mesmc="clinical", severe_deficit=True), "postpone"),
        (dict(primary_tumor="breast", heme_malignancy_in_dd=True, mesmc="clinical",
              severe_deficit=True), "postpone"),
        (dict(KNOWN, mesmc="clinical", severe_deficit=True), "start"),
        (dict(KNOWN, mesmc="none", radicular_syndrome=True, severe_deficit=True), "start"),
        (dict(primary_tumor="lymphoma", mesmc="clinical", severe_deficit=True), "start"),
        (dict(KNOWN, mesmc="clinical", severe_deficit=False), "optional"),
        (dict(KNOWN, mesmc="none", radicular_syndrome=True, severe_deficit=False), "optional"),
        (dict(KNOWN, mesmc="radiological", radicular_syndrome=False), "optional"),
        (dict(TREAT_ASYMPTOMATIC, heme_malignancy_in_dd=False, radicular_syndrome=False),
         "optional"),
        (dict(NOT_TREATED_ASYMPTOMATIC, heme_malignancy_in_dd=False, radicular_syndrome=False),
         "not_indicated"),
        # Ambiguity (spec §3.3 "except when asymptomatic_mesmc_treat is false"): the code reads the
        # exception as covering the whole optional branch, radicular syndrome included.
        (dict(NOT_TREATED_ASYMPTOMATIC, heme_malignancy_in_dd=False, radicular_syndrome=True,
              severe_deficit=False), "not_indicated"),
        (dict(KNOWN, mesmc="none", radicular_syndrome=False), "not_indicated"),
    ],
)
def test_dexamethasone_branches_and_taper(findings: dict, expected: str) -> None:
    """Spec §3.3 dexamethasone; follow_up: taper only with start or optional (C5)."""
    d = decisions(P, **findings)
    assert d["dexamethasone"] == expected
    taper = "taper_steroids" in d["follow_up"]
    assert taper is (expected in ("start", "optional"))
    assert len(d["follow_up"]) == (5 if taper else 4)


# --- rt_schedule (spec §3.3, spine:tx-5) ---------------------------------------------------------

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
        (dict(TREAT_ASYMPTOMATIC, oligometastatic=True,
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
        (dict(mesmc="clinical", **GOOD_CONDITION), "10x3Gy"),
        (dict(mesmc="clinical", **{**GOOD_CONDITION, "kps": 60}), "1x8Gy"),
    ],
)
def test_rt_schedule_branches(findings: dict, schedule: str) -> None:
    d = decisions(P, **{**RT_BASE, **findings})
    assert d["primary_treatment"] == "radiotherapy"
    assert d["rt_schedule"] == schedule


def test_no_rt_schedule_when_not_radiotherapy() -> None:
    advice = run(P, **{**RT_BASE, "primary_tumor": "myeloma", "mesmc": "clinical"})
    assert advice.decisions["primary_treatment"] == "systemic"
    assert advice.decisions["rt_schedule"] is None
    assert "rt_schedule" in advice.not_applicable


# --- surgery_candidate (spec §3.3, spine:tx-4) ---------------------------------------------------

SURGERY = dict(GOOD_NESMS, fit_for_surgery=True, surgery_technically_possible=True,
               vital_chemo_indication=False, instability_signs=False, mesmc="clinical",
               complete_transverse_lesion="no", surgery_possible_within_24h=True)


@pytest.mark.parametrize(
    ("change", "candidate"),
    [
        ({}, True),
        (dict(fit_for_surgery=False), False),
        (dict(surgery_technically_possible=False), False),
        (dict(complete_transverse_lesion="under_24h"), True),
        (dict(complete_transverse_lesion="over_24h_improving_on_steroids"), True),
        (dict(complete_transverse_lesion="over_24h_not_improving"), False),
        # v2: surgery within 24 h is required for every clinical MESCC.
        (dict(surgery_possible_within_24h=False), False),
        (POOR_NESMS, False),
        # without clinical MESCC the deficit criteria do not apply
        (dict(mesmc="radiological", complete_transverse_lesion=None,
              surgery_possible_within_24h=None), True),
    ],
)
def test_surgery_candidate(change: dict, candidate: bool) -> None:
    findings = {k: v for k, v in {**SURGERY, **change}.items() if v is not None}
    assert decisions(P, **findings)["surgery_candidate"] is candidate


@pytest.mark.parametrize("progressive", [True, False])
def test_progressive_deficit_is_no_longer_read(progressive: bool) -> None:
    """Spec §2.3 progressive_deficit: applies never; accepted and listed in ignored. §0 item 4:
    surgery within 24 h is required for every clinical MESCC."""
    advice = run(P, **{**SURGERY, "surgery_possible_within_24h": False},
                 progressive_deficit=progressive)
    assert advice.ignored == ["progressive_deficit"]
    assert advice.decisions["surgery_candidate"] is False


def test_surgery_candidate_false_as_soon_as_nesms_below_2() -> None:
    advice = run(P, **POOR_NESMS)
    assert advice.decisions["surgery_candidate"] is False


def test_surgery_candidacy_does_not_apply_with_systemic_first_without_instability() -> None:
    """Spec §3.3 surgery_candidate: applies unless systemic_first without instability_signs."""
    advice = run(P, **{**SURGERY, "primary_tumor": "myeloma"})
    assert advice.decisions["systemic_first"] is True
    assert "surgery_candidate" in advice.not_applicable
    advice = run(P, **{**SURGERY, "primary_tumor": "myeloma", "instability_signs": True})
    assert advice.decisions["surgery_candidate"] is True


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


# --- systemic_first (spec §3.3, spine:tx-3, I-3) -------------------------------------------------

@pytest.mark.parametrize(
    ("primary", "extra"),
    [("myeloma", {}), ("germ_cell", {}), ("lung_sclc", {}),
     ("lymphoma", dict(heme_grade_intermediate_or_high=True)),
     ("melanoma", dict(braf_v600e=True)),
     ("breast", dict(vital_chemo_indication=True))],
)
def test_rapidly_responsive_tumours_are_systemic_first(primary: str, extra: dict) -> None:
    findings = dict(GOOD_NESMS, primary_tumor=primary, **extra)
    assert decisions(P, **findings)["systemic_first"] is True


def test_melanoma_without_braf_is_not_systemic_first_without_vital_indication() -> None:
    d = decisions(P, **{**GOOD_NESMS, "primary_tumor": "melanoma", "braf_v600e": False,
                        "vital_chemo_indication": False})
    assert d["systemic_first"] is False


@pytest.mark.parametrize(
    "findings",
    [dict(POOR_NESMS, primary_tumor="lung_sclc"), dict(POOR_NESMS, vital_chemo_indication=True)],
)
def test_i3_low_nesms_blocks_systemic_first(findings: dict) -> None:
    advice = run(P, **findings)
    assert advice.decisions["systemic_first"] is False
    assert "I-3" in ids(advice)


def test_i3_not_raised_when_no_criterion_holds() -> None:
    """Spec §3.3 systemic_first [I-3], §0 item 4: I-3 shown only when its premise holds."""
    advice = run(P, **POOR_NESMS, vital_chemo_indication=False)
    assert advice.decisions["systemic_first"] is False
    assert "I-3" not in ids(advice)


def test_i3_not_raised_while_the_criterion_is_unknown() -> None:
    """Spec §3.3 [I-3]: "raised only when a rapid-response or vital criterion is known to hold
    and NESMS ≤ 1". NSCLC (not rapidly responsive), NESMS 0, vital indication unknown: the field is
    false either way, but I-3's premise is not known to hold."""
    advice = run(P, **POOR_NESMS)
    assert advice.decisions["systemic_first"] is False
    assert "I-3" not in ids(advice)


# --- primary_treatment order (spec §3.3, I-11, I-4) ----------------------------------------------

ORDER = dict(GOOD_NESMS, heme_malignancy_in_dd=False, vital_chemo_indication=False,
             instability_signs=False, fit_for_surgery=True, surgery_technically_possible=True,
             mesmc="none", pain=True, radicular_syndrome=False, recurrence_after_rt=False,
             adequate_rt_possible=True, systemic_option_available=True,
             rt_insufficient_pain_relief=False, diffuse_osteoblastic_metastases=False)
CLINICAL = dict(mesmc="clinical", complete_transverse_lesion="no",
                surgery_possible_within_24h=True)
NO_SURGERY = dict(fit_for_surgery=False)
RADIONUCLIDES = dict(diffuse_osteoblastic_metastases=True, positive_bone_scan=True,
                     insensitive_to_chemo_or_hormonal=True)


@pytest.mark.parametrize(
    ("change", "treatment"),
    [
        # [I-11] instability in a surgical candidate: surgery before systemic-first
        (dict(CLINICAL, primary_tumor="myeloma", instability_signs=True), "surgery"),
        (dict(primary_tumor="myeloma", instability_signs=True), "surgery"),
        # systemic first without instability
        (dict(CLINICAL, primary_tumor="myeloma"), "systemic"),
        # candidate and preferred
        (dict(CLINICAL), "surgery"),
        (dict(instability_signs=True), "surgery"),
        # candidate, not preferred: adequate RT first
        ({}, "radiotherapy"),
        # v2: a surgical candidate gets surgery before systemic therapy as a last resort
        (dict(adequate_rt_possible=False), "surgery"),
        # no surgery, no RT: systemic with NESMS >= 2
        (dict(NO_SURGERY, adequate_rt_possible=False), "systemic"),
        (dict(POOR_NESMS, adequate_rt_possible=False), "supportive"),
        # [I-4]
        (dict(**NO_SURGERY, **RADIONUCLIDES, adequate_rt_possible=False,
              systemic_option_available=False), "other_local"),
        (dict(NO_SURGERY, adequate_rt_possible=False, systemic_option_available=False),
         "supportive"),
    ],
)
def test_primary_treatment_order(change: dict, treatment: str) -> None:
    d = decisions(P, **{**ORDER, **change})
    assert d["primary_treatment"] == treatment
    assert d["postop_rt"] == ("10x3Gy" if treatment == "surgery" else None)


def test_unstable_spine_in_surgical_candidate_gets_surgery_before_systemic_first_i11() -> None:
    """Spec §3.3 primary_treatment [I-11], §0 item 4. v1 defect: systemic therapy first was chosen
    for an unstable spine in a surgical candidate."""
    advice = run(P, **{**ORDER, **CLINICAL, "primary_tumor": "myeloma",
                       "instability_signs": True})
    d = advice.decisions
    assert d["systemic_first"] is True
    assert d["surgery_candidate"] is True
    assert d["primary_treatment"] == "surgery"
    assert d["postop_rt"] == "10x3Gy"
    assert "I-11" in ids(advice)


def test_i11_surgery_is_decided_while_systemic_first_is_open() -> None:
    """Spec §3.3: "in this order: [I-11] surgery_candidate and instability_signs → surgery".
    A candidate (breast, NESMS 3, fit, possible) with instability: surgery, whether or not a vital
    chemotherapy indication makes systemic therapy first (left unknown)."""
    findings = {k: v for k, v in ORDER.items() if k != "vital_chemo_indication"}
    advice = run(P, **{**findings, "instability_signs": True})
    assert advice.decisions["surgery_candidate"] is True
    assert advice.decisions["primary_treatment"] == "surgery"


def test_surgery_when_candidate_and_preferred_with_postop_rt() -> None:
    d = decisions(P, **{**SURGERY, "heme_malignancy_in_dd": False})
    assert d["primary_treatment"] == "surgery"
    assert d["postop_rt"] == "10x3Gy"


@pytest.mark.parametrize(
    "findings",
    [
        dict(ORDER, pain=False),  # nothing to treat
        dict(ORDER, **NOT_TREATED_ASYMPTOMATIC),  # asymptomatic MESCC not treated
    ],
)
def test_primary_treatment_applies_only_with_something_to_treat(findings: dict) -> None:
    """Spec §3.3 primary_treatment: applies when mesmc ≠ none, pain, radicular_syndrome or
    instability_signs; not applicable when asymptomatic_mesmc_treat is false."""
    advice = run(P, **findings)
    assert advice.decisions["primary_treatment"] is None
    assert "primary_treatment" in advice.not_applicable
    assert "primary_treatment" not in advice.missing_by_decision


@pytest.mark.parametrize(
    "findings",
    [
        # nothing to treat; the order's rule would give radiotherapy
        dict(mesmc="none", pain=False, radicular_syndrome=False, instability_signs=False,
             primary_tumor="breast", vital_chemo_indication=False, fit_for_surgery=False,
             adequate_rt_possible=True),
        # nothing to treat; the order's rule would give surgery
        dict(GOOD_NESMS, mesmc="none", pain=False, radicular_syndrome=False,
             instability_signs=False, vital_chemo_indication=False, fit_for_surgery=True,
             surgery_technically_possible=True, adequate_rt_possible=False),
        # asymptomatic MESCC not treated
        NOT_TREATED_ASYMPTOMATIC,
    ],
)
def test_no_rt_schedule_or_postop_rt_without_a_primary_treatment(findings: dict) -> None:
    """Spec §3.3: rt_schedule applies when primary_treatment = radiotherapy, postop_rt when it is
    surgery; with primary_treatment not applicable (null) neither applies, and nothing is asked
    for them (§3.0, C1, C5). (The logic of 22:32 UTC still showed postop_rt 10x3Gy or asked
    oligometastatic, kps, ... for rt_schedule here; fixed at 22:38 UTC.)"""
    advice = run(P, **findings)
    assert "primary_treatment" in advice.not_applicable
    for name in ("rt_schedule", "postop_rt"):
        assert advice.decisions[name] is None
        assert name in advice.not_applicable
        assert name not in advice.missing_by_decision


def test_systemic_when_no_local_option_but_systemic_possible() -> None:
    findings = {**ORDER, **NO_SURGERY, "adequate_rt_possible": False}
    assert decisions(P, **findings)["primary_treatment"] == "systemic"
    # While mesmc is unknown, asymptomatic MESMC without treatment is still possible.
    findings.pop("mesmc")
    advice = run(P, **findings)
    assert advice.decisions["primary_treatment"] is None
    assert "mesmc" in advice.missing_by_decision["primary_treatment"]


# --- other_local (spec §3.3: decided on its own criteria; I-4) -----------------------------------

VERTEBROPLASTY = dict(rt_insufficient_pain_relief=True, axial_pain=True,
                      epidural_extension_over_one_third=False)


@pytest.mark.parametrize(
    ("change", "other_local", "treatment"),
    [
        # an additional option next to radiotherapy (v1: only as a last resort)
        (dict(**NO_SURGERY, **VERTEBROPLASTY), ["vertebroplasty_or_kyphoplasty"], "radiotherapy"),
        # a surgical candidate does not get vertebroplasty
        (dict(VERTEBROPLASTY), [], "radiotherapy"),
        # not-applicable candidacy (systemic first, stable) counts as not a candidate
        (dict(**VERTEBROPLASTY, primary_tumor="myeloma"), ["vertebroplasty_or_kyphoplasty"],
         "systemic"),
        ({**NO_SURGERY, **VERTEBROPLASTY, "epidural_extension_over_one_third": True}, [],
         "radiotherapy"),
        # radionuclides only when conventional RT is not a good option
        (dict(**NO_SURGERY, **RADIONUCLIDES), [], "radiotherapy"),
        (dict(**NO_SURGERY, **RADIONUCLIDES, adequate_rt_possible=False),
         ["radionuclides"], "systemic"),
        (dict(**NO_SURGERY, **VERTEBROPLASTY, **RADIONUCLIDES, adequate_rt_possible=False,
              systemic_option_available=False),
         ["radionuclides", "vertebroplasty_or_kyphoplasty"], "other_local"),
    ],
)
def test_other_local_on_its_own_criteria(change: dict, other_local: list,
                                         treatment: str) -> None:
    d = decisions(P, **{**ORDER, **change})
    assert sorted(d["other_local"]) == other_local
    assert d["primary_treatment"] == treatment


NOTHING = dict(POOR_NESMS, adequate_rt_possible=False, vital_chemo_indication=False,
               mesmc="none", pain=True, fit_for_surgery=False, instability_signs=False)


def test_i4_other_local_options() -> None:
    advice = run(P, **NOTHING, **VERTEBROPLASTY, **RADIONUCLIDES)
    assert advice.decisions["primary_treatment"] == "other_local"
    assert sorted(advice.decisions["other_local"]) == ["radionuclides",
                                                       "vertebroplasty_or_kyphoplasty"]
    assert "I-4" in ids(advice)


def test_i4_supportive_when_nothing_qualifies() -> None:
    advice = run(P, **NOTHING, rt_insufficient_pain_relief=False,
                 diffuse_osteoblastic_metastases=False)
    assert advice.decisions["primary_treatment"] == "supportive"
    assert advice.decisions["other_local"] == []
    assert "I-4" in ids(advice)


def test_epidural_extension_excludes_vertebroplasty() -> None:
    d = decisions(P, **NOTHING, **{**VERTEBROPLASTY, "epidural_extension_over_one_third": True},
                  diffuse_osteoblastic_metastases=False)
    assert d["other_local"] == [] and d["primary_treatment"] == "supportive"


# --- NESMS with an unknown primary in the treatment pathway (spec §3.3 nesms, I-7 revised) -------

UNKNOWN_CANDIDATE = dict(primary_tumor="unknown", fit_for_surgery=True,
                         surgery_technically_possible=True, mesmc="none",
                         vital_chemo_indication=False, instability_signs=False)


@pytest.mark.parametrize(
    ("nesms_inputs", "low", "high", "candidate"),
    [
        # mBauer 2..4: score 0..2 -> the upper bound reaches 2: counts as NESMS >= 2
        (dict(visceral_metastases=False, single_skeletal_metastasis=True,
              ambulation="aid_or_wheelchair", albumin_g_per_l=30), 0, 2, True),
        # mBauer 0..2: score 0..0 -> not a candidate
        (dict(visceral_metastases=True, single_skeletal_metastasis=False,
              ambulation="aid_or_wheelchair", albumin_g_per_l=30), 0, 0, False),
    ],
)
def test_unknown_primary_nesms_range_upper_bound_counts_i7(nesms_inputs: dict, low: int,
                                                          high: int, candidate: bool) -> None:
    advice = run(P, **UNKNOWN_CANDIDATE, **nesms_inputs)
    nesms = advice.decisions["nesms"]
    assert (nesms["score_low"], nesms["score_high"]) == (low, high)
    assert nesms["score"] == (low if low == high else None)
    assert advice.decisions["surgery_candidate"] is candidate
    assert "I-7" in ids(advice)


def test_i7_shown_when_a_decision_rests_on_the_upper_bound() -> None:
    """Unknown primary, no visceral metastases, several skeletal metastases: mBauer 1..3, so
    NESMS ≥ 2 only at the upper bound (ambulation and albumin unknown). surgery_candidate is
    true because of I-7, so I-7 must be shown."""
    advice = run(P, **UNKNOWN_CANDIDATE, visceral_metastases=False,
                 single_skeletal_metastasis=False)
    assert advice.decisions["surgery_candidate"] is True
    assert "I-7" in ids(advice)


# --- asymptomatic MESCC, rehabilitation, follow-up, finding applicability ------------------------

@pytest.mark.parametrize(
    ("findings", "treat"),
    [
        (dict(deficit_expected_soon=True, responsive_systemic_therapy_ongoing=False), True),
        (dict(deficit_expected_soon=False), False),
        (dict(deficit_expected_soon=True, responsive_systemic_therapy_ongoing=True), False),
    ],
)
def test_asymptomatic_mesmc(findings: dict, treat: bool) -> None:
    advice = run(P, mesmc="asymptomatic", **GOOD_NESMS, **findings)
    assert advice.decisions["asymptomatic_mesmc_treat"] is treat
    assert ("primary_treatment" in advice.not_applicable) is not treat


def test_asymptomatic_mesmc_needs_nesms_2() -> None:
    d = decisions(P, mesmc="asymptomatic", deficit_expected_soon=True,
                  responsive_systemic_therapy_ongoing=False, **POOR_NESMS)
    assert d["asymptomatic_mesmc_treat"] is False


def test_asymptomatic_treat_does_not_apply_to_other_mesmc() -> None:
    advice = run(P, mesmc="clinical")
    assert advice.decisions["asymptomatic_mesmc_treat"] is None
    assert "asymptomatic_mesmc_treat" in advice.not_applicable
    assert "asymptomatic_mesmc_treat" not in advice.missing_by_decision


@pytest.mark.parametrize(("lesion", "consult"), [(True, True), (False, False)])
def test_rehabilitation_consult(lesion: bool, consult: bool) -> None:
    assert decisions(P, mesmc="clinical", transverse_lesion=lesion)[
        "rehabilitation_consult"] is consult


@pytest.mark.parametrize("mesmc", ["none", "asymptomatic", "radiological"])
def test_deficit_only_findings_apply_only_with_clinical_mesmc(mesmc: str) -> None:
    """Spec §2.3, §0 item 4: complete_transverse_lesion, surgery_possible_within_24h and
    transverse_lesion apply when mesmc = clinical; otherwise ignored, and
    rehabilitation_consult does not apply."""
    advice = run(P, mesmc=mesmc, complete_transverse_lesion="no",
                 surgery_possible_within_24h=True, transverse_lesion=True)
    assert sorted(advice.ignored) == ["complete_transverse_lesion",
                                      "surgery_possible_within_24h", "transverse_lesion"]
    assert "rehabilitation_consult" in advice.not_applicable
