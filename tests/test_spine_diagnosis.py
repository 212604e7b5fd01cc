"""spine.diagnosis (spec v2 §2.2, §3.0, §3.2): every MRI window and its fail-safe, steroid
branches and their applicability, relation doubt, histology (I-15), the tissue window, the staging
CT (I-10), work-up, next step, differential and instructions."""

from __future__ import annotations

import pytest

from tests.logic_helpers import decisions, run

P = "spine.diagnosis"
NO_TRIGGERS = dict(mesmc_deficit=False, bilateral_radicular=False, lhermitte=False,
                   unilateral_radicular_deficit="none", unilateral_radicular_pain=False,
                   asymptomatic_compression_on_ct=False,
                   local_back_pain_with_alarm_features=False)
TWELVE_HOUR_TRIGGERS = ["mesmc_deficit", "bilateral_radicular", "lhermitte"]


def ids(advice) -> list[str]:
    return [i.id for i in advice.interpretations]


# --- mri_within_hours (spec §3.2, spine:dx-2; fail-safe spec §3.0) -------------------------------

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
    assert "mri_within_hours" not in advice.provisional


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
    assert needs[:3] == TWELVE_HOUR_TRIGGERS
    assert "local_back_pain_with_alarm_features" not in needs


def test_unknown_twelve_hour_triggers_keep_the_12_hour_window_provisional() -> None:
    """Spec §3.0 fail-safe urgency, §3.2 mri_within_hours ("fail-safe provisional while a shorter
    trigger is unknown"). v1 defect: answering unknown to the 12-hour triggers removed the MRI
    window. Every other trigger is answered (no other window), the three 12-hour triggers are left
    unknown: the window must stay provisional 12 h, unless those three are excluded."""
    rest = {k: v for k, v in NO_TRIGGERS.items() if k not in TWELVE_HOUR_TRIGGERS}
    advice = run(P, **rest, primary_tumor="breast", heme_malignancy_in_dd=False,
                 mri_result="pending")
    assert advice.decisions["mri_within_hours"] is None
    assert "mri_within_hours" not in advice.not_applicable
    provisional = advice.provisional["mri_within_hours"]
    assert provisional.value == 12
    assert set(provisional.unless) == set(TWELVE_HOUR_TRIGGERS)


def test_provisional_window_is_the_most_urgent_still_possible() -> None:
    """Spec §3.0: the 12-hour triggers excluded, the 24-hour one unknown: provisional 24, unless
    the unilateral deficit is answered."""
    advice = run(P, **{k: v for k, v in NO_TRIGGERS.items()
                       if k != "unilateral_radicular_deficit"})
    assert advice.decisions["mri_within_hours"] is None
    assert advice.provisional["mri_within_hours"].value == 24
    assert advice.provisional["mri_within_hours"].unless == ["unilateral_radicular_deficit"]


def test_stable_deficit_window_rests_on_i1() -> None:
    """Spec §3.2: I-1 is raised only when the stable deficit sets the window."""
    advice = run(P, **{**NO_TRIGGERS, "unilateral_radicular_deficit": "stable"})
    assert ids(advice) == ["I-1"]
    advice = run(P, **{**NO_TRIGGERS, "unilateral_radicular_pain": True})
    assert advice.interpretations == []
    advice = run(P, **{**NO_TRIGGERS, "unilateral_radicular_deficit": "stable",
                       "bilateral_radicular": True})
    assert advice.decisions["mri_within_hours"] == 12 and "I-1" not in ids(advice)


# --- corticosteroids (spec §3.2; §0 item 3) ------------------------------------------------------

