"""Typed answers are read in both languages and echoed as read (spec §6, issue 10 item 5).

Tables per question kind, typed in a Dutch and in an English chat: yes/no words, unknown words,
option numbers as the console lists them, option labels in either language (case, accents,
punctuation and spaces do not matter), several at a checklist, numbers with "," or ".". Among
them the two bugs: ``unknown`` at the primary tumour was stored as "No known primary tumour",
and ``1`` or a label at a checklist was refused with a list of internal values.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.console import ConsoleChat
from bot.texts import advice_messages, question_messages
from dialogs import engine
from dialogs.clock import FixedClock
from dialogs.flows import FLOWS
from dialogs.i18n import LANGUAGES, translator
from dialogs.parsing import Parsed, Refusal, parse_answer, parse_codes, read_as
from dialogs.questions import Question
from dialogs.render import question_view, refusal_text
from tests.dialog_driver import JsonlSession

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
BOTH = pytest.mark.parametrize("lang", LANGUAGES)
R = Refusal  # a refused answer in the tables below
EN, NL = translator("en"), translator("nl")  # for labels other people may still reword


def q(pathway: str, qid: str) -> Question:
    return FLOWS[pathway].question(qid)


def read(question: Question, typed: str, lang: str) -> Any:
    """The value the typed answer gives the question's finding(s), or Refusal."""
    parsed = parse_answer(question, typed, lang)
    if isinstance(parsed, Refusal):
        return R
    assert isinstance(parsed, Parsed)
    if question.findings:  # a checklist of yes/no findings: the ticked ones, in order
        values = parsed.values
        if all(values[f] is None for f in question.findings):
            return None
        return [f for f in question.findings if values[f]]
    return parsed.values[question.sets[0]]


def refusal(question: Question, typed: str, lang: str) -> str:
    parsed = parse_answer(question, typed, lang)
    assert isinstance(parsed, Refusal), (typed, parsed)
    return refusal_text(parsed, question, lang)


# --- bool -------------------------------------------------------------------------------------
BOOL = q("lm.treatment", "brain_metastases")


@BOTH
@pytest.mark.parametrize(("typed", "value"), [
    ("yes", True), ("Yes", True), ("YES.", True), ("ja", True), ("Ja!", True), ("j", True),
    (" y ", True), ("1", True), ("true", True),
    ("no", False), ("No", False), ("nee", False), ("Nee.", False), ("n", False), ("2", False),
    ("?", None), ("??", None), ("unknown", None), ("Unknown.", None), ("onbekend", None),
    ("ONBEKEND", None), ("3", None),
    ("maybe", R), ("misschien", R), ("4", R), ("0", R), ("👍", R), ("yes no", R),
])
def test_bool(lang: str, typed: str, value: Any) -> None:
    got = read(BOOL, typed, lang)
    assert got is R if value is R else got == value


# --- choice -----------------------------------------------------------------------------------
PRIMARY = q("spine.diagnosis", "primary_tumor")


@BOTH
@pytest.mark.parametrize(("typed", "value"), [
    # labels in either language, whatever the chat's language
    ("Breast cancer", "breast"), ("breast cancer.", "breast"), ("BREAST CANCER", "breast"),
    ("  breast  ", "breast"), ("Mammacarcinoom", "breast"), ("MAMMACARCINOOM", "breast"),
    ("mammacarcinoom.", "breast"), ("Mammacarcinóom", "breast"), ("mamma", "breast"),
    ("4", "breast"),  # numbered as the console lists them: No known primary is 1
    ("Kleincellig longcarcinoom", "lung_sclc"), ("small cell lung cancer", "lung_sclc"),
    ("Niet-kleincellig longcarcinoom", "lung_nsclc"), ("niet kleincellig", "lung_nsclc"),
    ("NSCLC", "lung_nsclc"), ("SCLC", "lung_sclc"), ("melanoom", "melanoma"),
    ("Multipel myeloom", "myeloma"), ("germ cell", "germ_cell"),
    # bug: "unknown" is an unknown answer, "No known primary tumour" is chosen by label or number
    ("unknown", None), ("Unknown", None), ("onbekend", None), ("?", None), ("12", None),
    ("No known primary tumour", "unknown"), ("no known primary tumour.", "unknown"),
    ("Geen bekende primaire tumor", "unknown"), ("1", "unknown"),
    # nothing, or more than one option
    ("pancreas", R), ("13", R), ("0", R), ("lung", R), ("longcarcinoom", R), ("cell", R),
    ("b", R),  # one letter is too little to go on
])
def test_choice(lang: str, typed: str, value: Any) -> None:
    got = read(PRIMARY, typed, lang)
    assert got is R if value is R else got == value


