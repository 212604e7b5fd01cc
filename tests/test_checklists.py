"""Checklists and threshold buttons (spec §6, issue "Clinical v2, part 2" item 2).

Related yes/no findings of one topic are asked as one checklist offering only the items still
needed (C1); where a rule reads only a threshold (albumin 35 g/L, KPS 70) the two sides are buttons
next to typing; the example cases of spine.treatment need at most 12 answers, no decision lost.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import engine
from dialogs.chart_note import chart_note
from dialogs.render import question_view
from logic.advice import advise
from tests.dialog_driver import drive_case
from tests.logic_helpers import load_cases

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
TREATMENT_CASES = [(n, c) for n, c in load_cases() if c["pathway"] == "spine.treatment"]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(("name", "case"), TREATMENT_CASES, ids=[n for n, _ in TREATMENT_CASES])
def test_spine_treatment_cases_need_at_most_12_answers(name: str, case: dict, lang: str) -> None:
    advice, transcript = drive_case(case["pathway"], case["findings"], lang)
    asked = [m["id"] for m in transcript if m["type"] == "question"]
    assert len(asked) <= 12, asked
    cli = advise(case["pathway"], case["findings"])
    for field, value in cli.settled().items():  # no decision lost
        assert advice["advice"]["decisions"][field] == value, field


def walk_to(lang: str, qid: str, answers: dict[str, str]) -> engine.Step:
    """Start spine.treatment and answer (by question id; '?' otherwise) up to question ``qid``."""
    step = engine.start("spine.treatment", lang, NOW)
    while step.question is not None and step.question.id != qid:
        step = engine.choose(step.conv, answers.get(step.question.id, "?"))
    assert step.question is not None, f"{qid} was never asked"
    return step


def test_a_checklist_offers_only_the_items_still_needed() -> None:
    """Radiological MESCC: no spinal cord injury question (it needs clinical MESCC) and no
    'pain' (radiological MESCC is treated whatever the pain); clinical MESCC: both asked."""
    step = walk_to("en", "signs", {"mesmc": "radiological"})
    assert set(step.question.sets) == {"radicular_syndrome", "instability_signs",
                                       "severe_deficit"}
    assert [o.value for o in question_view(step.question, "en").options][:3] == list(
        step.question.sets)
    step = walk_to("en", "signs", {"mesmc": "clinical"})
    assert {"severe_deficit", "transverse_lesion"} <= set(step.question.sets)


def test_an_item_whose_condition_its_neighbours_made_false_is_not_stored() -> None:
    """Ticking nothing in the vertebroplasty checklist answers 'no' to insufficient pain relief;
    axial pain and epidural extension then cannot apply and are not stored as answers."""
    step = walk_to("en", "vertebroplasty", {
        "mesmc": "none", "signs": "pain", "primary_tumor": "breast",
        "heme_malignancy_in_dd": "no", "nesms_items": "none", "ambulation": "independent",
        "albumin_g_per_l": "30", "rt_history": "none", "adequate_rt_possible": "yes"})
    assert {"rt_insufficient_pain_relief", "axial_pain"} <= set(step.question.sets)
    step = engine.choose(step.conv, "none")
    conv = step.conv
    assert conv.answers.get("rt_insufficient_pain_relief") is False
    assert "axial_pain" not in conv.answers
    assert "epidural_extension_over_one_third" not in conv.answers
    assert step.advice.ignored == []


@pytest.mark.parametrize(("lang", "button", "shown", "points"), [
    ("en", "34", "< 35 g/L", 0), ("en", "35", "≥ 35 g/L", 1), ("nl", "34", "< 35 g/L", 0),
])
def test_albumin_threshold_buttons(lang: str, button: str, shown: str, points: int) -> None:
    step = walk_to(lang, "albumin_g_per_l", {
        "mesmc": "none", "signs": "pain", "primary_tumor": "breast",
        "heme_malignancy_in_dd": "no", "nesms_items": "single_skeletal_metastasis",
        "ambulation": "independent"})
    view = question_view(step.question, lang)
    assert [o.label for o in view.options][:2] == ["≥ 35 g/L", "< 35 g/L"]
    step = engine.choose(step.conv, button)
    assert step.advice.decisions["nesms"]["points"]["albumin"] == points
    assert f": {shown}" in chart_note(step.conv, step.advice, lang, NOW)