DEFICIT = dict(mesmc_deficit=True)
NO_DEFICIT = dict(mesmc_deficit=False, bilateral_radicular=False,
                  unilateral_radicular_deficit="none")


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        # unknown primary -> withhold (v2: also without a haematological malignancy in the DD)
        (dict(DEFICIT, primary_tumor="unknown", heme_malignancy_in_dd=False, severe_deficit=True,
              mri_result="pending"), "withhold"),
        (dict(DEFICIT, primary_tumor="unknown", severe_deficit=True,
              mri_result="spinal_metastasis"), "withhold"),
        # haematological malignancy in the DD [I-15] -> withhold, whatever the severity
        (dict(DEFICIT, primary_tumor="breast", heme_malignancy_in_dd=True, severe_deficit=True,
              mri_result="pending"), "withhold"),
        (dict(DEFICIT, primary_tumor="breast", heme_malignancy_in_dd=True, severe_deficit=False,
              mri_result="spinal_metastasis"), "withhold"),
        # known primary with a severe deficit -> start now
        (dict(DEFICIT, primary_tumor="breast", heme_malignancy_in_dd=False, severe_deficit=True,
              mri_result="pending"), "start_now"),
        (dict(DEFICIT, primary_tumor="lung_nsclc", heme_malignancy_in_dd=False,
              severe_deficit=True, mri_result="spinal_metastasis"), "start_now"),
        # heme_malignancy_in_dd does not apply to a haematological primary
        (dict(DEFICIT, primary_tumor="lymphoma", severe_deficit=True, mri_result="pending"),
         "start_now"),
        # otherwise not yet
        (dict(DEFICIT, primary_tumor="breast", heme_malignancy_in_dd=False, severe_deficit=False,
              mri_result="pending"), "not_yet"),
        (dict(NO_DEFICIT, primary_tumor="breast", heme_malignancy_in_dd=False,
              mri_result="pending"), "not_yet"),
    ],
)
def test_corticosteroid_branches(findings: dict, expected: str) -> None:
    advice = run(P, **findings)
    assert advice.decisions["corticosteroids"] == expected
    assert "corticosteroids" not in advice.missing_by_decision


@pytest.mark.parametrize("mri_result", ["no_explanation", "other_cause"])
def test_corticosteroids_do_not_apply_once_the_mri_shows_another_cause_or_nothing(
        mri_result: str) -> None:
    """Spec §3.2 corticosteroids: applies when mri_result ∈ {pending, spinal_metastasis}."""
    advice = run(P, **DEFICIT, primary_tumor="unknown", heme_malignancy_in_dd=True,
                 severe_deficit=True, mri_result=mri_result)
    assert advice.decisions["corticosteroids"] is None
    assert "corticosteroids" in advice.not_applicable
    assert "corticosteroids" not in advice.missing_by_decision


def test_corticosteroids_undecided_while_the_mri_result_is_open() -> None:
    """Spec §3.0: a field whose condition is open is undecided, not withheld or not applicable."""
    advice = run(P, **DEFICIT, primary_tumor="unknown", severe_deficit=True)
    assert advice.decisions["corticosteroids"] is None
    assert "corticosteroids" not in advice.not_applicable
    assert advice.missing_by_decision["corticosteroids"] == ["mri_result"]


def test_lymphoma_in_dd_withholds_steroids_before_severity_is_known() -> None:
    assert decisions(P, heme_malignancy_in_dd=True, primary_tumor="kidney",
                     mri_result="pending")["corticosteroids"] == "withhold"


def test_steroids_stay_open_while_lymphoma_question_is_open() -> None:
    advice = run(P, **DEFICIT, severe_deficit=True, primary_tumor="breast", mri_result="pending")
    assert advice.decisions["corticosteroids"] is None
    assert advice.missing_by_decision["corticosteroids"] == ["heme_malignancy_in_dd"]


# --- relation_doubt, histology_needed, ct_thorax_abdomen (spec §3.2, I-10, I-15) -----------------

KNOWN_META = dict(primary_tumor="breast", mri_result="spinal_metastasis", atypical_imaging=False,
                  progression_elsewhere=True, heme_malignancy_in_dd=False)


@pytest.mark.parametrize(
    ("primary", "years", "doubt"),
    [
        ("lung_nsclc", 2, False), ("lung_nsclc", 2.1, True),
        ("lung_sclc", 3, True), ("lung_sclc", 2, False),
        ("breast", 5, False), ("breast", 5.5, True),
        ("prostate", 4, False),
    ],
)
def test_relation_doubt_interval_per_tumour(primary: str, years: float, doubt: bool) -> None:
    """spine:dx-3: > 2 years for lung cancer, > 5 for other tumours; the doubt makes histology
    needed, and the staging CT urgent (else a staging CT if none is recent, I-10)."""
    d = decisions(P, **{**KNOWN_META, "primary_tumor": primary},
                  years_since_primary_diagnosis=years)
    assert d["relation_doubt"] is doubt
    assert d["histology_needed"] is doubt
    assert d["ct_thorax_abdomen"] == ("urgent" if doubt else "if_not_recent")


