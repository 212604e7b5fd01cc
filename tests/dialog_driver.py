"""Drive the JSONL console with a case's findings, as an outside program would."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from bot.console import ConsoleChat
from dialogs.clock import FixedClock
from dialogs.i18n import translator
from dialogs.parsing import UNKNOWN_WORDS
from dialogs.questions import option_key

NIGHT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 03:00 in Amsterdam


def answer_for(question: dict[str, Any], findings: dict[str, Any]) -> str:
    """The protocol answer a clinician would type for this question, from the case."""
    if question["findings"]:  # several boolean findings at once
        flags = question["findings"]
        if all(f not in findings for f in flags):
            return "?"
        chosen = [f for f in flags if findings.get(f) is True]
        return ",".join(chosen) or "none"
    value = findings.get(question["finding"])
    if value is None:
        return "?"
    if question["kind"] == "bool":
        return "yes" if value else "no"
    if question["kind"] == "multi":
        return ",".join(value) or "none"
    if str(value) in UNKNOWN_WORDS:  # typed "unknown" means unknown: name the option by its label
        return translator("en")(option_key(question["finding"], value))
    return str(value)


class JsonlSession:
    def __init__(self, *, lang: str, pathway: str | None = None,
                 now: datetime = NIGHT) -> None:
        self.out = io.StringIO()
        self.chat = ConsoleChat(self.out, lang=lang, jsonl=True, clock=FixedClock(now),
                                pathway=pathway)
        self._read = 0
        self.chat.start()

    def messages(self) -> list[dict[str, Any]]:
        text = self.out.getvalue()
        new, self._read = text[self._read:], len(text)
        return [json.loads(line) for line in new.splitlines() if line.strip()]

    def send(self, line: str) -> list[dict[str, Any]]:
        self.chat.handle(line)
        return self.messages()


def drive_case(pathway: str, findings: dict[str, Any], lang: str,
               max_steps: int = 60) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Answer every question from the findings; returns the advice message and the transcript."""
    session = JsonlSession(lang=lang, pathway=pathway)
    transcript = session.messages()
    for _ in range(max_steps):
        last = transcript[-1]
        if last["type"] == "advice":
            return last, transcript
        assert last["type"] == "question", last
        transcript += session.send(answer_for(last, findings))
    raise AssertionError("dialog did not end")
