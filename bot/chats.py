"""Each chat's dialog state: loaded from and written through to the persistence's chat_data.

A chat's ``chat_data`` holds only what the dialog needs, all JSON:

``conv``         the conversation (``SavedConversation`` as JSON), absent when none is open
``lang``         the language the chat is answered in (nl or en)
``lang_chosen``  True once the user chose it with /language (else it follows Telegram's
                 ``language_code``)
``toggles``      the ticked options of the current multi-select question: ``{"step", "on"}``
``msg``          the id of the message holding the current keyboard (question or advice);
                 absent while the reply to the last step is not known to have arrived
``reply``        the reply to the current step as it is being delivered (see
                 :mod:`bot.replies`): ``{"step", "lang", "at", "settled", "parts", "old"}``
                 and ``"unsure"`` when a send of it failed but may have arrived

:class:`Chats` also keeps the live :class:`~dialogs.conversation.Conversation` of each chat (on
its pathway's machine) and when each chat was last active, so idle ones can be closed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from dialogs import engine
from dialogs.clock import Clock
from dialogs.conversation import Conversation, SavedConversation
from dialogs.engine import Step
from dialogs.i18n import LANGUAGES, normalize_language

from .persistence import SqlitePersistence

__all__ = ["ChatState", "Chats", "user_language"]

log = logging.getLogger(__name__)

CONV, LANG, LANG_CHOSEN, TOGGLES, MSG, REPLY = (
    "conv", "lang", "lang_chosen", "toggles", "msg", "reply")


def user_language(code: str | None, default: str) -> str:
    """The language for a Telegram ``language_code``; ``default`` when it is not nl or en."""
    lang = normalize_language(code)
    return lang if (code or "").strip().lower().startswith(lang) else default


@dataclass
class ChatState:
    """One chat while an update is handled; ``data`` is PTB's chat_data dict itself."""

    chat_id: int
    data: dict[str, Any]
    lang: str
    conv: Conversation | None
    toggles: list[int] = field(default_factory=list)
    msg: int | None = None
    reply: dict[str, Any] | None = None

    def dump(self) -> None:
        """Write the state into ``data`` (JSON values only)."""
        self.data[LANG] = self.lang
        self.data[LANG_CHOSEN] = bool(self.data.get(LANG_CHOSEN, False))
        if self.conv is None:
            self.data.pop(CONV, None)
            self.data.pop(TOGGLES, None)
        else:
            self.data[CONV] = self.conv.save().model_dump(mode="json")
            self.data[TOGGLES] = {"step": self.conv.step, "on": sorted(set(self.toggles))}
        for key, value in ((MSG, self.msg), (REPLY, self.reply)):
            if value is None:
                self.data.pop(key, None)
            else:
                self.data[key] = value


class Chats:
    """Live conversations and chat state, written through to the persistence."""

    def __init__(self, persistence: SqlitePersistence, clock: Clock,
                 default_language: str, idle_timeout: timedelta) -> None:
        self._persistence = persistence
        self._clock = clock
        self._default = default_language
        self._idle_timeout = idle_timeout
        self._live: dict[int, Conversation] = {}
        self._active: dict[int, datetime] = {}
        self._steps: dict[int, Step] = {}
        self._since = clock.now()

    # --- loading ------------------------------------------------------------------------------
    @staticmethod
    def reply_pending(data: dict[str, Any]) -> bool:
        """A reply was stored for the chat's dialog but is not known to have arrived."""
        return (isinstance(data.get(CONV), dict) and data.get(MSG) is None
                and isinstance(data.get(REPLY), dict))

    def open(self, chat_id: int, data: dict[str, Any], language_code: str | None) -> ChatState:
        """The chat's state for one update; resumes its conversation after a restart."""
        self._active[chat_id] = self._clock.now()
        if data.get(LANG_CHOSEN) and data.get(LANG) in LANGUAGES:
            lang = str(data[LANG])
        else:
            lang = user_language(language_code, self._default)
        conv = self._conversation(chat_id, data.get(CONV))
        if conv is not None and conv.lang != lang:
            engine.set_language(conv, lang)
        toggles: list[int] = []
        stored = data.get(TOGGLES)
        if conv is not None and isinstance(stored, dict) and stored.get("step") == conv.step:
            toggles = [i for i in stored.get("on", []) if isinstance(i, int)]
        msg, reply = data.get(MSG), data.get(REPLY)
        return ChatState(chat_id, data, lang, conv, toggles, msg if isinstance(msg, int) else None,
                         reply if conv is not None and isinstance(reply, dict) else None)

    def _conversation(self, chat_id: int, stored: object) -> Conversation | None:
        live = self._live.get(chat_id)
        if stored is None:
            if live is not None:  # purged or ended elsewhere: take it off its machine
                self.forget(chat_id)
            return None
        if live is not None and isinstance(stored, dict) and stored.get("step") == live.step:
            return live
        self.forget(chat_id)
        try:
            conv = engine.resume(SavedConversation.model_validate(stored))
        except (ValidationError, KeyError, ValueError, AttributeError) as exc:
            log.warning("chat %d: stored dialog could not be resumed (%s); dropped",
                        chat_id, type(exc).__name__)
            return None
        self._live[chat_id] = conv
        return conv

    # --- changing -----------------------------------------------------------------------------
    def begin(self, state: ChatState, step: Step, *, keep_toggles: bool = False) -> None:
        """``step`` is where the chat's dialog now stands (a new dialog, or a step of it).
        The ticks of a multi-select question are kept only when the same step is shown again."""
        if state.conv is not None and state.conv is not step.conv:
            self.forget(state.chat_id)
        if not keep_toggles:
            state.toggles = []
        state.conv = step.conv
        self._live[state.chat_id] = step.conv
        self._steps[state.chat_id] = step

    def end(self, state: ChatState) -> None:
        """End the chat's dialog and forget its answers."""
        self.forget(state.chat_id)
        state.conv = None
        state.toggles = []
        state.msg = None
        state.reply = None

    def forget(self, chat_id: int) -> None:
        conv = self._live.pop(chat_id, None)
        self._steps.pop(chat_id, None)
        if conv is not None:
            engine.close(conv)

    def roll_back(self, chat_id: int, data: dict[str, Any]) -> None:
        """A write failed: make the chat's state in memory what is stored again, so that nothing
        is shown as kept that is not (the stored keyboard works again)."""
        stored = self._persistence.stored_chat_data(chat_id)
        self.forget(chat_id)
        data.clear()
        data.update(stored)

    async def save(self, state: ChatState) -> None:
        """Write the chat's state through to the database now."""
        state.dump()
        await self._persistence.update_chat_data(state.chat_id, state.data)

    # --- idle chats and inspection --------------------------------------------------------------
    def idle(self, chat_ids: Iterable[int]) -> list[int]:
        """Of ``chat_ids`` (and the live ones), those inactive longer than the idle timeout."""
        cutoff = self._clock.now() - self._idle_timeout
        candidates = set(chat_ids) | set(self._live)
        return sorted(c for c in candidates if self._active.get(c, self._since) < cutoff)

    def drop_idle(self, chat_id: int) -> None:
        self.forget(chat_id)
        self._active.pop(chat_id, None)

    def last_step(self, chat_id: int) -> Step | None:
        """The step last shown in the chat (for tests and diagnostics)."""
        return self._steps.get(chat_id)

    def live_count(self) -> int:
        return len(self._live)