def test_relation_doubt_from_atypical_imaging_or_no_progression() -> None:
    assert decisions(P, **{**KNOWN_META, "atypical_imaging": True})["relation_doubt"] is True
    assert decisions(P, **{**KNOWN_META, "progression_elsewhere": False})[
        "relation_doubt"] is True


@pytest.mark.parametrize(
    "findings",
    [
        dict(primary_tumor="unknown", mri_result="spinal_metastasis"),
        dict(primary_tumor="breast", mri_result="pending"),
        dict(primary_tumor="breast", mri_result="no_explanation"),
        dict(primary_tumor="breast", mri_result="other_cause"),
    ],
)
def test_relation_doubt_only_applies_to_known_primary_with_metastasis_on_mri(
        findings: dict) -> None:
    """Spec §3.2 relation_doubt, C6: applies when known primary and mri_result spinal_metastasis;
    its findings are then ignored."""
    advice = run(P, **findings, atypical_imaging=True)
    assert advice.decisions["relation_doubt"] is None
    assert "relation_doubt" in advice.not_applicable
    assert "relation_doubt" not in advice.missing_by_decision
    assert advice.ignored == ["atypical_imaging"]


@pytest.mark.parametrize("mri_result", ["pending", "spinal_metastasis"])
def test_heme_malignancy_in_dd_with_known_primary_needs_histology_i15(mri_result: str) -> None:
    """Spec §3.2 histology_needed [I-15]. v1 defect: a haematological malignancy in the
    differential with a known primary gave "withhold corticosteroids" next to "no histology
    needed" (C6). Now histology is needed, the tissue window and urgent CT apply."""
    findings = dict(primary_tumor="breast", heme_malignancy_in_dd=True, mri_result=mri_result)
    if mri_result == "spinal_metastasis":
        findings.update(atypical_imaging=False, progression_elsewhere=True,
                        years_since_primary_diagnosis=1)
    advice = run(P, **findings)
    d = advice.decisions
    assert d["corticosteroids"] == "withhold"
    assert d["histology_needed"] is True
    assert d["ct_thorax_abdomen"] == "urgent"
    assert "tissue_within_hours" not in advice.not_applicable
    assert "I-15" in ids(advice)
    if mri_result == "spinal_metastasis":
        assert d["relation_doubt"] is False
        assert d["next_step"] == "histology_then_treatment"


@pytest.mark.parametrize("mri_result", ["pending", "spinal_metastasis", "no_explanation",
                                        "other_cause"])
@pytest.mark.parametrize("primary", ["unknown", "breast", "lung_nsclc", "lymphoma"])
@pytest.mark.parametrize("heme", [True, False])
def test_withheld_steroids_never_next_to_no_histology_c6(mri_result: str, primary: str,
                                                         heme: bool) -> None:
    """Spec C6: "no histology needed" is never shown together with steroids withheld "until the
    biopsy"; both apply on the same condition (mri_result pending or spinal_metastasis)."""
    findings = dict(mesmc_deficit=True, severe_deficit=True, primary_tumor=primary,
                    heme_malignancy_in_dd=heme, mri_result=mri_result,
                    atypical_imaging=False, progression_elsewhere=True,
                    years_since_primary_diagnosis=1)
    d = decisions(P, **findings)
    if d["corticosteroids"] == "withhold":
        assert d["histology_needed"] is True
    applies = mri_result in ("pending", "spinal_metastasis")
    assert (d["corticosteroids"] is not None) is applies
    assert (d["histology_needed"] is not None) is applies


def test_no_histology_with_known_primary_and_no_doubt() -> None:
    d = decisions(P, **KNOWN_META, years_since_primary_diagnosis=1)
    assert d["histology_needed"] is False
    assert d["tissue_within_hours"] is None
    assert d["next_step"] == "treatment"


