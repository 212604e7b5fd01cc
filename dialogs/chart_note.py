"""The chart note: plain text to paste into the patient record (no identifiers in it)."""

from __future__ import annotations

from datetime import datetime

from logic.advice import Advice

from .clock import format_timestamp
from .conversation import Conversation
from .deadlines import anchor
from .flows import FLOWS
from .i18n import translator
from .keys import field_key, interpretation_key
from .layout import SECTIONS
from .render import (
    decision_text,
    finding_with_answer,
    guideline_line,
    pathway_title,
    provisional_text,
)


def chart_note(conv: Conversation, advice: Advice, lang: str, now: datetime) -> str:
    t = translator(lang)
    flow = FLOWS[conv.pathway]
    lines = [
        t("note.title", title=pathway_title(conv.pathway, lang)),
        guideline_line(conv.pathway, lang),
        t("note.timestamp", when=format_timestamp(now, lang)),
        "",
        t("note.answers"),
    ]
    for qid in conv.asked:
        for finding in flow.question(qid).sets:
            lines.append(f"- {finding_with_answer(finding, flow, conv, lang)}")
    if not conv.asked:
        lines.append("- " + t("note.no_answers"))
    lines += ["", t("note.decisions")]
    not_applicable = set(advice.not_applicable)
    for _, fields in SECTIONS[conv.pathway]:
        for name in fields:
            if name in not_applicable:
                continue  # never shown (C2)
            if name in advice.provisional:
                worded = provisional_text(name, advice.provisional[name], lang,
                                          anchor(conv, name, now))
                lines.append("- " + worded.replace("\n", "\n  "))
                continue
            if name in advice.missing_by_decision:
                still_open = t("note.open")
                lines.append(f"- {t(field_key(name))}: {still_open}")
                continue
            text = decision_text(name, advice.decisions[name], lang, anchor(conv, name, now),
                                 conv.known(), advice.decisions)
            if text:
                lines.append("- " + text.replace("\n", "\n  "))
    if advice.interpretations:  # with their text, so the reader can overrule them (spec §5)
        lines += ["", t("note.interpretations_title")]
        lines += [f"- {t(interpretation_key(i.id))}" for i in advice.interpretations]
    lines += ["", t("ui.disclaimer")]
    return "\n".join(lines)
