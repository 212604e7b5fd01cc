"""What every update passes first (a TypeHandler in group -1): private chats of allowed users
only (strangers get one refusal, within a budget), once only, and a per-user rate limit.
Whatever is stopped here stores nothing."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from dialogs.i18n import translator

from .chats import user_language
from .dbfile import StorageError
from .persistence import SqlitePersistence

__all__ = ["Gate", "Stats"]

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds of the rate limit
_MAX_REMEMBERED = 10_000
REFUSALS_PER_MINUTE = 20  # refusals sent to strangers, all together


@dataclass
class Stats:
    """Counts of what happened to updates (no contents)."""

    handled: int = 0
    duplicates: int = 0
    refused: int = 0
    refusals_unsent: int = 0
    left_chats: int = 0
    rate_limited: int = 0
    errors: int = 0
    last_progress: float = field(default_factory=time.monotonic)

    def progress(self) -> None:
        """An update was handled (or refused, or skipped): the bot is not stalled."""
        self.last_progress = time.monotonic()

    def since_progress(self) -> float:
        return time.monotonic() - self.last_progress


class Gate:
    def __init__(self, persistence: SqlitePersistence, allowed: frozenset[int], per_minute: int,
                 default_language: str, stats: Stats,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._persistence = persistence
        self._allowed = allowed
        self._per_minute = per_minute
        self._default = default_language
        self._stats = stats
        self._monotonic = monotonic
        self._recent: dict[int, deque[float]] = {}
        self._noticed: dict[int, float] = {}
        self._refused_users: set[int] = set()
        self._refusals: deque[float] = deque()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._stats.progress()
        if not isinstance(update, Update):
            raise ApplicationHandlerStop
        chat = update.effective_chat
        if chat is None:
            raise ApplicationHandlerStop
        # Groups and strangers cost no write: leaving twice is harmless, and a refusal is sent
        # once per user and within a budget (a re-delivered update changes nothing).
        if chat.type != ChatType.PRIVATE:
            context.application.drop_chat_data(chat.id)
            await self._leave(update, context)
            raise ApplicationHandlerStop
        user = update.effective_user
        if user is None or user.id not in self._allowed:
            context.application.drop_chat_data(chat.id)
            await self._refuse(update, context)
            raise ApplicationHandlerStop
        if not await self._first_time(update.update_id, context.bot.id):
            self._stats.duplicates += 1
            log.info("update %d was delivered again; skipped", update.update_id)
            raise ApplicationHandlerStop
        if not self._within_rate(user.id):
            await self._slow_down(update, context, user.id)
            raise ApplicationHandlerStop
        if chat.id in self._persistence.set_aside:
            await self._tell_set_aside(update, context, chat.id)

    async def _first_time(self, update_id: int, bot_id: int) -> bool:
        """Whether the update is new. When it cannot be recorded (the storage refuses writes)
        it is handled anyway: the dialog then says honestly what could not be saved."""
        try:
            return await self._persistence.mark_update_seen(update_id, bot_id)
        except StorageError as exc:
            log.error("update %d could not be recorded as seen: %s", update_id, exc)
            return True

    async def _tell_set_aside(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                              chat_id: int) -> None:
        user = update.effective_user
        t = translator(user_language(user.language_code if user else None, self._default))
        try:
            await context.bot.send_message(chat_id, t("bot.state.set_aside"))
            await self._persistence.notice_set_aside(chat_id)
        except (TelegramError, StorageError) as exc:
            log.warning("could not tell chat %d its state was set aside: %s", chat_id,
                        type(exc).__name__)

    async def _leave(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        assert chat is not None
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in (
                ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
            return  # already removed from it
        self._stats.left_chats += 1
        log.info("leaving a %s chat: only private chats are served", chat.type)
        try:
            await context.bot.leave_chat(chat.id)
        except TelegramError as exc:
            log.warning("could not leave a %s chat: %s", chat.type, type(exc).__name__)

    async def _refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        self._stats.refused += 1
        if user is None:
            return
        log.info("update %d from a user not on ALLOWED_USER_IDS refused", update.update_id)
        press = update.callback_query  # answered always: it is not a message, not paced
        if press is None:
            if user.id in self._refused_users or not self._refusal_budget():
                return  # told before, or too many strangers at once: never delay clinicians
            if len(self._refused_users) > _MAX_REMEMBERED:
                self._refused_users.clear()
            self._refused_users.add(user.id)
        t = translator(user_language(user.language_code, self._default))
        # i18n: {user_id} is the Telegram user id the administrator must add
        text = t("bot.refused", user_id=user.id)
        try:
            if press is not None:
                await press.answer(text[:200], show_alert=True)
            elif update.effective_chat is not None:
                await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError as exc:
            log.warning("could not send the refusal: %s", type(exc).__name__)

    def _refusal_budget(self) -> bool:
        """At most REFUSALS_PER_MINUTE refusal messages are sent, however many strangers write."""
        now = self._monotonic()
        while self._refusals and self._refusals[0] <= now - WINDOW:
            self._refusals.popleft()
        if len(self._refusals) >= REFUSALS_PER_MINUTE:
            self._stats.refusals_unsent += 1
            return False
        self._refusals.append(now)
        return True

    def _within_rate(self, user_id: int) -> bool:
        now = self._monotonic()
        recent = self._recent.setdefault(user_id, deque())
        while recent and recent[0] <= now - WINDOW:
            recent.popleft()
        if len(recent) >= self._per_minute:
            return False
        recent.append(now)
        if len(self._recent) > _MAX_REMEMBERED:
            self._recent = {u: d for u, d in self._recent.items() if d and d[-1] > now - WINDOW}
        return True

    async def _slow_down(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                         user_id: int) -> None:
        self._stats.rate_limited += 1
        log.info("update %d over the rate limit; skipped", update.update_id)
        lang = user_language(update.effective_user.language_code if update.effective_user
                             else None, self._default)
        if isinstance(context.chat_data, dict) and context.chat_data.get("lang_chosen"):
            lang = str(context.chat_data.get("lang", lang))
        t = translator(lang)
        text = t("bot.rate_limited")
        now = self._monotonic()
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text[:200])
            elif self._noticed.get(user_id, -WINDOW) <= now - WINDOW:
                self._noticed[user_id] = now
                if update.effective_chat is not None:
                    await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError as exc:
            log.warning("could not send the rate-limit notice: %s", type(exc).__name__)