@pytest.mark.parametrize("mri_result", ["no_explanation", "other_cause"])
def test_histology_only_while_a_spinal_lesion_is_possibly_there(mri_result: str) -> None:
    """Spec §3.2 histology_needed: applies when mri_result ∈ {pending, spinal_metastasis}; so do
    the tissue window; the staging CT is then not needed."""
    advice = run(P, primary_tumor="unknown", heme_malignancy_in_dd=True, mri_result=mri_result)
    for name in ("histology_needed", "tissue_within_hours"):
        assert advice.decisions[name] is None
        assert name in advice.not_applicable
    assert advice.decisions["ct_thorax_abdomen"] == "not_needed"


@pytest.mark.parametrize(
    ("findings", "ct", "interpretation"),
    [
        (dict(primary_tumor="unknown", mri_result="pending"), "urgent", None),
        (dict(primary_tumor="unknown", mri_result="spinal_metastasis"), "urgent", None),
        (dict(KNOWN_META, years_since_primary_diagnosis=1), "if_not_recent", "I-10"),
        (dict(primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="no_explanation"),
         "not_needed", None),
        (dict(primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="other_cause"),
         "not_needed", None),
    ],
)
def test_ct_thorax_abdomen(findings: dict, ct: str, interpretation: str | None) -> None:
    """Spec §3.2 ct_thorax_abdomen [I-10]: urgent when histology is needed; else, with a proven
    spinal metastasis, a staging CT if no recent one exists; else not needed."""
    advice = run(P, **findings)
    assert advice.decisions["ct_thorax_abdomen"] == ct
    assert ("I-10" in ids(advice)) is (interpretation == "I-10")


def test_ct_thorax_abdomen_does_not_apply_while_mri_pending_without_histology() -> None:
    """Spec §3.2: applies when mri_result ≠ pending or histology_needed."""
    advice = run(P, primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="pending")
    assert advice.decisions["histology_needed"] is False
    assert "ct_thorax_abdomen" in advice.not_applicable


# --- tissue_within_hours (spec §3.2, spine:bg-onbekende-origine) ---------------------------------

@pytest.mark.parametrize(
    ("findings", "hours"),
    [
        (dict(mesmc_deficit=True, mri_result="pending"), 24),
        (dict(mesmc_deficit=True, mri_result="spinal_metastasis", mesmc_on_mri=False), 24),
        (dict(mesmc_deficit=False, asymptomatic_compression_on_ct=False,
              mri_result="spinal_metastasis", mesmc_on_mri=True), 24),
        (dict(mesmc_deficit=False, asymptomatic_compression_on_ct=False,
              mri_result="spinal_metastasis", mesmc_on_mri=False), 168),
    ],
)
def test_tissue_window_with_unknown_primary(findings: dict, hours: int) -> None:
    d = decisions(P, primary_tumor="unknown", **findings)
    assert d["histology_needed"] is True
    assert d["tissue_within_hours"] == hours


@pytest.mark.parametrize(
    "findings",
    [
        dict(mri_result="pending"),
        dict(mri_result="spinal_metastasis", mesmc_on_mri=False),
    ],
)
def test_compression_on_ct_gives_the_24_hour_tissue_window(findings: dict) -> None:
    """Spec §3.2 tissue_within_hours, §0 item 3: 24 h with clinical or radiological MESCC,
    asymptomatic_compression_on_ct included. v1 defect: the tissue window after cord compression
    seen on CT was one week instead of one day."""
    advice = run(P, primary_tumor="unknown", mesmc_deficit=False,
                 asymptomatic_compression_on_ct=True, **findings)
    assert advice.decisions["tissue_within_hours"] == 24
    assert "tissue_within_hours" not in advice.provisional


def test_tissue_window_is_provisional_24_while_mescc_is_possible() -> None:
    """Spec §3.2: fail-safe provisional 24 while MESCC is possible; 168 only once the MRI shows no
    MESCC."""
    advice = run(P, primary_tumor="unknown", mri_result="spinal_metastasis")
    assert advice.decisions["tissue_within_hours"] is None
    provisional = advice.provisional["tissue_within_hours"]
    assert provisional.value == 24
    assert set(provisional.unless) == {"mesmc_deficit", "asymptomatic_compression_on_ct",
                                       "mesmc_on_mri"}
    # Clinically no MESCC, MRI still pending: the MRI may yet show MESCC.
    advice = run(P, **NO_TRIGGERS, primary_tumor="unknown", mri_result="pending")
    assert advice.decisions["tissue_within_hours"] is None
    assert advice.provisional["tissue_within_hours"].value == 24


