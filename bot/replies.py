"""Showing a dialog step in a chat: write the state through, close the old keyboard, send.

The order is fixed: the chat's state is written to the database before anything is sent, so a
crash after any reply loses no answer. Closing an old keyboard is best effort (a failure is
logged by type and the dialog goes on); a failing send reaches the error handler.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from dialogs.clock import Clock
from dialogs.engine import Step
from dialogs.render import question_view, refusal_text

from .chats import Chats, ChatState
from .keyboards import advice_keyboard, question_keyboard
from .texts import LIMIT, advice_messages, pack, question_messages

__all__ = ["Replies"]

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Replies:
    def __init__(self, chats: Chats, clock: Clock) -> None:
        self.chats = chats
        self.clock = clock

    async def send(self, bot: Any, chat_id: int, messages: list[str],
                   markup: InlineKeyboardMarkup | None = None) -> Message:
        """Send HTML messages in order; the keyboard goes with the last one."""
        sent: Message | None = None
        for i, text in enumerate(messages):
            sent = await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                reply_markup=markup if i == len(messages) - 1 else None)
        assert sent is not None, "nothing to send"
        return sent

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
                   query: CallbackQuery | None = None, keep_toggles: bool = False) -> None:
        """Make ``step`` the chat's current step and show it: the decisions it settled, then the
        next question with its keyboard, or the advice."""
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
        self.chats.begin(state, step, keep_toggles=keep_toggles or refused)
        state.msg = None
        await self.chats.save(state)  # before any reply
        await self.ack(query)
        await self.close(bot, state.chat_id, old, pressed, None if refused else echo)
        now = self.clock.now()
        if step.question is None:
            messages = advice_messages(step, lang, now)
            markup = advice_keyboard(step.conv.step, lang)
        else:
            view = question_view(step.question, lang)
            messages = question_messages(step, lang, now)
            markup = question_keyboard(view, step.conv.step, lang, toggles=state.toggles,
                                       can_go_back=bool(step.conv.asked))
        sent = await self.send(bot, state.chat_id, messages, markup)
        state.msg = sent.message_id
        await self.chats.save(state)

    async def retick(self, bot: Any, state: ChatState, step: Step, message: Message,
                     query: CallbackQuery) -> None:
        """A multi-select option was ticked or unticked: store it, redraw the keyboard."""
        assert step.question is not None
        await self.chats.save(state)
        await self.ack(query)
        view = question_view(step.question, state.lang)
        markup = question_keyboard(view, step.conv.step, state.lang, toggles=state.toggles,
                                   can_go_back=bool(step.conv.asked))
        await bot.edit_message_reply_markup(state.chat_id, message.message_id,
                                            reply_markup=markup)
