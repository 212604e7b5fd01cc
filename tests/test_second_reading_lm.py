"""A second reading of spine.alarm, lm.diagnosis, lm.treatment and the LM calculators against
spec v2 (/work/shared/clinical/spec.md).

One test per spec rule checked that tests/test_lm.py, tests/test_example_cases.py and
tests/test_invariants.py do not already pin down. Where the logic disagrees with the spec the
test is written per the spec and marked ``xfail(strict=True)``; where the spec is ambiguous the
test pins the reading the code took and says so in its docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

from dialogs.i18n import translator
from tests.logic_helpers import decisions, run

# --------------------------------------------------------------------------------------------
# spine.alarm (spec §2.1, §3.0 fail-safe urgency, §3.1, §5 I-9)
# --------------------------------------------------------------------------------------------

A = "spine.alarm"
SUDDEN = ("sudden_weakness", "sudden_control_problems", "sudden_unsteady_gait",
          "sudden_sensory_level", "sudden_cannot_walk")
NOT_SUDDEN = ("increasing_weakness_or_numbness", "new_bladder_or_bowel_problems")
DEFICITS = SUDDEN + NOT_SUDDEN
NO_DEFICIT = dict.fromkeys(DEFICITS, False)


def ids(advice: Any) -> list[str]:
    return [i.id for i in advice.interpretations]


def rationale(advice: Any, field: str) -> Any:
    return next(r for r in advice.rationale if r.decision == field)


@pytest.mark.parametrize("finding", DEFICITS)
def test_alarm_any_single_deficit_finding_is_contact_now(finding: str) -> None:
    """§3.1: any sudden_*, increasing_weakness_or_numbness or new_bladder_or_bowel_problems →
    contact_now, whatever the other findings (here all false, pain false)."""
    advice = run(A, **{**NO_DEFICIT, finding: True, "new_severe_back_or_neck_pain": False})
    assert advice.decisions["alarm_level"] == "contact_now"
    assert advice.provisional == {} and advice.missing == []


def test_alarm_nothing_present_is_no_alarm() -> None:
    """§3.1: no deficit finding and no new severe back/neck pain → no_alarm; the rationale names
    every finding that led there (§0.7, §3)."""
    advice = run(A, **NO_DEFICIT, new_severe_back_or_neck_pain=False)
    assert advice.decisions["alarm_level"] == "no_alarm"
    assert set(rationale(advice, "alarm_level").because) == {*DEFICITS,
                                                              "new_severe_back_or_neck_pain"}
    assert ids(advice) == []


def test_alarm_fail_safe_with_nothing_known_is_contact_now() -> None:
    """§3.0 fail-safe + §3.1 "while any deficit finding is unknown, provisional = contact_now";
    `unless` names exactly the deficit findings (the pain answer cannot lower contact_now)."""
    advice = run(A)
    assert advice.decisions["alarm_level"] is None
    p = advice.provisional["alarm_level"]
    assert p.value == "contact_now"
    assert set(p.unless) == set(DEFICITS)


@pytest.mark.parametrize("unknown", DEFICITS)
def test_alarm_fail_safe_one_unknown_deficit_keeps_contact_now(unknown: str) -> None:
    """§3.0 "an unknown answer never removes an urgency", §3.1 fail-safe, I-9 "an unknown deficit
    answer counts as contact now": one deficit finding unknown, the rest false, pain true →
    undecided, provisional contact_now unless that one finding."""
    findings = {k: v for k, v in NO_DEFICIT.items() if k != unknown}
    advice = run(A, **findings, new_severe_back_or_neck_pain=True)
    assert advice.decisions["alarm_level"] is None
    assert advice.provisional["alarm_level"].value == "contact_now"
    assert advice.provisional["alarm_level"].unless == [unknown]
    assert advice.missing == [unknown]


def test_alarm_fail_safe_only_pain_unknown_is_contact_working_hours() -> None:
    """§3.0: provisional = the most urgent value still possible; with every deficit excluded only
    contact_working_hours or no_alarm remain."""
    advice = run(A, **NO_DEFICIT)
    assert advice.provisional["alarm_level"].value == "contact_working_hours"
    assert advice.provisional["alarm_level"].unless == ["new_severe_back_or_neck_pain"]


@pytest.mark.parametrize("finding", NOT_SUDDEN)
def test_alarm_i9_raised_when_a_non_sudden_finding_decides(finding: str) -> None:
    """§5 I-9: increasing deficit / bladder-bowel-saddle symptoms count as contact now; the
    advice rests on I-9 and must show it (§ preamble)."""
    advice = run(A, **{**NO_DEFICIT, finding: True})
    assert advice.decisions["alarm_level"] == "contact_now"
    assert ids(advice) == ["I-9"]
    assert finding in rationale(advice, "alarm_level").because


def test_alarm_i9_not_raised_when_a_sudden_finding_decides() -> None:
    """§5 I-9 is a gap-filler for non-sudden symptoms; a leaflet (sudden) symptom decides on its
    own (spine Bijlage 1), so the advice does not rest on I-9."""
    advice = run(A, sudden_weakness=True, new_bladder_or_bowel_problems=True)
    assert advice.decisions["alarm_level"] == "contact_now"
    assert ids(advice) == []


def test_alarm_rationale_names_every_finding_that_led_to_contact_now() -> None:
    """§0.7 "the rationale names every finding that led to a decision"; §3 "every finding that
    led there, not just the first". §3.1 states contact_now as ONE disjunction (any sudden_*,
    increasing... or new_bladder...), so every true part led there."""
    advice = run(A, sudden_weakness=True, new_bladder_or_bowel_problems=True)
    assert {"sudden_weakness", "new_bladder_or_bowel_problems"} <= set(
        rationale(advice, "alarm_level").because)


def test_alarm_provisional_i9_only_when_a_non_sudden_finding_is_unknown() -> None:
    """AMBIGUOUS (§5 I-9 vs §3.0): I-9's text says "an unknown deficit answer counts as contact
    now", but the fail-safe itself is the general §3.0 rule for every urgency field. The code
    raises I-9 with a provisional contact_now only when the undecided contact_now can only come
    from an I-9 finding (an increasing deficit or bladder/bowel finding unknown, every sudden
    finding false); with a sudden finding unknown (or nothing known) it raises none. Pinned as
    the code reads it."""
    assert ids(run(A)) == []
    assert ids(run(A, **{k: False for k in SUDDEN})) == ["I-9"]
    only_sudden_open = {k: v for k, v in NO_DEFICIT.items() if k != "sudden_weakness"}
    assert ids(run(A, **only_sudden_open)) == []


# --------------------------------------------------------------------------------------------
# LM scope (spec §2 "Scope of the LM guideline")
# --------------------------------------------------------------------------------------------

D = "lm.diagnosis"
T = "lm.treatment"


@pytest.mark.parametrize("pathway", [D, T])
def test_scope_undecided_while_primary_unknown_keeps_every_field_open(pathway: str) -> None:
    """§2 scope + §3.0 applicability: scope decides whether every other field applies, so while
    primary_tumor is absent no field is decided and none is listed as not applicable;
    primary_tumor is asked. (KPS 60: with KPS >= 70 targeted_option cannot apply whatever the
    scope, and the code rightly lists it as not applicable then.)"""
    advice = run(pathway, symptoms=["headache"]) if pathway == D else run(pathway, kps=60)
    assert set(advice.decisions.values()) == {None}
    assert advice.not_applicable == []
    assert "primary_tumor" in advice.missing


@pytest.mark.parametrize("primary", ["breast", "unknown", "other", "germ_cell", "kidney"])
def test_scope_solid_and_unknown_primaries_are_in_scope(primary: str) -> None:
    """§2: only lymphoma and myeloma are out of scope; an unknown primary stays in scope."""
    assert decisions(D, primary_tumor=primary)["scope"] == "in_scope"
    assert decisions(T, primary_tumor=primary)["scope"] == "in_scope"


def test_scope_out_of_scope_findings_are_not_listed_as_ignored() -> None:
    """AMBIGUOUS (§2 scope vs §2 "ignored"): out of scope "every other field is then not
    applicable", but the findings' own "applies when" columns do not name the scope. The code
    accepts LM findings given with a haematological primary without listing them in `ignored`
    (their own conditions still hold) and asks nothing (missing empty). Pinned as the code reads
    it."""
    advice = run(D, primary_tumor="lymphoma", symptoms=["headache"], mri_result="suggestive",
                 lp_number=1, cytology="negative")
    assert advice.decisions["scope"] == "out_of_scope_haematological"
    assert advice.ignored == [] and advice.missing == [] and advice.interpretations == []
    treat = run(T, primary_tumor="myeloma", kps=80, raised_icp_symptoms=True,
                mass_effect_or_obstructive_hydrocephalus=True)
    assert treat.ignored == [] and treat.missing == []


# --------------------------------------------------------------------------------------------
# lm.diagnosis (spec §2.4, §3.4, C3, I-12, I-16)
# --------------------------------------------------------------------------------------------

H = dict(symptoms=["headache"], primary_tumor="breast", germ_cell_suspected=False)
IMAGED = dict(H, mri_result="suggestive", explained_by_brain_metastases=False,
              mass_effect_or_obstructive_hydrocephalus=False)


def test_lm_suspected_false_ignores_mri_and_csf_findings() -> None:
    """§2.4: mri_result applies when lm_suspected, lp_number when lumbar_puncture = indicated;
    given while LM is not suspected they are accepted and listed in `ignored` (§2)."""
    advice = run(D, symptoms=["visual_complaints"], primary_tumor="breast", mri_result="normal",
                 lp_number=1)
    assert advice.decisions["lm_suspected"] is False
    assert set(advice.ignored) == {"mri_result", "lp_number"}
    assert advice.missing == []


def test_lm_visual_complaints_count_as_cranial_for_mri_and_opening_pressure() -> None:
    """§3.4: visual complaints alone do not suggest LM, but with another symptom they are cranial
    for the MRI (brain and spine with a radicular symptom) and call for the opening pressure."""
    d = decisions(D, **{**IMAGED, "symptoms": ["visual_complaints", "radicular_pain"]})
    assert d["lm_suspected"] is True
    assert d["mri"] == "brain_and_spine"
    assert d["opening_pressure"] is True


def test_lm_mri_pending_ignores_later_imaging_findings() -> None:
    """§2.4: explained_by_brain_metastases and mass_effect... apply only when mri_result ≠
    pending; lp_number only when the LP is indicated. With the MRI pending: after_mri /
    mri_first, CSF fields not applicable (C3), the three findings ignored."""
    advice = run(D, **H, mri_result="pending", explained_by_brain_metastases=True,
                 mass_effect_or_obstructive_hydrocephalus=True, lp_number=1)
    assert advice.decisions["lumbar_puncture"] == "after_mri"
    assert advice.decisions["next_step"] == "mri_first"
    assert set(advice.ignored) == {"explained_by_brain_metastases",
                                   "mass_effect_or_obstructive_hydrocephalus", "lp_number"}
    assert {"opening_pressure", "extra_csf_tests", "diagnosis"} <= set(advice.not_applicable)
    assert ids(advice) == []


def test_lm_explained_by_brain_metastases_makes_mass_effect_inapplicable() -> None:
    """§2.4: mass_effect_or_obstructive_hydrocephalus applies only when not
    explained_by_brain_metastases; explained → not_indicated (lm:dx-1), no I-12."""
    advice = run(D, **H, mri_result="normal", explained_by_brain_metastases=True,
                 mass_effect_or_obstructive_hydrocephalus=True)
    assert advice.decisions["lumbar_puncture"] == "not_indicated"
    assert advice.ignored == ["mass_effect_or_obstructive_hydrocephalus"]
    assert ids(advice) == []


def test_lm_i12_neurosurgery_first_means_no_lp_and_no_csf_questions() -> None:
    """§3.4 + I-12 + C3: mass effect or obstructive hydrocephalus → neurosurgery_first (no LP),
    I-12 shown; CSF fields not applicable; CSF findings given are ignored, none asked."""
    advice = run(D, **{**IMAGED, "mass_effect_or_obstructive_hydrocephalus": True},
                 lp_number=1, cytology="negative", high_clinical_suspicion=True)
    assert advice.decisions["lumbar_puncture"] == "neurosurgery_first"
    assert advice.decisions["next_step"] == "neurosurgery_first"
    assert ids(advice) == ["I-12"]
    assert {"opening_pressure", "extra_csf_tests", "diagnosis"} <= set(advice.not_applicable)
    assert {"lp_number", "cytology", "high_clinical_suspicion"} <= set(advice.ignored)
    assert advice.missing == []


def test_lm_i12_not_raised_when_the_lp_is_indicated() -> None:
    """§5 I-12 is shown only when the advice rests on it: no mass effect → LP indicated, no
    I-12."""
    advice = run(D, **IMAGED, lp_number=0)
    assert advice.decisions["lumbar_puncture"] == "indicated"
    assert "I-12" not in ids(advice)


def test_lm_mass_effect_unknown_keeps_the_lp_undecided() -> None:
    """§3.4, §2 "never guess": with mass effect unknown the LP is neither indicated nor
    withheld; mass effect is asked, and the CSF fields wait."""
    advice = run(D, **{**IMAGED, "mass_effect_or_obstructive_hydrocephalus": None})
    assert advice.decisions["lumbar_puncture"] is None
    assert advice.missing[0] == "mass_effect_or_obstructive_hydrocephalus"


def test_lm_cytology_does_not_apply_before_the_first_lp() -> None:
    """§2.4: cytology applies when lumbar_puncture = indicated and lp_number ≥ 1; with
    lp_number 0 it is ignored, diagnosis pending and next_step lumbar_puncture."""
    advice = run(D, **IMAGED, lp_number=0, cytology="negative")
    assert advice.ignored == ["cytology"]
    assert advice.decisions["diagnosis"] == "pending"
    assert advice.decisions["next_step"] == "lumbar_puncture"


def test_lm_csf_other_and_suspicion_do_not_apply_with_malignant_cells() -> None:
    """§2.4: csf_other and high_clinical_suspicion apply when cytology = negative; with
    malignant cells → confirmed, mdo_and_treatment, both findings ignored, no I-16."""
    advice = run(D, **IMAGED, lp_number=1, cytology="malignant_cells",
                 high_clinical_suspicion=True, csf_other=["pleocytosis"])
    assert advice.decisions["diagnosis"] == "confirmed"
    assert advice.decisions["next_step"] == "mdo_and_treatment"
    assert set(advice.ignored) == {"csf_other", "high_clinical_suspicion"}
    assert ids(advice) == []


def test_lm_pending_cytology_awaits_cytology() -> None:
    """§3.4 next_step: diagnosis pending after an LP (cytology pending) → await_cytology."""
    advice = run(D, **IMAGED, lp_number=1, cytology="pending")
    assert advice.decisions["diagnosis"] == "pending"
    assert advice.decisions["next_step"] == "await_cytology"


def test_lm_csf_other_is_never_proof() -> None:
    """§3.4 diagnosis: csf_other findings are suggestive, never proof (lm:dx-4): negative
    cytology with a normal MRI, no high suspicion and all three CSF abnormalities →
    not_confirmed, follow_clinically."""
    advice = run(D, **{**IMAGED, "mri_result": "normal"}, lp_number=1, cytology="negative",
                 high_clinical_suspicion=False,
                 csf_other=["pleocytosis", "raised_protein", "low_glucose"])
    assert advice.decisions["diagnosis"] == "not_confirmed"
    assert advice.decisions["next_step"] == "follow_clinically"
    assert ids(advice) == []


def test_lm_third_lp_negative_with_suggestive_mri_is_probable() -> None:
    """§3.4: repeat_lp only with lp_number < 2; after three negative LPs with a suggestive MRI →
    I-16 probable, mdo_and_treatment, I-16 shown."""
    advice = run(D, **IMAGED, lp_number=3, cytology="negative", high_clinical_suspicion=True)
    assert advice.decisions["diagnosis"] == "probable"
    assert advice.decisions["next_step"] == "mdo_and_treatment"
    assert ids(advice) == ["I-16"]


def test_lm_repeat_lp_beats_probable_and_does_not_raise_i16() -> None:
    """§3.4 order: negative + high suspicion + lp_number 1 → repeat_lp even with a suggestive MRI;
    I-16 is not shown (the advice does not rest on it)."""
    advice = run(D, **IMAGED, lp_number=1, cytology="negative", high_clinical_suspicion=True)
    assert advice.decisions["diagnosis"] == "repeat_lp"
    assert "I-16" not in ids(advice)


def test_lm_negative_first_lp_with_unknown_suspicion_stays_open() -> None:
    """§2 "never guess": after one negative LP with a suggestive MRI, repeat_lp and probable both
    remain possible until the clinical suspicion is known; it is asked."""
    advice = run(D, **IMAGED, lp_number=1, cytology="negative")
    assert advice.decisions["diagnosis"] is None
    assert advice.decisions["next_step"] is None
    assert advice.missing == ["high_clinical_suspicion"]


def test_lm_germ_cell_suspected_does_not_apply_to_a_germ_cell_primary() -> None:
    """§2.4: germ_cell_suspected applies when primary_tumor ≠ germ_cell (given: ignored);
    germ_cell primary → AFP/HCG (lm:dx-3)."""
    advice = run(D, **{**IMAGED, "primary_tumor": "germ_cell", "germ_cell_suspected": True},
                 lp_number=0)
    assert advice.ignored == ["germ_cell_suspected"]
    assert advice.decisions["extra_csf_tests"] == ["afp_hcg"]


def test_lm_germ_cell_suspected_with_a_known_other_primary_adds_afp_hcg() -> None:
    """§0.5 / §3.4: germ_cell_suspected is read for any primary but germ cell, a known breast
    primary included."""
    d = decisions(D, **{**IMAGED, "germ_cell_suspected": True}, lp_number=1,
                  cytology="malignant_cells")
    assert d["extra_csf_tests"] == ["afp_hcg"]


def test_lm_ctc_only_for_breast() -> None:
    """§3.4 extra_csf_tests: CTCs only for breast with high suspicion and negative cytology; an
    NSCLC primary in the same situation gets molecular diagnostics only."""
    d = decisions(D, **{**IMAGED, "primary_tumor": "lung_nsclc"}, lp_number=1,
                  cytology="negative", high_clinical_suspicion=True)
    assert d["extra_csf_tests"] == ["molecular"]


# --------------------------------------------------------------------------------------------
# lm.treatment (spec §2.5, §3.5, C4, C7, I-5, I-12, I-13, I-14) and the LM category (§4, I-8)
# --------------------------------------------------------------------------------------------

GOOD = dict(kps=80, systemic_disease="not_threatening", severe_encephalopathy_or_deficit=False,
            therapy_resistance=False)
NO_RT = dict(lm_location="spinal", lm_type="linear_diffuse", symptomatic_sites=False,
             brain_metastases=False)


def test_lm_tumour_specific_findings_do_not_apply_to_another_primary() -> None:
    """§2.5: egfr/alk/kras/pdl1 apply only to lung_nsclc, braf_mutation only to melanoma,
    her2_positive only to breast: given for breast they are ignored and never asked."""
    advice = run(T, **GOOD, primary_tumor="breast", egfr_mutation=True, braf_mutation=True,
                 kras_mutation=True, pdl1_over_50=True, her2_positive=False)
    assert set(advice.ignored) == {"egfr_mutation", "braf_mutation", "kras_mutation",
                                   "pdl1_over_50"}
    assert advice.decisions["systemic_options"] == ["capecitabine"]


def test_lm_pdl1_does_not_apply_with_a_driver_mutation() -> None:
    """§2.5: pdl1_over_50 applies to lung_nsclc without EGFR mutation or ALK translocation."""
    advice = run(T, **GOOD, primary_tumor="lung_nsclc", egfr_mutation=True,
                 alk_translocation=False, pdl1_over_50=True)
    assert advice.ignored == ["pdl1_over_50"]
    assert advice.decisions["systemic_options"] == ["osimertinib"]


def test_lm_mass_effect_applies_only_with_raised_icp() -> None:
    """§2.5: mass_effect_or_obstructive_hydrocephalus applies when raised_icp_symptoms; without
    them: ignored, not_needed, no I-12."""
    advice = run(T, **GOOD, primary_tumor="lung_sclc", **NO_RT, raised_icp_symptoms=False,
                 mass_effect_or_obstructive_hydrocephalus=True)
    assert advice.ignored == ["mass_effect_or_obstructive_hydrocephalus"]
    assert advice.decisions["csf_pressure_relief"] == "not_needed"
    assert "I-12" not in ids(advice)


def test_lm_i12_shown_with_neurosurgery_first_pressure_relief() -> None:
    """§3.5 csf_pressure_relief + I-12: raised ICP with obstruction → neurosurgery_first and the
    advice shows I-12."""
    advice = run(T, **GOOD, primary_tumor="lung_sclc", **NO_RT, raised_icp_symptoms=True,
                 mass_effect_or_obstructive_hydrocephalus=True)
    assert advice.decisions["csf_pressure_relief"] == "neurosurgery_first"
    assert "I-12" in ids(advice)


@pytest.mark.parametrize(
    ("findings", "applies"),
    [
        (dict(kps=80, systemic_disease="progressive_untreatable"), False),  # category 2, KPS ≥ 70
        (dict(adl_independent=True, systemic_disease="threatening_treatable"), False),
        (dict(kps=60, systemic_disease="threatening_treatable"), True),  # category 2, KPS < 70
        (dict(kps=60, systemic_disease="progressive_untreatable"), True),  # category 3
    ],
)
def test_lm_targeted_option_applies_only_with_category_3_or_kps_below_70(
        findings: dict, applies: bool) -> None:
    """§3.5 targeted_option, C4: applies when category 3 or KPS < 70; ADL independence stands in
    for KPS ≥ 70 (lm:tx-1)."""
    advice = run(T, primary_tumor="melanoma", braf_mutation=False, **findings)
    assert ("targeted_option" not in advice.not_applicable) is applies
    if applies:
        assert advice.decisions["targeted_option"] is False
        assert advice.decisions["primary_treatment"] == "best_supportive_care"


def test_lm_targeted_despite_low_kps_for_braf_melanoma_lists_only_braf_mek() -> None:
    """§3.5 + C4: KPS < 70 with a BRAF mutation → targeted_despite_low_kps, options only
    braf_mek (no immunotherapy), radiotherapy empty even with symptomatic sites and cerebral
    diffuse LM."""
    advice = run(T, kps=60, systemic_disease="not_threatening", primary_tumor="melanoma",
                 braf_mutation=True, symptomatic_sites=True, lm_location="cerebral",
                 lm_type="linear_diffuse")
    d = advice.decisions
    assert (d["targeted_option"], d["primary_treatment"]) == (True, "targeted_despite_low_kps")
    assert d["systemic_options"] == ["braf_mek"]
    assert d["radiotherapy"] == []


def test_lm_targeted_despite_low_kps_with_egfr_and_alk_lists_both() -> None:
    """§3.5 systemic_options with targeted_despite_low_kps: osimertinib, alk_inhibitor (only
    targeted drugs, C4)."""
    d = decisions(T, kps=60, systemic_disease="threatening_treatable",
                  primary_tumor="lung_nsclc", egfr_mutation=True, alk_translocation=True)
    assert sorted(d["systemic_options"]) == ["alk_inhibitor", "osimertinib"]


def test_lm_braf_melanoma_in_good_condition_gets_braf_mek_and_immunotherapy() -> None:
    """§3.5: categories 1–2 with a targeted option are `systemic` (not targeted_despite_low_kps),
    with the full tumour list; targeted_option not applicable."""
    advice = run(T, kps=80, systemic_disease="threatening_treatable",
                 severe_encephalopathy_or_deficit=False, therapy_resistance=False,
                 primary_tumor="melanoma", braf_mutation=True)
    assert advice.decisions["lm_category"] == 2
    assert advice.decisions["primary_treatment"] == "systemic"
    assert sorted(advice.decisions["systemic_options"]) == ["braf_mek", "immunotherapy"]
    assert "targeted_option" in advice.not_applicable


def test_lm_i5_not_raised_when_a_no_section_primary_gets_best_supportive_care() -> None:
    """§3.5 order: category 3 / KPS < 70 goes before I-5; a kidney primary with KPS 40 → best
    supportive care, no options, and I-5 not shown."""
    advice = run(T, kps=40, systemic_disease="threatening_treatable", primary_tumor="kidney")
    assert advice.decisions["primary_treatment"] == "best_supportive_care"
    assert advice.decisions["systemic_options"] == []
    assert "I-5" not in ids(advice)


def test_lm_i5_mdo_choice_keeps_the_radiotherapy_listed() -> None:
    """§3.5 I-5 revised: mdo_choice → systemic if the MDO finds one, "else the radiotherapy
    listed": the radiotherapy rules still apply (cerebral diffuse LM of a kidney primary →
    wbrt, I-13)."""
    advice = run(T, **GOOD, primary_tumor="kidney", lm_location="both",
                 lm_type="linear_diffuse", symptomatic_sites=False, brain_metastases=False)
    assert advice.decisions["primary_treatment"] == "mdo_choice"
    assert advice.decisions["radiotherapy"] == ["wbrt"]
    assert {"I-5", "I-13"} <= set(ids(advice))


def test_lm_i13_no_wbrt_for_spinal_only_sclc_without_brain_metastases() -> None:
    """§3.5 I-13: WBRT for SCLC only with cerebral LM or brain metastases; never for spinal-only
    LM."""
    assert decisions(T, **GOOD, primary_tumor="lung_sclc", **NO_RT)["radiotherapy"] == []


def test_lm_i13_sclc_cerebral_lm_gets_wbrt_whatever_its_type() -> None:
    """§3.5: wbrt for lung_sclc with cerebral LM (not only linear_diffuse); category 1 bulky
    also gets local RT."""
    advice = run(T, **GOOD, primary_tumor="lung_sclc", lm_location="cerebral",
                 lm_type="bulky_nodular", symptomatic_sites=False, brain_metastases=False)
    assert sorted(advice.decisions["radiotherapy"]) == ["local", "wbrt"]
    assert "I-13" in ids(advice)


def test_lm_wbrt_for_lm_location_both() -> None:
    """§3.5 I-13: lm_location `both` counts as cerebral."""
    d = decisions(T, **GOOD, primary_tumor="breast", her2_positive=False, lm_location="both",
                  lm_type="linear_diffuse", symptomatic_sites=True, brain_metastases=False)
    assert sorted(d["radiotherapy"]) == ["local", "wbrt"]


def test_lm_i14_bridge_for_cerebral_melanoma_whatever_the_lm_type() -> None:
    """§3.5 I-14: wbrt_bridge for melanoma without BRAF with cerebral LM (the rule names no LM
    type); never plain wbrt next to it (C7); I-14 shown, I-13 not."""
    advice = run(T, **GOOD, primary_tumor="melanoma", braf_mutation=False, lm_location="both",
                 lm_type="bulky_nodular", symptomatic_sites=False, brain_metastases=False)
    assert sorted(advice.decisions["radiotherapy"]) == ["local", "wbrt_bridge"]
    assert "I-14" in ids(advice) and "I-13" not in ids(advice)


def test_lm_i14_no_bridge_for_spinal_melanoma_with_brain_metastases() -> None:
    """§3.5 I-13/I-14: the bridge needs cerebral LM; brain metastases count only for SCLC."""
    advice = run(T, **GOOD, primary_tumor="melanoma", braf_mutation=False,
                 **{**NO_RT, "brain_metastases": True})
    assert advice.decisions["radiotherapy"] == []
    assert "I-14" not in ids(advice)


def test_lm_pressure_relief_applies_with_best_supportive_care() -> None:
    """§3.5 csf_pressure_relief depends only on raised ICP (and I-12), also in category 3:
    repeated LP to relieve pressure."""
    d = decisions(T, kps=30, systemic_disease="progressive_untreatable", primary_tumor="breast",
                  raised_icp_symptoms=True, mass_effect_or_obstructive_hydrocephalus=False)
    assert d["primary_treatment"] == "best_supportive_care"
    assert d["csf_pressure_relief"] == "repeated_lp"


def test_lm_kps_zero_is_accepted_in_the_treatment_pathway() -> None:
    """§2 shared kps: integer 0..100, multiple of 10 (the calculator only offers 10..100)."""
    assert decisions(T, kps=0, systemic_disease="threatening_treatable",
                     primary_tumor="breast")["primary_treatment"] == "best_supportive_care"


@pytest.mark.parametrize("kps", [5, 65, 110, -10])
def test_lm_kps_outside_the_domain_is_refused(kps: int) -> None:
    """§2: values outside the domain are rejected, naming the field."""
    with pytest.raises(ValueError, match="kps"):
        run(T, kps=kps)


# LM category (§4) and I-8 -------------------------------------------------------------------


def test_category_kps_50_needs_only_the_systemic_disease() -> None:
    """§4: with KPS < 70 category 1 is excluded; only systemic_disease separates 2 from 3."""
    advice = run("calc.lm_category", kps=50)
    assert advice.decisions["lm_category"] is None
    assert advice.missing == ["systemic_disease"]


def test_category_therapy_resistance_unknown_keeps_1_or_2_open() -> None:
    """§4 / §2 "never guess": KPS 70, not threatening, no severe deficit, therapy resistance
    unknown → undecided, asked."""
    advice = run("calc.lm_category", kps=70, systemic_disease="not_threatening",
                 severe_encephalopathy_or_deficit=False)
    assert advice.decisions["lm_category"] is None
    assert advice.missing == ["therapy_resistance"]


def test_category_i8_not_raised_for_category_1() -> None:
    """§4: I-8 is raised only when it changes the category."""
    advice = run("calc.lm_category", kps=90, systemic_disease="not_threatening",
                 severe_encephalopathy_or_deficit=False, therapy_resistance=False)
    assert advice.decisions["lm_category"] == 1
    assert ids(advice) == []


def test_category_i8_raised_when_kps_below_70_without_progressive_disease() -> None:
    """§4: the case the spec names — KPS < 70 with a systemic disease other than progressive
    untreatable is category 2 because of I-8, and I-8 is shown."""
    advice = run(T, kps=60, systemic_disease="not_threatening", primary_tumor="breast")
    assert advice.decisions["lm_category"] == 2
    assert ids(advice) == ["I-8"]


def test_category_i8_not_raised_when_both_category_3_conditions_hold() -> None:
    """§4 + I-8: "3 when KPS < 70 and systemic_disease = progressive_untreatable [I-8: both must
    hold] ... I-8 is raised only when it changes the category (KPS < 70 with a systemic disease
    other than progressive untreatable)". Both holding gives 3 whether the table is read as AND
    or OR, so the category does not rest on I-8."""
    advice = run("calc.lm_category", kps=40, systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 3
    assert ids(advice) == []


def test_category_i8_with_kps_70_or_more_and_progressive_disease() -> None:
    """AMBIGUOUS (§4): the rule "raised only when it changes the category" also covers KPS ≥ 70
    with progressive untreatable disease (2 under AND, 3 under OR), but the parenthesis names
    only "KPS < 70 with a systemic disease other than progressive untreatable". The code follows
    the parenthesis: no I-8 here (category 2 is also the table's "otherwise")."""
    advice = run("calc.lm_category", kps=80, systemic_disease="progressive_untreatable")
    assert advice.decisions["lm_category"] == 2
    assert ids(advice) == []


# KPS calculator (§4 KPS, lm Bijlage 1) ---------------------------------------------------------


@pytest.mark.parametrize("kps", range(100, 0, -10))
def test_kps_calculator_describes_every_level(kps: int) -> None:
    """§4 KPS: the ten descriptions 100..10, each with a text in both languages (C10)."""
    advice = run("calc.kps", kps=kps)
    assert advice.decisions["kps_description"] == f"kps_{kps}"
    assert advice.decisions["kps_at_least_70"] is (kps >= 70)
    for lang in ("en", "nl"):
        text = translator(lang)(f"dec.kps_description.kps_{kps}")
        assert text.startswith(f"KPS {kps}:"), (lang, text)


def test_kps_calculator_does_not_offer_zero() -> None:
    """§4 KPS: 0 = dead is not offered by the calculator."""
    with pytest.raises(ValueError, match="kps"):
        run("calc.kps", kps=0)


def test_kps_60_wording_matches_bijlage_1() -> None:
    """§4 KPS: the English text must describe the same level as Bijlage 1 (60: "requires
    occasional assistance but is able to care for most personal needs"; Dutch: "in staat
    zelfverzorging grotendeels te verrichten, regelmatig hulp nodig")."""
    en = " ".join(translator("en")("dec.kps_description.kps_60").split())
    nl = " ".join(translator("nl")("dec.kps_description.kps_60").split())
    assert "requires occasional assistance" in en and "care for most personal needs" in en
    assert "zelfverzorging grotendeels" in nl and "regelmatig hulp nodig" in nl
