"""Texts for people: questions, settled decisions, the advice and refusals, in Dutch or English.

Front ends (console, Telegram) only lay these out; they never build clinical sentences themselves.
The advice reads urgency first, then treatment, then work-up, then rationale with source
references and the interpretations it rests on; an open decision says which answer it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from logic.advice import Advice, Provisional
from logic.domains import domains
from logic.lm_treatment import WBRT_NOT_ADVISED
from logic.pathway import GUIDELINES
from logic.pathways import PATHWAYS

from .clock import format_deadline
from .conversation import Conversation
from .deadlines import anchor, resting_on_unknown, window_done
from .flows import FLOWS, Flow
from .i18n import N_, translator
from .keys import decision_key, field_key, finding_key, interpretation_key, item_key
from .layout import FIELDS, REHAB_CHECKLIST, SECTIONS
from .parsing import Refusal, number_text
from .questions import UNKNOWN, Question

GUIDELINE_TITLES = {
    "spine": "Multidisciplinaire Richtlijn Wervelmetastasen",
    "lm": "Richtlijn leptomeningeale metastasen van solide tumoren",
}


@dataclass(frozen=True)
class OptionView:
    value: str | int
    label: str


@dataclass(frozen=True)
class QuestionView:
    id: str
    kind: str
    text: str
    options: tuple[OptionView, ...]
    finding: str | None
    findings: tuple[str, ...]
    unit: str | None


# The guideline versions in words (logic.pathway.GUIDELINES holds them as codes for the JSON).
GUIDELINE_VERSIONS = {"spine": N_("guideline.version.spine"), "lm": N_("guideline.version.lm")}


def guideline_version(gid: str, lang: str) -> str:
    return translator(lang)(GUIDELINE_VERSIONS[gid])


def guideline_line(pathway: str, lang: str) -> str:
    t = translator(lang)
    gid = _guideline(pathway)
    return t("ui.guideline", title=GUIDELINE_TITLES[gid], version=guideline_version(gid, lang))


def _guideline(pathway: str) -> str:
    return PATHWAYS[pathway].guideline


def opening(lang: str) -> str:
    """The first message of every front end: guidelines and versions, disclaimer, privacy."""
    t = translator(lang)
    lines = [t("ui.opening_title"), ""]
    lines += [f"• {GUIDELINE_TITLES[g]} ({guideline_version(g, lang)})" for g in GUIDELINES]
    lines += ["", t("ui.disclaimer"), t("ui.no_identifiers")]
    return "\n".join(lines)


def pathway_title(pathway: str, lang: str) -> str:
    return translator(lang)(FLOWS[pathway].title)


def question_view(question: Question, lang: str) -> QuestionView:
    t = translator(lang)
    if question.kind == "bool":
        options = [OptionView("yes", t("common.yes")), OptionView("no", t("common.no"))]
    else:
        options = [OptionView(o.value, t(o.label)) for o in question.options]
    if question.kind == "multi":
        options.append(OptionView("none", t("common.none_of_these")))
    options.append(OptionView(UNKNOWN, t("common.unknown")))
    text = t(question.text)
    if question.kind == "number" and question.low is not None and question.high is not None:
        text += "\n" + t("ui.number_hint", low=_num(question.low), high=_num(question.high),
                         unit=t(question.unit) if question.unit else "")
    return QuestionView(question.id, question.kind, text, tuple(options), question.finding,
                        question.findings, t(question.unit) if question.unit else None)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


SURGERY_CHOSEN = N_("dec.surgery_preferred.true_chosen")
SURGERY_NOT_CHOSEN = N_("dec.surgery_preferred.true_not_chosen")


def decision_text(name: str, value: Any, lang: str, at: datetime,
                  findings: Mapping[str, Any] | None = None,
                  decisions: Mapping[str, Any] | None = None, *,
                  checklist: bool = True) -> str | None:
    """One decided field as text; ``None`` when a decided empty value is not worth showing.
    ``at`` is the anchor a window counts from (:func:`dialogs.deadlines.anchor`).
    ``findings`` (the known answers, when there is a conversation) adds what depends on the
    case: the MRI window shown as done once there is a result (C6), the WBRT remark only for
    the primaries it is about. ``checklist=False`` leaves out a checklist that goes with the
    decision (shown once, elsewhere)."""
    t = translator(lang)
    view = FIELDS[name]
    known = findings or {}
    if value is None:
        return t(decision_key(name, "none")) if view.none_text else None
    if view.kind == "hours":
        if window_done(name, known):
            return t("dec.mri_within_hours.done", hours=value)
        return t(decision_key(name, "hours"), deadline=format_deadline(at, value, lang))
    if view.kind in ("bool", "code", "category"):
        text = t(decision_key(name, value))
        if name == "surgery_preferred" and value is True and decisions is not None:
            chosen = decisions.get("primary_treatment")  # C5: "would be" unless it is chosen
            if chosen is not None:
                wording = SURGERY_CHOSEN if chosen == "surgery" else SURGERY_NOT_CHOSEN
                text = t(wording)
        if name == "rehabilitation_consult" and value is True and checklist:
            text += "".join("\n  – " + t(item_key(name, c)) for c in REHAB_CHECKLIST)
        if name == "next_step" and value == "treatment":  # spec §3.2: name the start window
            if known.get("mesmc_deficit") is True:
                text += " " + t("dec.next_step.treatment_within_24h")
            elif known.get("mesmc_on_mri") is True:
                text += " " + t("dec.next_step.treatment_within_72h")
        return text
    if view.kind == "list":
        text = (t(decision_key(name, "empty")) if not value else t(field_key(name)) + ":" +
                "".join(f"\n  • {t(item_key(name, code))}" for code in value))
        if (name == "radiotherapy" and known.get("primary_tumor") in WBRT_NOT_ADVISED
                and "wbrt_bridge" not in value):
            text += "\n" + t("dec.radiotherapy.wbrt_not_advised")
        return text
    if view.kind == "nesms":
        return _nesms(value, lang)
    return t(decision_key(name, "text"))


def _nesms(n: dict[str, Any], lang: str) -> str:
    t = translator(lang)
    if "score_low" in n:  # a range: the primary tumour is unknown (I-7)
        score = n["score"] if n["score"] is not None else f"{n['score_low']}–{n['score_high']}"
        mbauer = f"{n['mbauer_low']}–{n['mbauer_high']}"
        survival = "dec.nesms.survival." + (n["median_survival"] or "open")
        text = t("dec.nesms.range", score=score, mbauer=mbauer,
                 points_mbauer=n["points"]["mbauer"],
                 points_ambulation=n["points"]["ambulation"],
                 points_albumin=n["points"]["albumin"], survival=t(survival))
        return text + "\n" + t("dec.nesms.mdo_note")
    text = t("dec.nesms.summary", score=n["score"], mbauer=n["mbauer"],
             points_mbauer=n["points"]["mbauer"], points_ambulation=n["points"]["ambulation"],
             points_albumin=n["points"]["albumin"], mortality_6m=n["mortality_6m_pct"],
             mortality_1y=n["mortality_1y_pct"],
             survival=t(f"dec.nesms.survival.{n['median_survival']}"))
    if n["ceiling_applied"]:
        text += "\n" + t("dec.nesms.ceiling", points_sum=n["points_sum"])
    return text + "\n" + t("dec.nesms.mdo_note")


def provisional_text(name: str, provisional: Provisional, lang: str, at: datetime) -> str:
    """An undecided urgency at its fail-safe value (spec §3.0): the most urgent value still
    possible, and the findings that could make it less urgent, in words; a window counted from
    ``at``, its anchor."""
    t = translator(lang)
    value = provisional.value
    shown = (decision_text(name, value, lang, at) if value is not None
             else t(decision_key(name, "none")) if FIELDS[name].none_text else None)
    decision = (shown or t(field_key(name))).rstrip(".")
    if not provisional.unless:
        return t("ui.provisional", decision=decision)
    named = _and(lang, [_label(t(finding_key(f))) for f in provisional.unless])
    if all(FINDING_KINDS.get(f) == "bool" for f in provisional.unless):
        return t(PROVISIONAL_UNLESS, decision=decision, unless=named)  # "... are excluded"
    return t(PROVISIONAL_UNTIL, decision=decision, unless=named)  # "... until ... are known"


PROVISIONAL_UNLESS = N_("ui.provisional_unless")
PROVISIONAL_UNTIL = N_("ui.provisional_until")
# What kind each finding is (yes/no or not), for the wording of a provisional urgency.
FINDING_KINDS = {name: d.kind for p in PATHWAYS.values() for name, d in domains(p.findings).items()}


PROPER_NAMES = ("Lhermitte",)  # labels that start with a name keep their capital


def _label(text: str) -> str:
    """A finding's label inside a sentence: lower case first, unless it is an abbreviation or
    starts with a name."""
    if text.startswith(PROPER_NAMES) or not text[1:2].islower():
        return text
    return text[:1].lower() + text[1:]


def _and(lang: str, items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    t = translator(lang)
    return ", ".join(items[:-1]) + " " + t("ui.and") + " " + items[-1]


def settled_text(pathway: str, newly: dict[str, Any], lang: str, now: datetime,
                 advice: Advice | None = None, conv: Conversation | None = None) -> str:
    """The decisions settled by the last answer, in layout order (urgency first); with the
    advice and the conversation, also the urgencies an "unknown" answer left provisional. A
    field that does not apply is never shown (C2)."""
    skip = set(advice.not_applicable) if advice is not None else set()
    findings = conv.known() if conv is not None else None
    # Shown when the last answer's "unknown" leaves an urgency open (spec §3.0).
    provisional = (resting_on_unknown(advice, conv, conv.asked[-1:])
                   if advice is not None and conv is not None else {})
    lines = []
    for _, fields in SECTIONS[pathway]:
        for name in fields:
            if name in provisional:
                lines.append("⚠️ " + provisional_text(name, provisional[name], lang,
                                                      anchor(conv, name, now)))
            elif name in newly and name not in skip and not FIELDS[name].always:
                text = decision_text(name, newly[name], lang, anchor(conv, name, now), findings,
                                     advice.decisions if advice is not None else None,
                                     checklist=False)  # the checklist comes with the advice
                if text:
                    lines.append("✅ " + text)
    return "\n".join(lines)


def field_line(advice: Advice, name: str, lang: str, now: datetime,
               conv: Conversation | None = None, *, checklist: bool = True,
               ) -> tuple[bool, str] | None:
    """One field of the advice as a line: (settled, text); ``None`` when it is not shown — a
    field that does not apply never is, not even as undecided (C2). An undecided urgency reads
    as its fail-safe value, another undecided field names the questions it waits on."""
    if name in advice.not_applicable:
        return None
    t = translator(lang)
    if name in advice.provisional:
        return False, provisional_text(name, advice.provisional[name], lang,
                                       anchor(conv, name, now))
    needs = advice.missing_by_decision.get(name)
    if needs is not None:
        asked = [t(q.text) for q in _questions_for(FLOWS[advice.pathway], needs)]
        return False, (t("ui.undecided", field=t(field_key(name)),
                         needs="; ".join(asked) or ", ".join(needs))
                       if needs else t("ui.undecided_later", field=t(field_key(name))))
    findings = conv.known() if conv is not None else None
    text = decision_text(name, advice.decisions[name], lang, anchor(conv, name, now), findings,
                         advice.decisions, checklist=checklist)
    return (True, text) if text else None


def rationale_lines(advice: Advice, lang: str, conv: Conversation | None = None) -> list[str]:
    """Why each shown decision is what it is: the answers it rests on and its sources."""
    t = translator(lang)
    flow = FLOWS[advice.pathway]
    lines = []
    for r in advice.rationale:
        if not _shown(advice, r.decision):
            continue
        because = "; ".join(finding_with_answer(f, flow, conv, lang) for f in r.because
                            ) or t("ui.always")
        lines.append(t("ui.because", field=t(field_key(r.decision)), because=because,
                       source=r.source))
    return lines


def advice_text(advice: Advice, lang: str, now: datetime,
                conv: Conversation | None = None) -> str:
    """The whole advice; with the conversation, the rationale shows the answers it rests on."""
    t = translator(lang)
    out = [t("ui.advice_title", title=pathway_title(advice.pathway, lang)),
           guideline_line(advice.pathway, lang)]
    for section, fields in SECTIONS[advice.pathway]:
        lines = []
        for name in fields:
            line = field_line(advice, name, lang, now, conv)
            if line is not None:
                settled, text = line
                lines.append(("• " if settled else "⚠️ ") + text)
        if lines:
            out += ["", t(f"section.{section}").upper(), *lines]
    reasons = rationale_lines(advice, lang, conv)
    if reasons:  # no empty heading when nothing is decided yet
        out += ["", t("ui.rationale").upper(), *reasons]
    if advice.interpretations:
        out += ["", t("ui.interpretations").upper()]
        out += [f"• {t(interpretation_key(i.id))}" for i in advice.interpretations]
    return "\n".join(out)


def finding_with_answer(finding: str, flow: Flow, conv: Conversation | None, lang: str) -> str:
    t = translator(lang)
    label = t(finding_key(finding))
    question = flow.question_for(finding)
    if conv is None or question is None or finding not in conv.answers:
        return label
    shown = answer_text(question, conv.answers[finding], lang)
    return f"{label}: {shown}"


def _shown(advice: Advice, name: str) -> bool:
    if name in advice.not_applicable:
        return False
    value = advice.decisions[name]
    return value is not None or FIELDS[name].none_text


def _questions_for(flow: Flow, findings: list[str]) -> list[Question]:
    seen: dict[str, Question] = {}
    for f in findings:
        q = flow.question_for(f)
        if q is not None:
            seen.setdefault(q.id, q)
    return list(seen.values())


def refusal_text(refusal: Refusal, question: Question | None, lang: str) -> str:
    t = translator(lang)
    params = dict(refusal.params)
    if question is not None and question.unit:
        params.setdefault("unit", t(question.unit))
    params.setdefault("unit", "")
    return t(refusal.key, **params)


def answer_text(question: Question, value: Any, lang: str) -> str:
    """How one finding's answer reads back (rationale, chart note): labels, not codes."""
    t = translator(lang)
    if value is None:
        return t("common.unknown")
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, list):
        return ", ".join(t(question.option(v).label) for v in value  # type: ignore[union-attr]
                         ) or t("common.none_of_these")
    if question.kind == "number":
        return number_text(question, value, lang)
    option = question.option(value)
    return t(option.label) if option is not None else str(value)
