"""The final advice laid out for one phone screen (issue 12): what to do now first.

:func:`advice_screen` splits the advice into

* ``urgent`` — every urgency line, marked ⏰ (a window with a deadline), 🚨 (an action to take
  now) or • (settled, not time-critical); ⚠️ for one still open;
* ``choice`` — the treatment choice (or the next step) and ``reason``, its one-line why;
* ``details`` — the rest, in blocks that are never split or repeated: the other treatment
  items, work-up and follow-up, checklists, the rationale with its sources, the
  interpretations, and the guideline it rests on.

Front ends decide how to show the blocks (Telegram: an expandable quote); the texts are the
same as :func:`dialogs.render.advice_text` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from logic.advice import Advice

from .clock import format_clock
from .conversation import Conversation
from .deadlines import window_done
from .flows import FLOWS
from .i18n import N_, translator
from .keys import field_key, interpretation_key, item_key
from .layout import FIELDS, REHAB_CHECKLIST, SECTIONS
from .render import (
    _shown,
    field_line,
    finding_with_answer,
    guideline_line,
    pathway_title,
    rationale_lines,
)

__all__ = ["CHOICE", "AdviceScreen", "Block", "advice_screen", "mark"]

#: The field(s) that are "the treatment choice" of a pathway (or its next step).
CHOICE: dict[str, tuple[str, ...]] = {
    "spine.diagnosis": ("next_step",),
    "spine.treatment": ("primary_treatment",),
    "lm.diagnosis": ("diagnosis",),
    "lm.treatment": ("lm_category", "primary_treatment"),
    "calc.nesms": ("nesms",),
    "calc.kps": ("kps_description", "kps_at_least_70"),
    "calc.lm_category": ("lm_category",),
}
#: Values of urgency fields that are actions to take now (🚨); a window in hours is ⏰.
NOW: dict[str, frozenset[object]] = {
    "alarm_level": frozenset({"contact_now"}),
    "corticosteroids": frozenset({"start_now"}),
    "dexamethasone": frozenset({"start"}),
    "mdo": frozenset({"urgent_ad_hoc"}),
    "csf_pressure_relief": frozenset({"neurosurgery_first"}),
    "lumbar_puncture": frozenset({"neurosurgery_first"}),
}
REASON = N_("ui.reason")
CHECKLIST_TITLE = N_("ui.checklist")
SOURCE = N_("ui.source_title")
MAX_REASON_FINDINGS = 3


@dataclass(frozen=True)
class Block:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class AdviceScreen:
    title: str
    urgent: tuple[str, ...]
    choice: tuple[str, ...]
    reason: str | None
    details: tuple[Block, ...]


def mark(name: str, value: object, done: bool = False) -> str:
    """⏰ for a window with a deadline, 🚨 for an action now, • otherwise."""
    if FIELDS[name].kind == "hours" and value is not None and not done:
        return "⏰"
    return "🚨" if value in NOW.get(name, ()) else "•"


def advice_screen(advice: Advice, lang: str, now: datetime,
                  conv: Conversation | None = None) -> AdviceScreen:
    t = translator(lang)
    findings = conv.known() if conv is not None else None
    choice_fields = CHOICE.get(advice.pathway, ())
    urgent: list[str] = []
    choice: list[str] = []
    details: list[Block] = []
    checklist: list[str] = []
    for section, fields in SECTIONS[advice.pathway]:
        lines: list[str] = []
        for name in fields:
            if name in advice.not_applicable:
                continue
            line = _line(advice, name, lang, now, conv, findings)
            if line is None:
                continue
            if name == "rehabilitation_consult" and advice.decisions.get(name) is True:
                checklist = [t(item_key(name, c)) for c in REHAB_CHECKLIST]
            if section == "urgency":
                urgent.append(line)
            elif name in choice_fields:
                choice.append("▶" + line[1:] if line.startswith("•") else line)
            else:
                lines.append(line)
        if lines:
            details.append(Block(t(f"section.{section}"), tuple(lines)))
    if checklist:
        details.append(Block(t(CHECKLIST_TITLE), tuple(f"– {c}" for c in checklist)))
    rationale = rationale_lines(advice, lang, conv)
    if rationale:
        details.append(Block(t("ui.rationale"), tuple(rationale)))
    if advice.interpretations:
        details.append(Block(t("ui.interpretations"),
                             tuple(f"• {t(interpretation_key(i.id))}"
                                   for i in advice.interpretations)))
    details.append(Block(t(SOURCE), (guideline_line(advice.pathway, lang),)))
    return AdviceScreen(t("ui.advice_title", title=pathway_title(advice.pathway, lang)),
                        tuple(urgent), tuple(choice), _reason(advice, choice_fields, lang, conv),
                        tuple(details))


def _line(advice: Advice, name: str, lang: str, now: datetime, conv: Conversation | None,
          findings: dict[str, object] | None) -> str | None:
    line = field_line(advice, name, lang, now, conv, checklist=False)
    if line is None:
        return None
    settled, text = line
    if not settled:
        return "⚠️ " + text
    value = advice.decisions[name]
    return f"{mark(name, value, window_done(name, findings or {}))} {text}"


def _reason(advice: Advice, fields: tuple[str, ...], lang: str,
            conv: Conversation | None) -> str | None:
    """The choice's why in one line: the first findings it rests on and the sources."""
    flow = FLOWS[advice.pathway]
    for r in advice.rationale:
        if r.decision in fields and _shown(advice, r.decision) and r.because:
            shown = [finding_with_answer(f, flow, conv, lang)
                     for f in r.because[:MAX_REASON_FINDINGS]]
            more = " …" if len(r.because) > MAX_REASON_FINDINGS else ""
            return translator(lang)(REASON, because="; ".join(shown) + more, source=r.source)
    return None


REMINDER = N_("ui.reminder")


def reminder_text(pathway: str, name: str, deadline: datetime, lang: str, now: datetime) -> str:
    """A reminder names the pathway and the action and its deadline, never a patient."""
    t = translator(lang)
    minutes = max(0, round((deadline - now).total_seconds() / 60))
    # i18n: {title} the pathway, {action} e.g. "MRI of the whole spine", {deadline} local time
    return t(REMINDER, title=pathway_title(pathway, lang), action=t(field_key(name)),
             deadline=format_clock(deadline, lang), minutes=minutes)
