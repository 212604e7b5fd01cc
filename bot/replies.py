"""Showing a dialog step in a chat: write the state through, send the reply, close the old keyboard.

The order is fixed, so that a crash at any point loses no answer and leaves a button that leads on:

1. the chat's state (the answer, and a record of the reply about to be sent) is written to the
   database before anything is sent;
2. the reply is sent (a long one as several messages, each delivered part recorded);
3. the id of the message with the new keyboard is written;
4. only then the answered question's keyboard is closed (best effort: a failure is logged by
   type and the dialog goes on).

The record of the reply (``ChatState.reply``) names the step, the language, the clock time it was
rendered at, the decisions it settled, how many of its messages arrived and which old keyboards
it is to close. A reply that did not arrive whole (the process died, or a part failed and the
user tapped Continue) is *resumed* from it: shown again as first rendered (the same decisions
newly settled, the same clock time; in another language only when the language changed in
between) without the parts that did arrive, and the old keyboards are closed. Until the reply
has arrived, presses on those old keyboards are stale. A failing send reaches the error handler.
A send that failed without an answer (a timeout, a dropped connection) may have arrived all the
same: the record says so (``unsure``), and the resent reply is headed "if you already see it
above, ignore this copy" instead of claiming it was lost. So is a reply found pending when the
bot starts (it may have died just after sending it), unless it was ``held``: the bot stopped
before sending it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from dialogs.clock import Clock
from dialogs.deadlines import note_shown, open_deadlines
from dialogs.engine import Step
from dialogs.i18n import translator
from dialogs.render import question_view, refusal_text

from .chats import Chats, ChatState
from .dbfile import StorageError
from .keyboards import advice_keyboard, question_keyboard
from .pacing import ShuttingDown
from .reminders import Reminders
from .texts import LIMIT, advice_messages, pack, question_messages

__all__ = ["HELD", "UNSURE", "Replies", "reply_record"]

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
UNSURE = "unsure"  # in the reply record: a send failed in a way that it may still have arrived
HELD = "held"  # in the reply record: the bot stopped before sending it


def _may_have_arrived(exc: NetworkError) -> bool:
    """No answer came back (a timeout, a dropped connection: PTB raises those from the transport's
    error), so the message may have been delivered. An HTTP error status (a 500) says it was not."""
    return isinstance(exc, TimedOut) or exc.__cause__ is not None


def reply_record(step: Step, lang: str, now: datetime, parts: int,
                 old: Iterable[int | None]) -> dict[str, Any]:
    """What is stored of the reply to ``step`` while it is delivered (JSON values only)."""
    return {"step": step.conv.step, "lang": lang, "at": now.isoformat(),
            "settled": list(step.newly_settled), "parts": parts,
            "old": list(dict.fromkeys(m for m in old if m is not None))}


class Replies:
    def __init__(self, chats: Chats, clock: Clock) -> None:
        self.chats = chats
        self.clock = clock

    async def send(self, bot: Any, chat_id: int, messages: list[str],
                   markup: InlineKeyboardMarkup | None = None) -> Message:
        """Send HTML messages in order; the keyboard goes with the last one."""
        sent: Message | None = None
        for i, text in enumerate(messages):
            sent = await self._send_one(bot, chat_id, text,
                                        markup if i == len(messages) - 1 else None)
        assert sent is not None, "nothing to send"
        return sent

    @staticmethod
    async def _send_one(bot: Any, chat_id: int, text: str,
                        markup: InlineKeyboardMarkup | None) -> Message:
        message: Message = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
            reply_markup=markup)
        return message

    @staticmethod
    async def ack(query: CallbackQuery | None, text: str | None = None) -> None:
        """Answer a button press (best effort: an old query can no longer be answered)."""
        if query is None:
            return
        try:
            await query.answer(text[:200] if text else None)
        except TelegramError as exc:
            log.info("could not answer a button press: %s", type(exc).__name__)

    @staticmethod
    async def close(bot: Any, chat_id: int, message_ids: Iterable[int | None],
                    pressed: Message | None = None, echo: str | None = None) -> None:
        """Take the keyboards off these messages; the pressed one shows the answer chosen."""
        for message_id in dict.fromkeys(m for m in message_ids if m is not None):
            try:
                if (pressed is not None and message_id == pressed.message_id and echo
                        and pressed.text and len(pressed.text) + len(echo) < LIMIT):
                    text = pressed.text_html + "\n\n→ " + html.escape(echo, quote=False)
                    await bot.edit_message_text(text, chat_id, message_id,
                                                parse_mode=ParseMode.HTML,
                                                link_preview_options=NO_PREVIEW)
                else:
                    await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            except TelegramError as exc:
                log.info("could not close a keyboard: %s", type(exc).__name__)

    async def show(self, bot: Any, state: ChatState, step: Step, *,
                   pressed: Message | None = None, echo: str | None = None,
                   query: CallbackQuery | None = None, keep_toggles: bool = False,
                   resume: bool = False, notice: str | None = None) -> None:
        """Make ``step`` the chat's current step and show it: the decisions it settled, then the
        next question with its keyboard, or the advice. With ``resume`` (``step`` is the current
        step shown again) the reply recorded for it is finished instead of started anew. A
        ``notice`` (plain text) heads the first message sent."""
        lang = state.lang
        if step.refusal is not None and step.question is None:
            # The advice stands (e.g. an answer typed after it): only say why.
            await self.chats.save(state)
            await self.ack(query)
            text = "❗ " + refusal_text(step.refusal, None, lang)
            await self.send(bot, state.chat_id, pack([(text, False)]))
            return
        refused = step.refusal is not None
        old = [state.msg, pressed.message_id if pressed is not None else None]
        if resume:
            old += self.old_keyboards(state)
        self.chats.begin(state, step, keep_toggles=keep_toggles or refused)
        if resume and (state.reply or {}).get(UNSURE):
            t = translator(lang)
            notice = t("bot.reply_unsure")
        step, now, delivered = (self._resumed(state, step) if resume
                                else (step, self.clock.now(), 0))
        state.reply = reply_record(step, lang, now, delivered, old)
        state.msg = None
        note_shown(step.conv, step.advice, now)  # the windows' anchors, stored with the answer
        await self.chats.save(state)  # before any reply
        await self.ack(query)
        urgent = step.question is None and bool(open_deadlines(step.conv, now))
        if step.question is None:
            messages = advice_messages(step, lang, now)
            markup = advice_keyboard(step.conv.step, lang, remind=urgent)
        else:
            view = question_view(step.question, lang)
            messages = question_messages(step, lang, now)
            markup = question_keyboard(view, step.conv.step, lang, toggles=state.toggles,
                                       can_go_back=bool(step.conv.asked))
        first, sent = await self._deliver(bot, state, messages, markup, notice)
        state.msg = sent.message_id
        if urgent and first is not None:  # the urgency stays in view until done
            await Reminders.pin(bot, state.chat_id, state.data, first.message_id)
        await self.chats.save(state)
        await self.close(bot, state.chat_id, old, pressed, None if refused else echo)

    @staticmethod
    def old_keyboards(state: ChatState) -> list[int]:
        """The messages whose keyboards the current reply is to close (stale until it arrived)."""
        old = (state.reply or {}).get("old")
        return [m for m in old if isinstance(m, int)] if isinstance(old, list) else []

    def _resumed(self, state: ChatState, step: Step) -> tuple[Step, datetime, int]:
        """``step`` as its reply was first rendered (the decisions it settled, the clock time)
        and how many of that reply's messages arrived (none when the language changed since);
        a reply never recorded starts anew."""
        record = state.reply or {}
        try:
            if record["step"] != step.conv.step:
                raise KeyError("another step")
            at = datetime.fromisoformat(record["at"])
            decisions = step.advice.decisions
            settled = {name: decisions[name] for name in record["settled"]}
            parts = max(0, int(record["parts"])) if record["lang"] == state.lang else 0
            return replace(step, newly_settled=settled), at, parts
        except (KeyError, TypeError, ValueError):
            return step, self.clock.now(), 0

    async def _deliver(self, bot: Any, state: ChatState, messages: list[str],
                       markup: InlineKeyboardMarkup,
                       notice: str | None = None) -> tuple[Message | None, Message]:
        """Send the reply's messages that have not arrived yet; each part that arrives is
        recorded (written through when more follow). The last one, with the keyboard, is
        always sent. Returns the reply's first message (when it was sent now) and its last."""
        assert state.reply is not None and messages, "nothing to send"
        first = min(int(state.reply["parts"]), len(messages) - 1)
        opening: Message | None = None
        for i in range(first, len(messages)):
            last = i == len(messages) - 1
            text = messages[i]
            if i == first and notice:
                text = "ℹ️ " + html.escape(notice, quote=False) + "\n\n" + text
            try:
                sent = await self._send_one(bot, state.chat_id, text, markup if last else None)
            except (NetworkError, ShuttingDown) as exc:
                if isinstance(exc, ShuttingDown):
                    state.reply[HELD] = True  # certainly not sent: resent without a notice
                elif _may_have_arrived(exc):  # a resend will say so
                    state.reply[UNSURE] = True
                with suppress(StorageError):
                    await self.chats.save(state)
                raise
            state.reply["parts"] = i + 1
            if i == 0:
                opening = sent
            if not last:
                await self.chats.save(state)
        return opening, sent

    async def retick(self, bot: Any, state: ChatState, step: Step, message: Message,
                     query: CallbackQuery) -> None:
        """A multi-select option was ticked or unticked: store it, redraw the keyboard. A redraw
        identical to what the chat shows (a button pressed twice) is not an error."""
        assert step.question is not None
        await self.chats.save(state)
        await self.ack(query)
        view = question_view(step.question, state.lang)
        markup = question_keyboard(view, step.conv.step, state.lang, toggles=state.toggles,
                                   can_go_back=bool(step.conv.asked))
        try:
            await bot.edit_message_reply_markup(state.chat_id, message.message_id,
                                                reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.info("could not redraw the ticks: %s", type(exc).__name__)
        except TelegramError as exc:
            # The tick is stored; a tick button says tick or untick, so pressing it again
            # (after a redraw that did not arrive) cannot undo it.
            log.info("could not redraw the ticks: %s", type(exc).__name__)