def test_unknown_at_the_primary_tumour_is_unknown_not_no_known_primary() -> None:
    """Bug: typed ``unknown`` was stored as the option "No known primary tumour" (value
    ``unknown``)."""
    for lang in LANGUAGES:
        for typed in ("unknown", "onbekend", "?"):
            step = engine.start("spine.diagnosis", lang, NOW)
            step = engine.answer(step.conv, "1")  # MESCC deficit: the primary tumour next
            assert step.question is not None and step.question.id == "primary_tumor"
            step = engine.answer(step.conv, typed)
            assert step.refusal is None
            assert step.conv.answers["primary_tumor"] is None, (lang, typed)
            assert step.read_as == translator(lang)("common.unknown")
            engine.close(step.conv)


def test_a_button_still_chooses_no_known_primary_tumour() -> None:
    step = engine.start("spine.diagnosis", "en", NOW)
    step = engine.choose(step.conv, "mesmc_deficit")
    step = engine.choose(step.conv, "unknown")
    assert step.conv.answers["primary_tumor"] == "unknown" and step.read_as is None
    engine.close(step.conv)


@BOTH
@pytest.mark.parametrize(("pathway", "qid", "typed", "value"), [
    # accents: typed without them, or in capitals
    ("spine.treatment", "complete_transverse_lesion", "> 24 uur, verbetert op steroiden",
     "over_24h_improving_on_steroids"),
    ("spine.treatment", "complete_transverse_lesion", "> 24 UUR, VERBETERT OP STEROÏDEN",
     "over_24h_improving_on_steroids"),
    ("spine.treatment", "complete_transverse_lesion", "> 24 h, not improving",
     "over_24h_not_improving"),
    ("spine.treatment", "complete_transverse_lesion", "no", "no"),  # the option's value
    ("spine.treatment", "complete_transverse_lesion", "nee", "no"),
    ("spine.treatment", "complete_transverse_lesion", "> 24", R),
    # ≤ and > tell options apart
    ("spine.diagnosis", "unilateral_radicular_deficit", "Progressief, ontstaan in ≤ 7 dagen",
     "progressive_onset_within_7_days"),
    ("spine.diagnosis", "unilateral_radicular_deficit", "progressive, developed in > 7 days",
     "progressive_onset_over_7_days"),
    ("spine.diagnosis", "unilateral_radicular_deficit", "progressive", R),
    ("spine.diagnosis", "unilateral_radicular_deficit", "stable", "stable"),
    # an option whose value is "none" is an option here, not "none of these"
    ("spine.diagnosis", "unilateral_radicular_deficit", "none", "none"),
    ("spine.diagnosis", "unilateral_radicular_deficit", "Geen", "none"),
    ("spine.diagnosis", "unilateral_radicular_deficit", "1", "none"),
    ("spine.diagnosis", "unilateral_radicular_deficit", "5", None),
    # options that are numbers are typed as those numbers, not by their place
    ("lm.diagnosis", "lp_number", "1", 1), ("lm.diagnosis", "lp_number", "0", 0),
    ("lm.diagnosis", "lp_number", "2 LPs", 2), ("lm.diagnosis", "lp_number", "3 LP's", 3),
    ("lm.diagnosis", "lp_number", "Nog geen", 0), ("lm.diagnosis", "lp_number", "none yet", 0),
    ("lm.diagnosis", "lp_number", "5", R), ("lm.diagnosis", "lp_number", "LP", R),
    ("lm.treatment", "lm_location", "Cerebraal", "cerebral"),
    ("lm.treatment", "lm_location", "cerebral and spinal", "both"),
    ("lm.treatment", "lm_location", "alleen spinaal", "spinal"),
])
def test_more_choices(lang: str, pathway: str, qid: str, typed: str, value: Any) -> None:
    got = read(q(pathway, qid), typed, lang)
    assert got is R if value is R else got == value


@pytest.mark.parametrize(("lang", "typed", "named"), [
    ("en", "lung", ["Non-small cell lung cancer", "Small cell lung cancer"]),
    ("nl", "lung", ["Niet-kleincellig longcarcinoom", "Kleincellig longcarcinoom"]),
    ("nl", "longcarcinoom", ["Niet-kleincellig longcarcinoom", "Kleincellig longcarcinoom"]),
    ("en", "cell", ["Non-small cell lung cancer", "Small cell lung cancer",
                    "Renal cell carcinoma", "Germ cell tumour"]),
])
def test_an_ambiguous_answer_names_the_options_in_words(lang: str, typed: str,
                                                        named: list[str]) -> None:
    text = refusal(PRIMARY, typed, lang)
    assert typed in text
    for label in named:
        assert label in text
    assert "lung_" not in text and "germ_cell" not in text
    assert ("Breast" not in text) and ("Mamma" not in text)  # only the options it fits