def test_no_tissue_window_without_histology() -> None:
    advice = run(P, primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="pending",
                 mesmc_deficit=True)
    assert advice.decisions["histology_needed"] is False
    assert advice.decisions["tissue_within_hours"] is None
    assert "tissue_within_hours" in advice.not_applicable
    assert "tissue_within_hours" not in advice.provisional


# --- extra_tests, admission_service, next_step ---------------------------------------------------

def test_extra_tests() -> None:
    d = decisions(P, heme_malignancy_in_dd=True, primary_tumor="unknown",
                  suspected_primary=["prostate", "germ_cell"])
    assert sorted(d["extra_tests"]) == ["afp_hcg", "m_protein_and_protein_spectrum", "psa",
                                        "urgent_immunophenotyping_consult"]
    # suspected_primary is only read without a known primary (spec §2.2): ignored.
    advice = run(P, heme_malignancy_in_dd=False, primary_tumor="kidney",
                 suspected_primary=["prostate"])
    assert advice.decisions["extra_tests"] == []
    assert advice.ignored == ["suspected_primary"]


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
        (dict(KNOWN_META, years_since_primary_diagnosis=6), "histology_then_treatment"),
        (dict(mri_result="no_explanation"), "differential_diagnosis"),
        (dict(mri_result="other_cause"), "differential_diagnosis"),
    ],
)
def test_next_step(findings: dict, step: str) -> None:
    assert decisions(P, **findings)["next_step"] == step


# --- differential (spec §3.2: Tabel 2 for both, Tabel 3 for no_explanation, Lhermitte) -----------

def test_differential_from_tables_2_and_3() -> None:
    d = decisions(P, mri_result="no_explanation", dominant_symptom="pain",
                  pain_location="shoulders", lhermitte=False)
    assert "disc_herniation" in d["differential"]
    assert "referred_diaphragm_ingrowth" in d["differential"]
    assert "transverse_myelitis" not in d["differential"]
    d = decisions(P, mri_result="no_explanation", dominant_symptom="deficit",
                  pain_location="other", lhermitte=False)
    assert len(d["differential"]) == 12 and "multiple_sclerosis" in d["differential"]
    advice = run(P, mri_result="pending", **NO_TRIGGERS)
    assert advice.decisions["differential"] is None
    assert "differential" in advice.not_applicable


@pytest.mark.parametrize(
    ("symptom", "expected"),
    [
        ("pain", {"osteoporotic_vertebral_fracture", "disc_herniation", "spondylodiscitis",
                  "dorsal_pleural_tumour", "spondylosis"}),
        ("deficit", {"leptomeningeal_metastases", "radiation_myelopathy", "meningitis",
                     "epidural_abscess_or_haematoma", "intramedullary_metastasis",
                     "spinal_lipomatosis", "benign_tumour", "arteriovenous_malformation",
                     "primary_bone_tumour", "transverse_myelitis", "sarcoidosis",
                     "multiple_sclerosis"}),
    ],
)
def test_table_2_also_for_other_cause_without_table_3(symptom: str, expected: set) -> None:
    """Spec §3.2 differential, §0 item 3: Tabel 2 also for other_cause; Tabel 3 (referred pain)
    only for no_explanation, so pain_location is ignored with other_cause."""
    advice = run(P, mri_result="other_cause", dominant_symptom=symptom, lhermitte=False,
                 pain_location="shoulders")
    assert set(advice.decisions["differential"]) == expected
    assert advice.ignored == ["pain_location"]


