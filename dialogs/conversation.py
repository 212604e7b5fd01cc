"""One chat's dialog on one pathway: the model a pathway Machine drives, and its stored form.

Only what the dialog needs is kept: pathway, language, the answers (finding -> value, ``None`` for
"unknown"), the questions asked in order (for back), a step counter (for stale buttons), the
start time (for the chart note) and the deadline anchors: when each window was first shown, and
the time of presentation when the user gave one (spec §3.0). No names, no free text, no
identifiers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from logic.advice import Advice


class SavedConversation(BaseModel):
    """The stored form (JSON): never a pickled Machine."""

    model_config = ConfigDict(extra="forbid")

    pathway: str
    lang: str
    state: str
    answers: dict[str, Any]
    asked: list[str]
    step: int
    started_at: datetime
    anchors: dict[str, datetime] = {}
    presented_at: datetime | None = None


class Conversation:
    """Plain attributes only; the pathway's Machine adds ``state`` and the trigger methods."""

    state: str

    def __init__(self, pathway: str, lang: str, started_at: datetime,
                 answers: dict[str, Any] | None = None, asked: list[str] | None = None,
                 step: int = 0, anchors: dict[str, datetime] | None = None,
                 presented_at: datetime | None = None) -> None:
        self.pathway = pathway
        self.lang = lang
        self.started_at = started_at
        self.answers: dict[str, Any] = dict(answers or {})
        self.asked: list[str] = list(asked or [])
        self.step = step
        # Window field -> the moment it was first shown; never recomputed (spec §3.0, C8).
        self.anchors: dict[str, datetime] = dict(anchors or {})
        self.presented_at = presented_at  # an earlier anchor the user set (time of presentation)
        # The last advice computed, keyed by the answers it was computed from (never stored).
        self.cached_advice: tuple[tuple[Any, ...], Advice] | None = None
        # The findings the dialog does not ask (they wait on an unknown answer), likewise.
        self.cached_waiting: tuple[tuple[Any, ...], frozenset[str]] | None = None

    def known(self) -> dict[str, Any]:
        """The answered findings, without those answered as unknown."""
        return {k: v for k, v in self.answers.items() if v is not None}

    def save(self) -> SavedConversation:
        return SavedConversation(pathway=self.pathway, lang=self.lang, state=self.state,
                                 answers=dict(self.answers), asked=list(self.asked),
                                 step=self.step, started_at=self.started_at,
                                 anchors=dict(self.anchors), presented_at=self.presented_at)