@BOTH
def test_an_answer_matching_nothing_names_the_options_in_words(lang: str) -> None:
    text = refusal(PRIMARY, "pancreas", lang)
    t = translator(lang)
    assert t("opt.primary_tumor.breast") in text and t("opt.primary_tumor.unknown") in text
    assert "lung_nsclc" not in text and "germ_cell" not in text


# --- multi (checklist) ------------------------------------------------------------------------
TRIGGERS = q("spine.diagnosis", "triggers_12h")  # mesmc_deficit, bilateral_radicular, lhermitte
SUDDEN = q("spine.alarm", "sudden")
SYMPTOMS = q("lm.diagnosis", "symptoms")


@BOTH
@pytest.mark.parametrize(("question", "typed", "value"), [
    # bug: numbers and labels at a checklist were refused with a list of internal values
    (TRIGGERS, "1", ["mesmc_deficit"]), (TRIGGERS, "1,3", ["mesmc_deficit", "lhermitte"]),
    (TRIGGERS, " 3 , 1 ", ["mesmc_deficit", "lhermitte"]), (TRIGGERS, "1,1", ["mesmc_deficit"]),
    (TRIGGERS, "Lhermitte", ["lhermitte"]), (TRIGGERS, "symptoom van l'hermitte", ["lhermitte"]),
    (TRIGGERS, "L'Hermitte's sign.", ["lhermitte"]),
    (TRIGGERS, "Uitval door verdenking MESMC, bilateral radicular pain/deficit",
     ["mesmc_deficit", "bilateral_radicular"]),
    (TRIGGERS, "bilaterale, 3", ["bilateral_radicular", "lhermitte"]),
    (TRIGGERS, "mesmc_deficit,lhermitte", ["mesmc_deficit", "lhermitte"]),  # values still read
    (TRIGGERS, "none", []), (TRIGGERS, "geen", []), (TRIGGERS, "Geen van deze", []),
    (TRIGGERS, "None of these.", []), (TRIGGERS, "nee", []), (TRIGGERS, "No", []),
    (TRIGGERS, "4", []), (TRIGGERS, "-", []),
    (TRIGGERS, "unknown", None), (TRIGGERS, "onbekend", None), (TRIGGERS, "?", None),
    (TRIGGERS, "5", None),
    (TRIGGERS, "6", R), (TRIGGERS, "1,none", R), (TRIGGERS, "1,?", R), (TRIGGERS, "1,🤷", R),
    (TRIGGERS, ",", R),
    # labels holding a comma
    (SUDDEN, "Kan niet lopen/staan, zakt door", ["sudden_cannot_walk"]),
    (SUDDEN, "cannot walk/stand, legs give way, very unsteady walking",
     ["sudden_unsteady_gait", "sudden_cannot_walk"]),
    (SUDDEN, "heel wankel lopen,kan niet lopen/staan, zakt door",
     ["sudden_unsteady_gait", "sudden_cannot_walk"]),
    (SUDDEN, "1,5", ["sudden_weakness", "sudden_cannot_walk"]),
    (SUDDEN, "minder kracht", ["sudden_weakness"]),
    (SUDDEN, "legs", R), (SUDDEN, "benen", R),  # in several options
])
def test_checklist(lang: str, question: Question, typed: str, value: Any) -> None:
    got = read(question, typed, lang)
    assert got is R if value is R else got == value


@BOTH
@pytest.mark.parametrize(("typed", "value"), [
    ("Hoofdpijn, verwardheid", ["headache", "confusion"]), ("1,3", ["headache", "confusion"]),
    ("confusion, HEADACHE", ["headache", "confusion"]), ("Misselijkheid en braken",
                                                         ["nausea_vomiting"]),
    ("radiculaire pijn", ["radicular_pain"]), ("Radicular syndrome", ["radicular_syndrome"]),
    ("visus", ["visual_complaints"]), ("geen", []), ("10", []), ("11", None),
    ("radicular", R), ("12", R),
])
def test_list_valued_checklist(lang: str, typed: str, value: Any) -> None:
    got = read(SYMPTOMS, typed, lang)
    assert got is R if value is R else got == value


