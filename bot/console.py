"""The console chat: the embedded front end when no Telegram token is set.

Two modes over the same dialog engine:

* interactive (default): numbered options, typed answers, for a person at a terminal;
* ``--jsonl``: one JSON object per line each way, for machines and tests (README: "JSONL").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TextIO

from dialogs import engine
from dialogs.chart_note import chart_note
from dialogs.clock import Clock, SystemClock, parse_local_time
from dialogs.deadlines import deadlines, note_shown
from dialogs.engine import Step
from dialogs.flows import MENU
from dialogs.i18n import LANGUAGES, N_, translator
from dialogs.parsing import read_as_line
from dialogs.render import (
    advice_text,
    opening,
    pathway_title,
    question_view,
    refusal_text,
    settled_text,
)

MENU_ID = "menu"
DONE_HINT = N_("ui.done_hint")
MENU_PROMPT = N_("ui.menu")
HELP = N_("console.help")
ERR_OPTION = N_("error.option")
ERR_LANG = N_("error.lang")
ERR_COMMAND = N_("error.command")
ERR_TIME = N_("error.time")
COMMANDS = "/back, /restart, /menu, /summary, /time HH:MM, /lang nl|en, /help, /quit"


class ConsoleChat:
    """Reads one line at a time and writes replies; knows nothing clinical."""

    def __init__(self, out: TextIO, *, lang: str, jsonl: bool, clock: Clock | None = None,
                 pathway: str | None = None) -> None:
        self.out = out
        self.lang = lang
        self.jsonl = jsonl
        self.clock = clock or SystemClock()
        self.fixed_pathway = pathway
        self.step: Step | None = None
        self.first = True
        self.finished = False

    # --- output -------------------------------------------------------------------------
    def _emit(self, obj: dict[str, Any]) -> None:
        if self.first:
            obj["notice"] = opening(self.lang)
        if self.jsonl:
            self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            if self.first:
                self.out.write(obj["notice"] + "\n\n")
            self._write_human(obj)
        self.first = False
        self.out.flush()

    def _write_human(self, obj: dict[str, Any]) -> None:
        if obj.get("read_as"):
            self.out.write(read_as_line(obj["read_as"], self.lang) + "\n\n")
        if obj.get("settled_text"):
            self.out.write(obj["settled_text"] + "\n\n")
        if obj["type"] == "error":
            self.out.write("❗ " + obj["text"] + "\n")
            return
        if obj["type"] == "advice":
            self.out.write(obj["text"] + "\n\n" + translator(self.lang)(DONE_HINT) + "\n")
            return
        self.out.write(obj["text"] + "\n")
        # Options that are numbers themselves (LPs done) are typed as those numbers.
        numbered = obj["kind"] != "number" and not any(
            isinstance(o["value"], int) for o in obj["options"])
        for i, opt in enumerate(obj["options"], 1):
            prefix = f"  {i}. " if numbered else f"  {opt['value']}: "
            self.out.write(prefix + opt["label"] + "\n")
        self.out.write("> ")

    def _now(self) -> datetime:
        return self.clock.now()

    def show_menu(self) -> None:
        t = translator(self.lang)
        self.step = None
        self._emit({
            "type": "question", "pathway": None, "id": MENU_ID, "kind": "choice",
            "finding": None, "findings": [],
            "options": [{"value": p, "label": pathway_title(p, self.lang)} for p in MENU],
            "text": t(MENU_PROMPT), "decisions": {},
        })

    def show(self, step: Step) -> None:
        self.step = step
        now = self._now()
        note_shown(step.conv, step.advice, now)  # anchor the windows shown from now on
        settled = settled_text(step.conv.pathway, step.newly_settled, self.lang, now,
                               step.advice, step.conv)
        if step.refusal is not None:
            self._emit({"type": "error",
                        "text": refusal_text(step.refusal, step.question, self.lang)})
        echo = {"read_as": step.read_as} if step.read_as else {}
        if step.question is None:
            self.finished = True
            self._emit({"type": "advice", "advice": step.advice.model_dump(mode="json"),
                        "text": advice_text(step.advice, self.lang, now, step.conv),
                        "chart_note": chart_note(step.conv, step.advice, self.lang, now),
                        "settled_text": settled, "deadlines": deadlines(step.conv), **echo})
            return
        self.finished = False
        view = question_view(step.question, self.lang)
        self._emit({
            "type": "question", "pathway": step.conv.pathway, "id": view.id, "kind": view.kind,
            "finding": view.finding, "findings": list(view.findings),
            "options": [{"value": o.value, "label": o.label} for o in view.options],
            "text": view.text, "unit": view.unit, "decisions": step.advice.settled(),
            "settled_text": settled, "deadlines": deadlines(step.conv), **echo,
        })

    def error(self, key: str, **params: Any) -> None:
        self._emit({"type": "error", "text": translator(self.lang)(key, **params)})
        self.repeat()

    def repeat(self) -> None:
        if self.step is None:
            self.show_menu()
        else:
            self.show(engine.current(self.step.conv))

    # --- input --------------------------------------------------------------------------
    def start(self) -> None:
        if self.fixed_pathway:
            self.show(engine.start(self.fixed_pathway, self.lang, self._now()))
        else:
            self.show_menu()

    def handle(self, line: str) -> bool:
        """One line of input; False when the chat should end."""
        text = line.strip()
        if text.startswith("/"):
            return self._command(text)
        if self.step is None:
            return self._choose_pathway(text)
        # Option numbers ('2', '1,3') and labels are read by the engine (dialogs.parsing).
        self.show(engine.answer(self.step.conv, text))
        return True

    def _choose_pathway(self, text: str) -> bool:
        choice = text
        if not self.jsonl and text.isdigit() and 1 <= int(text) <= len(MENU):
            choice = MENU[int(text) - 1]
        if choice not in MENU:
            self.error(ERR_OPTION, allowed=", ".join(MENU))
            return True
        self.show(engine.start(choice, self.lang, self._now()))
        return True

    def _command(self, text: str) -> bool:
        name, _, arg = text.partition(" ")
        conv = self.step.conv if self.step else None
        if name == "/quit":
            return False
        if name == "/lang":
            if arg.strip() not in LANGUAGES:
                self.error(ERR_LANG, allowed=", ".join(LANGUAGES))
                return True
            self.lang = arg.strip()
            if conv is not None:
                conv.lang = self.lang
                self.show(engine.set_language(conv, self.lang))
            else:
                self.show_menu()
            return True
        if name == "/restart" and conv is not None:
            self.show(engine.restart(conv))
        elif name == "/back" and conv is not None:
            self.show(engine.back(conv))
        elif name == "/menu":
            self.show_menu()
        elif name == "/summary" and conv is not None and self.step is not None:
            note = chart_note(conv, self.step.advice, self.lang, self._now())
            if self.jsonl:
                self._emit({"type": "summary", "chart_note": note, "deadlines": deadlines(conv)})
            else:
                self.out.write(note + "\n")
        elif name == "/time" and conv is not None:
            moment = parse_local_time(arg, self._now())
            if moment is None:
                self.error(ERR_TIME)
            else:
                self.show(engine.presented_at(conv, moment, self._now()))
        elif name == "/help":
            self.out.write(translator(self.lang)(HELP) + "\n")
        else:
            self.error(ERR_COMMAND, command=name[:40], allowed=COMMANDS)
        return True


def run(lines: Iterable[str], out: TextIO, *, lang: str, jsonl: bool,
        pathway: str | None = None, clock: Clock | None = None,
        on_end: Callable[[], None] | None = None) -> int:
    chat = ConsoleChat(out, lang=lang, jsonl=jsonl, clock=clock, pathway=pathway)
    chat.start()
    for line in lines:
        if not chat.handle(line):
            break
    if on_end:
        on_end()
    return 0
