"""Deadlines that remind: a reminder 60 and 15 minutes before each deadline still to come, and
the advice with an urgent deadline pinned until the action is done or the dialog is cancelled.

Reminders are kept in the chat's stored state (``chat_data["remind"]``, the same SQLite store)
and scheduled on PTB's JobQueue, which keeps jobs in memory only: :meth:`Reminders.restore`
schedules them again at start-up; one whose time passed while the bot was down, with its
deadline still to come, is sent at once. A reminder names the pathway and the action, never a
patient. The log says how many, never what.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from dialogs.clock import Clock
from dialogs.conversation import Conversation
from dialogs.deadlines import open_deadlines
from dialogs.screen import reminder_text

from .persistence import SqlitePersistence

__all__ = ["LEADS", "PIN", "REMIND", "Reminders"]

log = logging.getLogger(__name__)
REMIND, PIN = "remind", "pin"  # chat_data keys: the planned reminders, the pinned message
LEADS = (60, 15)  # minutes before the deadline


def _job_name(chat_id: int) -> str:
    return f"remind-{chat_id}"


class Reminders:
    def __init__(self, persistence: SqlitePersistence, clock: Clock) -> None:
        self.persistence = persistence
        self.clock = clock
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None

    def attach(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app

    def plan(self, chat_id: int, data: dict[str, Any], conv: Conversation, lang: str) -> int:
        """Plan the reminders of the conversation's open deadlines (replacing earlier ones);
        returns how many. The caller stores ``data``."""
        self.clear(chat_id, data)
        now = self.clock.now()
        entries = []
        for name, deadline in open_deadlines(conv, now):
            for lead in LEADS:
                due = deadline - timedelta(minutes=lead)
                if due > now:
                    entries.append({"due": due.isoformat(), "deadline": deadline.isoformat(),
                                    "field": name, "pathway": conv.pathway, "lang": lang})
        if entries:
            data[REMIND] = entries
            self._schedule(chat_id, entries)
        return len(entries)

    def clear(self, chat_id: int, data: dict[str, Any]) -> bool:
        """Forget the chat's reminders (the caller stores ``data``); True if there were any."""
        had = bool(data.pop(REMIND, None))
        if self.app is not None and self.app.job_queue is not None:
            for job in self.app.job_queue.get_jobs_by_name(_job_name(chat_id)):
                job.schedule_removal()
        return had

    def _schedule(self, chat_id: int, entries: list[dict[str, Any]]) -> None:
        assert self.app is not None and self.app.job_queue is not None, "no job queue"
        now = self.clock.now()
        for entry in entries:
            delay = max(0.0, (datetime.fromisoformat(entry["due"]) - now).total_seconds())
            self.app.job_queue.run_once(self._fire, delay, data=(chat_id, entry),
                                        name=_job_name(chat_id), chat_id=chat_id)

    def restore(self) -> int:
        """Schedule the stored reminders again (start-up); drop those whose deadline passed."""
        assert self.app is not None
        now = self.clock.now()
        count = 0
        for chat_id, data in self.app.chat_data.items():
            entries = [e for e in data.get(REMIND) or []
                       if isinstance(e, dict) and datetime.fromisoformat(e["deadline"]) > now]
            if entries:
                data[REMIND] = entries
                self._schedule(chat_id, entries)
                count += len(entries)
            else:
                data.pop(REMIND, None)
        if count:
            log.info("rescheduled %d reminder(s)", count)
        return count

    async def _fire(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        assert job is not None and self.app is not None
        chat_id: int = job.data[0]  # type: ignore[index]
        entry: dict[str, Any] = job.data[1]  # type: ignore[index]
        data = self.app.chat_data[chat_id]
        entries = data.get(REMIND) or []
        if entry not in entries:
            return  # cleared in the meantime
        entries.remove(entry)
        if not entries:
            data.pop(REMIND, None)
        await self.persistence.update_chat_data(chat_id, data)
        text = reminder_text(entry["pathway"], entry["field"],
                             datetime.fromisoformat(entry["deadline"]), entry["lang"],
                             self.clock.now())
        try:
            await context.bot.send_message(chat_id, text.replace("&", "&amp;").replace(
                "<", "&lt;"), parse_mode=ParseMode.HTML)
            log.info("chat %d: reminder sent", chat_id)
        except TelegramError as exc:
            log.warning("chat %d: reminder not sent: %s", chat_id, type(exc).__name__)

    # --- pinning ----------------------------------------------------------------------------
    @staticmethod
    async def pin(bot: Any, chat_id: int, data: dict[str, Any], message_id: int) -> None:
        try:
            await bot.pin_chat_message(chat_id, message_id, disable_notification=True)
            data[PIN] = message_id
        except TelegramError as exc:
            log.info("could not pin: %s", type(exc).__name__)

    @staticmethod
    async def unpin(bot: Any, chat_id: int, data: dict[str, Any]) -> None:
        message_id = data.pop(PIN, None)
        if not isinstance(message_id, int):
            return
        try:
            await bot.unpin_chat_message(chat_id, message_id)
        except TelegramError as exc:
            log.info("could not unpin: %s", type(exc).__name__)