@pytest.mark.parametrize(("lang", "typed", "named", "not_named"), [
    ("en", "legs", ["Less strength in legs/arms", "Cannot walk/stand, legs give way"],
     "sudden_"),
    ("nl", "1, benen", ["Minder kracht in benen/armen", "Benen/armen slecht aan te sturen"],
     "sudden_"),
])
def test_checklist_refusals_name_options_in_words(lang: str, typed: str, named: list[str],
                                                  not_named: str) -> None:
    text = refusal(SUDDEN, typed, lang)
    for label in named:
        assert label in text
    assert not_named not in text


@BOTH
def test_a_checklist_refusal_names_the_labels(lang: str) -> None:
    text = refusal(TRIGGERS, "1,🤷", lang)
    assert "🤷" in text and translator(lang)("opt.flag.lhermitte") in text
    assert "mesmc_deficit" not in text and "bilateral_radicular" not in text


# --- numbers ----------------------------------------------------------------------------------
ALBUMIN = q("calc.nesms", "albumin_g_per_l")
KPS = q("calc.kps", "kps")  # the full Karnofsky table as buttons


@BOTH
@pytest.mark.parametrize(("question", "typed", "value"), [
    (ALBUMIN, "34,9", 34.9), (ALBUMIN, "34.9", 34.9), (ALBUMIN, " 35 ", 35.0),
    (ALBUMIN, "34,9.", 34.9), (ALBUMIN, "?", None), (ALBUMIN, "onbekend", None),
    (ALBUMIN, "unknown", None), (ALBUMIN, "4", R), (ALBUMIN, "71", R), (ALBUMIN, "3;5", R),
    (ALBUMIN, "veel", R), (ALBUMIN, "1", R),  # a number, never an option's place
    (KPS, "70", 70), (KPS, "70,0", 70), (KPS, "cares for self", 70),
    (KPS, "zelfverzorging, niet werken", 70), (KPS, "moribund", 10), (KPS, "stervend", 10),
    (KPS, "75", R), (KPS, "ziek", R),  # "zeer ernstig ziek" and "ernstig ziek, opname nodig"
])
def test_numbers(lang: str, question: Question, typed: str, value: Any) -> None:
    got = read(question, typed, lang)
    assert got is R if value is R else got == value


# --- every option of every question, in both languages ----------------------------------------
def _questions() -> list[tuple[str, Question]]:
    seen: dict[str, tuple[str, Question]] = {}
    for pathway, flow in FLOWS.items():
        for question in flow.questions:
            seen.setdefault(f"{pathway}:{question.id}", (pathway, question))
    return list(seen.values())


@pytest.mark.parametrize(("pathway", "question"), _questions(),
                         ids=[f"{p}:{q.id}" for p, q in _questions()])
def test_every_label_and_number_reads_as_its_button(pathway: str, question: Question) -> None:
    """Each option's label (nl and en, in a chat of either language) and, where the console
    numbers them, each option's number give what its button gives."""
    for chat in LANGUAGES:
        view = question_view(question, chat)
        for place, option in enumerate(view.options, 1):
            expected = parse_codes(question, str(option.value))
            assert isinstance(expected, Parsed), (question.id, option.value)
            labels = {question_view(question, lang).options[place - 1].label
                      for lang in LANGUAGES}
            for typed in (*labels, *(label.upper() for label in labels)):
                assert parse_answer(question, typed, chat) == expected, (question.id, typed)
            numbered = question.kind != "number" and not any(
                isinstance(o.value, int) for o in question.options)
            if numbered:
                assert parse_answer(question, str(place), chat) == expected, (question.id, place)


# --- the echo ---------------------------------------------------------------------------------
def _at_primary(lang: str) -> engine.Step:
    step = engine.start("spine.diagnosis", lang, NOW)
    step = engine.answer(step.conv, "1")  # MESCC deficit: the primary tumour next
    assert step.question is not None and step.question.id == "primary_tumor"
    return step


@pytest.mark.parametrize(("lang", "typed", "echo"), [
    ("en", "mammacarcinoom", "Breast cancer"), ("nl", "Breast cancer", "Mammacarcinoom"),
    ("en", "4", "Breast cancer"), ("nl", "BORST", None), ("en", "1", "No known primary tumour"),
    ("nl", "unknown", "Onbekend"),
])
def test_the_engine_echoes_a_typed_answer_in_the_chats_language(lang: str, typed: str,
                                                                echo: str | None) -> None:
    step = engine.answer(_at_primary(lang).conv, typed)
    assert step.read_as == echo
    assert (step.refusal is None) == (echo is not None)  # a refused answer is not echoed
    engine.close(step.conv)