@pytest.mark.parametrize("mri_result", ["no_explanation", "other_cause"])
def test_lhermitte_after_rt_or_cisplatin_in_the_differential(mri_result: str) -> None:
    """Spec §3.2 differential (spine:bg-klinische-presentatie), §0 item 3."""
    d = decisions(P, mri_result=mri_result, dominant_symptom="pain", pain_location="other",
                  lhermitte=True)
    assert "lhermitte_after_rt_or_cisplatin" in d["differential"]
    d = decisions(P, mri_result=mri_result, dominant_symptom="pain", pain_location="other",
                  lhermitte=False)
    assert "lhermitte_after_rt_or_cisplatin" not in d["differential"]


# --- labs and instructions (spec §3.2) -----------------------------------------------------------

def test_always_fields() -> None:
    d = decisions(P)
    assert len(d["labs"]) == 22 and {"pt_inr", "blood_group_rhesus",
                                     "irregular_antibody_screen"} <= set(d["labs"])
    d = decisions(P, **NO_TRIGGERS, mri_result="pending")
    assert d["instructions"] == ["contact_on_worsening", "patient_leaflet"]


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        # an MRI window while the MRI is pending: CT when MRI is impossible
        (dict(NO_TRIGGERS, unilateral_radicular_pain=True, mri_result="pending"),
         {"ct_if_mri_impossible"}),
        # a window is certain (its length still open): the instruction is already given
        (dict(mesmc_deficit=False, local_back_pain_with_alarm_features=True,
              mri_result="pending"), {"ct_if_mri_impossible"}),
        # no window
        (dict(NO_TRIGGERS, mri_result="pending"), set()),
        # MRI done
        (dict(NO_TRIGGERS, unilateral_radicular_pain=True, mri_result="spinal_metastasis"),
         set()),
        # MESCC deficit: consider decompression when it progresses
        (dict(mesmc_deficit=True, mri_result="pending"),
         {"ct_if_mri_impossible", "decompression_if_progressive"}),
        (dict(mesmc_deficit=True, mri_result="spinal_metastasis"),
         {"decompression_if_progressive"}),
    ],
)
def test_case_dependent_instructions(findings: dict, expected: set) -> None:
    """Spec §3.2 instructions, §0 item 3 (new items)."""
    advice = run(P, **findings)
    got = advice.decisions["instructions"]
    assert got is not None, advice.missing_by_decision.get("instructions")
    assert set(got) == {"contact_on_worsening", "patient_leaflet"} | expected


# --- neurology_consult and finding applicability (spec §2.2, §3.2; §0 item 3) --------------------

def test_neurology_consult_for_asymptomatic_compression_on_ct() -> None:
    assert decisions(P, mesmc_deficit=False, asymptomatic_compression_on_ct=True)[
        "neurology_consult"] is True
    assert decisions(P, mesmc_deficit=False, asymptomatic_compression_on_ct=False)[
        "neurology_consult"] is False


def test_asymptomatic_compression_on_ct_does_not_apply_with_a_mescc_deficit() -> None:
    """Spec §2.2: asymptomatic_compression_on_ct applies when not mesmc_deficit (and so does
    neurology_consult, §3.2); given anyway, it is ignored."""
    advice = run(P, mesmc_deficit=True, asymptomatic_compression_on_ct=True)
    assert advice.ignored == ["asymptomatic_compression_on_ct"]
    assert "neurology_consult" in advice.not_applicable
    assert "asymptomatic_compression_on_ct" not in advice.missing


def test_severe_deficit_applies_only_when_a_deficit_is_possible() -> None:
    """Spec §2.2 severe_deficit: applies when mesmc_deficit, bilateral_radicular or a unilateral
    radicular deficit ≠ none (is possible)."""
    advice = run(P, **NO_DEFICIT, severe_deficit=True, primary_tumor="breast",
                 heme_malignancy_in_dd=False, mri_result="pending")
    assert advice.ignored == ["severe_deficit"]
    assert advice.decisions["corticosteroids"] == "not_yet"
    advice = run(P, mesmc_deficit=False, bilateral_radicular=False,
                 unilateral_radicular_deficit="stable", severe_deficit=True,
                 primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="pending")
    assert advice.ignored == []
    assert advice.decisions["corticosteroids"] == "start_now"
    # While a deficit is possible, severity is asked.
    advice = run(P, primary_tumor="breast", heme_malignancy_in_dd=False, mri_result="pending")
    assert "severe_deficit" in advice.missing_by_decision["corticosteroids"]
