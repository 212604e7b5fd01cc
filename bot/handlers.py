"""The dialog over Telegram: commands, button presses and typed answers become engine steps.

Handlers know nothing clinical: they call ``dialogs.engine`` and show its steps through
:class:`~bot.replies.Replies`. They never log message text.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import traceback
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from dialogs import engine
from dialogs.charts import GUIDELINE_PATHWAYS, path_picture
from dialogs.clock import format_clock, parse_local_time
from dialogs.deadlines import open_deadlines
from dialogs.flowchart import mermaid
from dialogs.flows import MENU
from dialogs.i18n import N_, translator
from dialogs.keys import field_key
from dialogs.questions import UNKNOWN
from dialogs.render import pathway_title, question_view

from .chats import LANG_CHOSEN, Chats, ChatState
from .dbfile import StorageError
from .gate import Stats
from .keyboards import (
    LANGUAGE_NAMES,
    NONE_VALUE,
    Press,
    continue_keyboard,
    decode,
    done_keyboard,
    language_keyboard,
    menu_keyboard,
    selectable,
    switch_keyboard,
)
from .pacing import ShuttingDown
from .reminders import Reminders
from .replies import Replies
from .texts import about_text, chart_note_reply, help_text, menu_text

__all__ = ["COMMANDS", "Dialog"]

log = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
CALCULATORS = {"nesms": "calc.nesms", "kps": "calc.kps"}
ERR_TIME = N_("error.time")
REMIND_SET = N_("bot.remind.set")
PHOTO_CAPTION = N_("bot.flowchart.photo_caption")
REMIND_NONE = N_("bot.remind.none")
REMIND_CLEARED = N_("bot.remind.cleared")
SUMMARY_CAPTION = N_("bot.summary.caption")
#: Commands in menu order, with the key of their description in the command menu.
#: /alarm comes first: the nurse's alarm check is one tap from the menu button.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("alarm", N_("bot.command.alarm")),
    ("start", N_("bot.command.start")),
    ("menu", N_("bot.command.menu")),
    ("back", N_("bot.command.back")),
    ("restart", N_("bot.command.restart")),
    ("summary", N_("bot.command.summary")),
    ("cancel", N_("bot.command.cancel")),
    ("nesms", N_("bot.command.nesms")),
    ("kps", N_("bot.command.kps")),
    ("flowchart", N_("bot.command.flowchart")),
    ("time", N_("bot.command.time")),
    ("language", N_("bot.command.language")),
    ("about", N_("bot.command.about")),
    ("help", N_("bot.command.help")),
)


@functools.lru_cache(maxsize=len(MENU))
def _flowchart(pathway: str) -> str:
    return mermaid(pathway)


#: ``/start PAYLOAD`` deep links (t.me/<bot>?start=PAYLOAD): a ward's QR code opens a pathway.
DEEP_LINKS = {"alarm": "spine.alarm", "spine": "spine.diagnosis", "lm": "lm.diagnosis"}


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


class Dialog:
    def __init__(self, chats: Chats, replies: Replies, stats: Stats,
                 allowed: frozenset[int], reminders: Reminders | None = None) -> None:
        self.reminders = reminders
        self.chats = chats
        self.replies = replies
        self.clock = replies.clock
        self.stats = stats
        self.allowed = allowed

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self.edited))
        commands: dict[str, Callback] = {
            "start": self.start, "menu": self.menu, "back": self.back, "restart": self.restart,
            "summary": self.summary, "cancel": self.cancel, "nesms": self.calculator,
            "kps": self.calculator, "flowchart": self.flowchart, "language": self.language,
            "about": self.about, "help": self.help, "time": self.time, "alarm": self.alarm,
        }
        for name, callback in commands.items():
            # The flowchart can take seconds to draw: it does not hold up other chats.
            app.add_handler(CommandHandler(name, callback, block=name != "flowchart"))
        app.add_handler(MessageHandler(filters.COMMAND, self.unknown_command))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(MessageHandler(filters.TEXT, self.text))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.unsupported))
        app.add_handler(TypeHandler(Update, self.count), group=1)
        app.add_error_handler(self.error)

    # --- helpers ----------------------------------------------------------------------------
    def _state(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatState:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and context.chat_data is not None
        return self.chats.open(chat.id, context.chat_data,
                               user.language_code if user is not None else None)

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState, text: str,
                   *, menu: bool = False) -> None:
        """Send one plain text (escaped here), with the menu buttons if asked."""
        markup = menu_keyboard(state.lang) if menu else None
        await self.replies.send(context.bot, state.chat_id, [_esc(text)], markup)

    async def _no_dialog(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState) -> None:
        t = translator(state.lang)
        await self._say(context, state, t("bot.no_dialog"), menu=True)

    async def _start_pathway(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                             pathway: str, **show: Any) -> None:
        step = engine.start(pathway, state.lang, self.clock.now())
        await self.replies.show(context.bot, state, step, **show)

    # --- commands -----------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        await self.chats.save(state)
        pathway = DEEP_LINKS.get((context.args or [""])[0].lower())
        if pathway is not None:
            if not await self._asked_to_switch(context, state, pathway):
                await self._start_pathway(context, state, pathway)
            return
        await self.replies.send(context.bot, state.chat_id,
                                [menu_text(state.lang, with_opening=True)],
                                menu_keyboard(state.lang))

    async def alarm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/alarm``: the nurse's alarm check, as ``/start alarm``."""
        state = self._state(update, context)
        await self.chats.save(state)
        pathway = DEEP_LINKS["alarm"]
        if not await self._asked_to_switch(context, state, pathway):
            await self._start_pathway(context, state, pathway)

    async def menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        await self.replies.send(context.bot, state.chat_id,
                                [menu_text(state.lang, with_opening=False)],
                                menu_keyboard(state.lang))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        await self.replies.send(context.bot, state.chat_id, [help_text(state.lang)])

    async def about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        await self.replies.send(context.bot, state.chat_id, [about_text(state.lang)])

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        t = translator(state.lang)
        await self.replies.send(context.bot, state.chat_id, [_esc(t("bot.language.prompt"))],
                                language_keyboard())

    async def back(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        await self.replies.show(context.bot, state, engine.back(state.conv))

    async def restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        await self._action_over(context, state)  # a new case: the old deadlines are not its own
        await self.replies.show(context.bot, state, engine.restart(state.conv))

    async def summary(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        await self._send_summary(context, state)

    async def _send_summary(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState) -> None:
        assert state.conv is not None
        conv = state.conv
        note = chart_note_reply(conv, engine.current(conv), state.lang, self.clock.now())
        if isinstance(note, str):
            await self.replies.send(context.bot, state.chat_id, [note])
            return
        t = translator(state.lang)
        await context.bot.send_document(state.chat_id, note,
                                        filename=f"chart-note-{conv.pathway}.txt",
                                        caption=_esc(t(SUMMARY_CAPTION)),
                                        parse_mode=ParseMode.HTML)

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        old = state.msg
        self.chats.end(state)
        await self._action_over(context, state)
        await self.chats.save(state)
        await self.replies.close(context.bot, state.chat_id, [old])
        t = translator(state.lang)
        await self._say(context, state, t("bot.cancelled"), menu=True)

    async def calculator(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        assert update.message is not None and update.message.text is not None
        name = update.message.text.split()[0].lstrip("/").split("@")[0].lower()
        pathway = CALCULATORS[name]
        if not await self._asked_to_switch(context, state, pathway):
            await self._start_pathway(context, state, pathway)

    async def _asked_to_switch(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                               pathway: str, query: Any = None) -> bool:
        """In the middle of a dialog, starting another would delete its answers: ask first
        (True). Nothing changes until the user chooses."""
        if state.conv is None or engine.current(state.conv).done:
            return False
        await self.replies.ack(query)
        t = translator(state.lang)
        # i18n: {current} is the pathway in progress, {new} the one the user asked for
        text = t("bot.state.switch_confirm", current=pathway_title(state.conv.pathway, state.lang),
                 new=pathway_title(pathway, state.lang))
        await self.replies.send(context.bot, state.chat_id, [_esc(text)],
                                switch_keyboard(state.conv.step, MENU.index(pathway), state.lang))
        return True

    async def flowchart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """This patient's path as a photo (drawn in a thread, "sending a photo…" meanwhile);
        the mermaid text as a document when no engine could draw it."""
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        conv = state.conv
        pathway = conv.pathway
        t = translator(state.lang)
        # i18n: caption of the flowchart; {title} is the pathway's menu title
        caption = _esc(t("bot.flowchart.caption", title=pathway_title(pathway, state.lang)))
        if pathway not in GUIDELINE_PATHWAYS:  # a calculator: its questions as text
            text = await asyncio.to_thread(_flowchart, pathway)
            await context.bot.send_document(state.chat_id, text.encode("utf-8"),
                                            filename=f"flowchart-{pathway}.mmd",
                                            caption=caption, parse_mode=ParseMode.HTML)
            return
        try:
            await context.bot.send_chat_action(state.chat_id, ChatAction.UPLOAD_PHOTO)
        except TelegramError as exc:
            log.info("could not send the chat action: %s", type(exc).__name__)
        drawn = await asyncio.to_thread(path_picture, pathway, state.lang, conv.known())
        log.info("flowchart %s drawn by %s in %.0f ms", pathway, drawn.engine, drawn.ms)
        if drawn.picture:
            # i18n: caption of the path picture; {title} is the pathway's menu title
            photo = _esc(t(PHOTO_CAPTION, title=pathway_title(pathway, state.lang)))
            await context.bot.send_photo(state.chat_id, drawn.data, caption=photo,
                                         parse_mode=ParseMode.HTML)
        else:
            await context.bot.send_document(state.chat_id, drawn.data,
                                            filename=f"flowchart-{pathway}.mmd",
                                            caption=caption, parse_mode=ParseMode.HTML)

    async def time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/time HH:MM``: the time of presentation; every deadline counts from it."""
        state = self._state(update, context)
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        now = self.clock.now()
        moment = parse_local_time(" ".join(context.args or []), now)
        if moment is None:
            t = translator(state.lang)
            await self._say(context, state, t(ERR_TIME))
            return
        await self.replies.show(context.bot, state, engine.presented_at(state.conv, moment, now))

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        t = translator(state.lang)
        await self._say(context, state, t("bot.unknown_command"))

    # --- typed answers and everything else ------------------------------------------------------
    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        assert update.message is not None and update.message.text is not None
        if state.conv is None:
            await self._no_dialog(context, state)
            return
        if state.msg is None:
            # The reply to the last step never arrived: the text may answer the question the
            # chat still shows, not the current one. Show the reply; take no answer from it.
            t = translator(state.lang)
            await self.replies.show(context.bot, state, engine.current(state.conv),
                                    keep_toggles=True, resume=True,
                                    notice=t("bot.reply_resent"))
            return
        await self.replies.show(context.bot, state, engine.answer(state.conv,
                                                                  update.message.text))

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        t = translator(state.lang)
        await self._say(context, state, t("bot.edited"))

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._state(update, context)
        t = translator(state.lang)
        await self._say(context, state, t("bot.unsupported"))

    async def count(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.stats.handled += 1
        self.stats.progress()

    # --- buttons ------------------------------------------------------------------------------
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        state = self._state(update, context)
        press = decode(query.data)
        message = query.message if isinstance(query.message, Message) else None
        if press is None or message is None:
            await self._closed(query, state)
        elif press.kind in "my":
            assert press.index is not None
            pathway = MENU[press.index]
            confirmed = press.kind == "y"
            if confirmed and state.conv is not None and press.step != state.conv.step:
                await self._closed(query, state)  # the dialog moved on since it was asked
            elif confirmed or not await self._asked_to_switch(context, state, pathway, query):
                await self._start_pathway(context, state, pathway, pressed=message,
                                          query=query, echo=pathway_title(pathway, state.lang))
        elif press.kind == "n":
            await self.replies.ack(query)
            await self.replies.send(context.bot, state.chat_id,
                                    [menu_text(state.lang, with_opening=False)],
                                    menu_keyboard(state.lang))
        elif press.kind == "l":
            await self._choose_language(context, state, press, message, query)
        else:
            await self._dialog_press(context, state, press, message, query)

    async def _expired(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                       query: Any) -> None:
        """A button of a dialog that is gone (ended, or deleted after the idle timeout)."""
        t = translator(state.lang)
        await self.replies.ack(query)
        await self._say(context, state, t("bot.state.expired"), menu=True)

    async def _closed(self, query: Any, state: ChatState) -> None:
        t = translator(state.lang)
        await self.replies.ack(query, t("bot.closed"))

    async def _choose_language(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                               press: Press, message: Message, query: Any) -> None:
        assert press.lang is not None
        state.lang = press.lang
        state.data[LANG_CHOSEN] = True
        t = translator(state.lang)
        # i18n: {language} is the language's own name (Nederlands, English)
        chosen = t("bot.language.chosen", language=t(LANGUAGE_NAMES[press.lang]))
        if state.conv is None or engine.current(state.conv).done:
            if state.conv is not None:
                engine.set_language(state.conv, state.lang)
            await self.chats.save(state)
            await self.replies.ack(query)
            await self.replies.close(context.bot, state.chat_id, [message.message_id], message,
                                     chosen)
            return
        step = engine.set_language(state.conv, state.lang)
        await self.replies.show(context.bot, state, step, pressed=message, echo=chosen,
                                query=query, keep_toggles=True, resume=state.msg is None)

    async def _dialog_press(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                            press: Press, message: Message, query: Any) -> None:
        conv = state.conv
        arrived = state.msg is not None  # the reply to the last step is in the chat
        if arrived:
            current_msg = message.message_id == state.msg
        else:  # its message id is not known yet; the keyboards it replaces are stale
            current_msg = message.message_id not in self.replies.old_keyboards(state)
        if conv is None:
            await self._expired(context, state, query)
            return
        if press.step != conv.step or not (current_msg or press.kind in "cx"):
            await self._closed(query, state)
            if conv is not None and not arrived:
                # The reply to the last step never arrived (e.g. a restart in between).
                await self.replies.show(context.bot, state, engine.current(conv),
                                        pressed=message, keep_toggles=True, resume=True)
            return
        current = engine.current(conv)
        bot = context.bot
        if press.kind == "b":
            await self.replies.show(bot, state, engine.back(conv), pressed=message, query=query)
        elif press.kind == "r":
            await self._action_over(context, state)  # a new case: not the old deadlines
            await self.replies.show(bot, state, engine.restart(conv), pressed=message,
                                    query=query)
        elif press.kind == "c":
            await self.replies.show(bot, state, current, pressed=message, query=query,
                                    keep_toggles=True, resume=not arrived)
        elif press.kind == "s":
            await self.replies.ack(query)
            await self._send_summary(context, state)
        elif press.kind == "w" and current.done:
            await self.replies.ack(query)
            await self._remind(context, state)
        elif press.kind == "x":
            await self.replies.ack(query)
            await self._action_over(context, state)
            await self.chats.save(state)
            await self.replies.close(context.bot, state.chat_id, [message.message_id])
            await self._say(context, state, translator(state.lang)(REMIND_CLEARED))
        elif current.question is None:
            await self._closed(query, state)
        else:
            await self._answer_press(context, state, press, current, message, query)

    async def _answer_press(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState,
                            press: Press, current: engine.Step, message: Message,
                            query: Any) -> None:
        assert state.conv is not None and current.question is not None
        view = question_view(current.question, state.lang)
        index = press.index if press.index is not None else -1
        multi = view.kind == "multi"
        if press.kind == "a":
            valid = 0 <= index < len(view.options) and (
                not multi or view.options[index].value in (NONE_VALUE, UNKNOWN))
            if not valid:
                await self._closed(query, state)
                return
            option = view.options[index]
            step = engine.choose(state.conv, str(option.value))
            await self.replies.show(context.bot, state, step, pressed=message, echo=option.label,
                                    query=query)
        elif press.kind == "t" and multi and index in selectable(view):
            ticked = set(state.toggles) - {index}
            state.toggles = sorted(ticked | {index} if press.on else ticked)
            await self.replies.retick(context.bot, state, current, message, query)
        elif press.kind == "d" and multi:
            chosen = [i for i in state.toggles if i in selectable(view)]
            if not chosen:
                t = translator(state.lang)
                await self.replies.ack(query, t("bot.multi_empty"))
                return
            raw = ",".join(str(view.options[i].value) for i in chosen)
            echo = ", ".join(view.options[i].label for i in chosen)
            step = engine.choose(state.conv, raw)
            await self.replies.show(context.bot, state, step, pressed=message, echo=echo,
                                    query=query)
        else:
            await self._closed(query, state)

    # --- deadlines that remind ------------------------------------------------------------------
    async def _remind(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState) -> None:
        """Remind 60 and 15 minutes before each deadline still to come."""
        assert state.conv is not None and self.reminders is not None
        t = translator(state.lang)
        count = self.reminders.plan(state.chat_id, state.data, state.conv, state.lang)
        await self.chats.save(state)
        if not count:
            await self._say(context, state, t(REMIND_NONE))
            return
        now = self.clock.now()
        actions = "\n".join(f"• {t(field_key(name))} — {format_clock(deadline, state.lang)}"
                            for name, deadline in open_deadlines(state.conv, now))
        # i18n: {actions} one line per action with its deadline
        await self.replies.send(context.bot, state.chat_id, [_esc(t(REMIND_SET, actions=actions))],
                                done_keyboard(state.conv.step, state.lang))

    async def _action_over(self, context: ContextTypes.DEFAULT_TYPE, state: ChatState) -> None:
        """Done or cancelled: no more reminders, the urgent advice unpinned (caller saves)."""
        if self.reminders is not None:
            self.reminders.clear(state.chat_id, state.data)
        await Reminders.unpin(context.bot, state.chat_id, state.data)

    # --- errors -------------------------------------------------------------------------------
    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error's type and place (never text); tell the user, answers are kept."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(error, ShuttingDown):  # expected at a stop: the reply stays pending
            log.info("update %s: its reply was given up at the stop", update_id)
            return
        self.stats.errors += 1
        frames = traceback.extract_tb(error.__traceback__) if error is not None else []
        where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
        what = type(error).__name__ + (f" ({error})" if isinstance(error, StorageError) else "")
        log.error("update %s failed: %s at %s", update_id, what, where)
        if not isinstance(update, Update) or isinstance(error, Forbidden):
            return
        chat, user = update.effective_chat, update.effective_user
        if (chat is None or chat.type != ChatType.PRIVATE or user is None
                or user.id not in self.allowed or context.chat_data is None):
            return
        if isinstance(error, StorageError):
            # Nothing of this update was stored: say so, and go back to what is stored.
            self.chats.roll_back(chat.id, context.chat_data)
        state = self._state(update, context)
        t = translator(state.lang)
        if isinstance(error, StorageError):
            text, markup = _esc(t("bot.state.not_saved")), None
        else:
            markup = continue_keyboard(state.conv.step, state.lang) if state.conv else None
            text = _esc(t("bot.error"))
        try:
            if update.callback_query is not None:
                await self.replies.ack(update.callback_query)
            await self.replies.send(context.bot, chat.id, [text], markup)
        except TelegramError as exc:
            log.warning("could not tell the user about the error: %s", type(exc).__name__)