@pytest.mark.parametrize(("lang", "question", "values", "echo"), [
    ("en", ALBUMIN, {"albumin_g_per_l": 34.9}, "34.9 g/L"),
    ("nl", ALBUMIN, {"albumin_g_per_l": 34.9}, "34,9 g/L"),
    ("en", KPS, {"kps": 70}, "70 – cares for self, cannot work"),
    ("en", TRIGGERS, {"mesmc_deficit": True, "bilateral_radicular": False, "lhermitte": True},
     EN("opt.flag.mesmc_deficit") + "; " + EN("opt.flag.lhermitte")),
    ("nl", TRIGGERS, dict.fromkeys(TRIGGERS.findings, False), "Geen van deze"),
    ("nl", TRIGGERS, dict.fromkeys(TRIGGERS.findings), "Onbekend"),
    ("en", SYMPTOMS, {"symptoms": ["headache", "confusion"]}, "Headache; Confusion"),
    ("nl", BOOL, {"brain_metastases": True}, "Ja"), ("en", BOOL, {"brain_metastases": False}, "No"),
])
def test_read_as_in_words(lang: str, question: Question, values: dict[str, Any],
                          echo: str) -> None:
    assert read_as(question, values, lang) == echo


def test_the_echo_is_on_the_next_jsonl_message() -> None:
    session = JsonlSession(lang="nl", pathway="spine.diagnosis")
    first = session.messages()[-1]
    assert "read_as" not in first
    nxt = session.send("1,3")[-1]  # a checklist answered by numbers
    assert nxt["read_as"] == NL("opt.flag.mesmc_deficit") + "; " + NL("opt.flag.lhermitte")
    assert nxt["id"] == "primary_tumor"
    refused = session.send("long")
    assert [m["type"] for m in refused] == ["error", "question"]
    assert "Niet-kleincellig longcarcinoom" in refused[0]["text"]
    assert all("read_as" not in m for m in refused)
    nxt = session.send("breast cancer")[-1]
    assert nxt["read_as"] == "Mammacarcinoom"
    assert session.send("/back")[-1].get("read_as") is None


def test_the_echo_ends_up_on_the_advice_too() -> None:
    session = JsonlSession(lang="en", pathway="spine.alarm")
    session.messages()
    advice = session.send("minder kracht")[-1]
    assert advice["type"] == "advice" and advice["read_as"] == "Less strength in legs/arms"


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "↳ Read as: Breast cancer"), ("nl", "↳ Gelezen als: Mammacarcinoom")])
def test_the_console_shows_the_echo(lang: str, line: str) -> None:
    out = io.StringIO()
    chat = ConsoleChat(out, lang=lang, jsonl=False, clock=FixedClock(NOW),
                       pathway="spine.diagnosis")
    chat.start()
    chat.handle("1")  # the first of the three triggers: the primary tumour is asked next
    assert translator(lang)("opt.flag.mesmc_deficit") in out.getvalue()
    chat.handle("Borst" if lang == "en" else "breast")
    text = out.getvalue()
    if lang == "en":
        assert "❗" in text and line not in text  # "Borst" is nothing: refused, not echoed
        chat.handle("MAMMACARCINOOM.")
        text = out.getvalue()
    assert line in text
    assert "  1. " in text


def test_the_console_lists_lp_numbers_by_their_value() -> None:
    out = io.StringIO()
    chat = ConsoleChat(out, lang="en", jsonl=False, clock=FixedClock(NOW))
    chat.show(engine.start("lm.diagnosis", "en", NOW))
    question = FLOWS["lm.diagnosis"].question("lp_number")
    chat._emit({"type": "question", "kind": "choice", "text": "LPs?", "options": [
        {"value": o.value, "label": o.label} for o in question_view(question, "en").options]})
    assert "  1: 1 LP" in out.getvalue() and "  ?: Unknown" in out.getvalue()


@BOTH
def test_telegram_shows_the_echo_above_the_reply(lang: str) -> None:
    step = engine.answer(_at_primary(lang).conv, "mamma")
    assert step.question is not None
    first = question_messages(step, lang, NOW)[0]
    echo = translator(lang)("ui.read_as", answer=translator(lang)("opt.primary_tumor.breast"))
    assert first.startswith(echo)
    button = engine.choose(_at_primary(lang).conv, "breast")
    assert not question_messages(button, lang, NOW)[0].startswith(echo.split(":")[0])


def test_telegram_shows_the_echo_above_the_advice() -> None:
    step = engine.start("spine.alarm", "en", NOW)
    step = engine.answer(step.conv, "1")
    assert step.done
    assert advice_messages(step, "en", NOW)[0].startswith("↳ Read as: Less strength in legs/arms")
