"""The advice as text follows the v2 rules of spec §3.0: what does not apply is never shown (C2),
an undecided urgency shows its fail-safe value with the findings that could lower it, remarks
appear only where they belong, and every field has a render kind, a place and its codes' texts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.i18n import translator
from dialogs.keys import decision_key, finding_key, interpretation_key, item_key
from dialogs.layout import FIELDS, SECTIONS, field_codes
from dialogs.render import advice_text, decision_text
from logic.advice import advise, advise_findings
from logic.describe import codes
from logic.pathways import PATHWAYS
from tests.dialog_driver import drive_case
from tests.test_dialog_cases import _shown_fields
from tests.test_properties import full_and_partial, validated

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
EN = translator("en")


def test_every_decision_field_has_a_render_kind_and_a_place() -> None:
    assert set(FIELDS) == {n for p in PATHWAYS.values() for n in p.field_names}
    for pid, pathway in PATHWAYS.items():
        placed = [f for _, fields in SECTIONS[pid] for f in fields]
        assert sorted(placed) == sorted(pathway.field_names), pid


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_code_a_rule_can_give_has_a_text(lang: str) -> None:
    """C10: the codes come from the rules themselves (logic.describe.codes)."""
    t = translator(lang)
    for pathway in PATHWAYS.values():
        for name, decision in pathway.built.fields.items():
            kind = FIELDS[name].kind
            for code in codes(decision.rule):
                assert code in field_codes(name) or code is None, (name, code)
                if kind in ("code", "category", "bool"):
                    assert t.has(decision_key(name, code)), (lang, name, code)
                elif kind == "list":
                    assert t.has(item_key(name, str(code))), (lang, name, code)
    for i in ("I-1", "I-9", "I-16"):
        assert t.has(interpretation_key(i))


@pytest.mark.parametrize("pathway", list(PATHWAYS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_field_that_does_not_apply_is_never_shown(pathway: str, data: st.DataObject) -> None:
    p = PATHWAYS[pathway]
    _, partial = data.draw(full_and_partial(p))
    advice = advise_findings(p, validated(p, partial))
    text = advice_text(advice, "en", NOW)
    shown = _shown_fields(text, "en")
    assert not shown & set(advice.not_applicable), shown & set(advice.not_applicable)
    for name in advice.provisional:  # an undecided urgency shows its fail-safe value
        assert name in shown


def test_provisional_urgency_names_the_findings_that_could_lower_it() -> None:
    advice = advise("spine.diagnosis", {"unilateral_radicular_deficit": "stable"})
    assert advice.provisional["mri_within_hours"].value == 12
    text = advice_text(advice, "en", NOW)
    line = next(x for x in text.splitlines() if x.startswith("⚠️ MRI of the whole spine"))
    assert "within 12 h of" in line and "unless" in line and "are excluded" in line
    for finding in advice.provisional["mri_within_hours"].unless:
        label = EN(finding_key(finding))
        assert label[1:] in line


def test_the_wbrt_remark_only_for_melanoma_and_nsclc() -> None:
    remark = EN("dec.radiotherapy.wbrt_not_advised")
    for primary, expected in (("breast", False), ("other", False), ("lung_nsclc", True),
                              ("melanoma", True)):
        text = decision_text("radiotherapy", [], "en", NOW, {"primary_tumor": primary})
        assert (remark in (text or "")) is expected, primary
    assert remark not in (decision_text("radiotherapy", [], "en", NOW) or "")
    # Through the dialog: a low-KPS breast cancer gets no radiotherapy and no WBRT remark.
    advice, _ = drive_case("lm.treatment", {"kps": 50, "primary_tumor": "breast",
                                            "systemic_disease": "progressive_untreatable"}, "en")
    assert advice["advice"]["decisions"]["radiotherapy"] == []
    assert remark not in advice["text"] and EN("dec.radiotherapy.empty") in advice["text"]


def test_nesms_with_an_unknown_primary_is_a_range() -> None:
    advice, _ = drive_case("calc.nesms", {"visceral_metastases": False, "primary_tumor":
                                          "unknown", "single_skeletal_metastasis": True,
                                          "ambulation": "independent", "albumin_g_per_l": 35},
                           "en")
    nesms = advice["advice"]["decisions"]["nesms"]
    assert (nesms["score_low"], nesms["score_high"]) == (2, 3)
    assert "NESMS 2–3 (primary tumour unknown, I-7" in advice["text"]


def test_the_mri_window_is_shown_as_done_once_there_is_a_result() -> None:
    findings = {"mesmc_deficit": True, "primary_tumor": "breast", "severe_deficit": True,
                "heme_malignancy_in_dd": False, "mri_result": "spinal_metastasis",
                "mesmc_on_mri": True, "atypical_imaging": False, "progression_elsewhere": True,
                "years_since_primary_diagnosis": 1}
    advice, _ = drive_case("spine.diagnosis", findings, "en")
    assert "MRI of the whole spine: done (the window was 12 hours)" in advice["text"]
    assert "MRI of the whole spine within" not in advice["text"]


def test_out_of_scope_lm_shows_only_the_scope() -> None:
    advice, _ = drive_case("lm.treatment", {"primary_tumor": "lymphoma"}, "nl")
    decided = {k for k, v in advice["advice"]["decisions"].items() if v is not None}
    assert decided == {"scope"}
    assert "hematoloog" in advice["text"]
    assert "nog niet te bepalen" not in advice["text"]
