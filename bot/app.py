"""Build the Telegram Application: persistence, rate limiter, gate, dialog handlers, start-up.

:class:`TelegramBot` holds the Application and what the handlers share (chat state, counters),
so tests can look at a chat's last step and the counters without reaching into PTB.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import BotCommand, MenuButtonCommands, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseRateLimiter,
    PersistenceInput,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from dialogs import engine
from dialogs.clock import Clock, SystemClock
from dialogs.engine import Step
from dialogs.i18n import LANGUAGES, N_, translator

from .chats import Chats
from .dbfile import StorageError
from .gate import Gate, Stats
from .handlers import COMMANDS, Dialog
from .intake import TolerantBot
from .metrics import Latency, MetricsServer, render
from .ordering import PerChatOrder
from .pacing import ChatPacing
from .persistence import SqlitePersistence
from .reminders import Reminders
from .replies import HELD, UNSURE, Replies
from .settings import Settings
from .webhook import WebhookServer

__all__ = ["ALLOWED_UPDATES", "TelegramBot"]

log = logging.getLogger(__name__)

#: Seconds a Bot API call (but getUpdates) may take to answer. Telegram can take several seconds
#: under load; PTB's 5 s reported such a send as failed although it arrived.
SEND_READ_TIMEOUT = 30.0
STOP_GRACE = 2.0  # seconds a stop waits for replies in a flood wait before giving them up
STALLED_AFTER = 60.0  # seconds without progress while updates wait: not healthy
#: The bot's profile texts for care professionals (Telegram allows 512 and 120 characters).
DESCRIPTION = N_("bot.description")
SHORT_DESCRIPTION = N_("bot.short_description")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member",
                   "channel_post", "edited_channel_post"]


class TelegramBot:
    """The bot: a PTB Application with its persistence, handlers and purge loop.

    ``request``/``get_updates_request`` replace PTB's HTTP transport (tests); ``purge_every`` is
    the seconds between purges of idle conversations (default: a tenth of the idle timeout, at
    most ten minutes); ``rate_limiter`` replaces the default ``ChatPacing(max_retries=3)``.
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 request: BaseRequest | None = None,
                 get_updates_request: BaseRequest | None = None,
                 purge_every: float | None = None,
                 rate_limiter: BaseRateLimiter[Any] | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.persistence = SqlitePersistence(settings.database,
                                             idle_timeout=settings.idle_timeout,
                                             clock=self.clock.now)
        # Only chat_data is kept (the dialogs); never user or bot data.
        self.persistence.store_data = PersistenceInput(bot_data=False, chat_data=True,
                                                       user_data=False, callback_data=False)
        self.stats = Stats()
        self.latency = Latency()
        self.chats = Chats(self.persistence, self.clock, settings.default_language,
                           settings.idle_timeout)
        self.purge_every = purge_every or max(
            1.0, min(600.0, settings.idle_timeout.total_seconds() / 10))
        self._purger: asyncio.Task[None] | None = None

        where: dict[str, Any] = {}
        if settings.telegram_api_base_url:
            where["base_url"] = settings.telegram_api_base_url
        bot = TolerantBot(settings.telegram_bot_token.get_secret_value(),
                          allowed=settings.allowed_user_ids,
                          request=request or HTTPXRequest(
                              connection_pool_size=256, read_timeout=SEND_READ_TIMEOUT,
                              write_timeout=SEND_READ_TIMEOUT, connect_timeout=10.0,
                              pool_timeout=10.0),
                          get_updates_request=get_updates_request or HTTPXRequest(
                              connection_pool_size=1),
                          rate_limiter=rate_limiter or ChatPacing(max_retries=3), **where)
        builder: Any = (
            Application.builder()
            .bot(bot)
            .concurrent_updates(PerChatOrder(observe=self.latency.observe))
            .persistence(self.persistence)
            .post_init(self._post_init)
            .post_stop(self._post_stop)
            .post_shutdown(self._post_shutdown)
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()

        gate = Gate(self.persistence, settings.allowed_user_ids, settings.rate_limit_per_minute,
                    settings.default_language, self.stats)
        self.application.add_handler(TypeHandler(Update, gate), group=-1)
        self.replies = Replies(self.chats, self.clock)
        self.reminders = Reminders(self.persistence, self.clock)
        self.reminders.attach(self.application)
        Dialog(self.chats, self.replies, self.stats, settings.allowed_user_ids,
               self.reminders).register(self.application)

    # --- life cycle (run_polling/run_webhook call these; tests use running()) ----------------
    async def _post_init(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if not self.settings.allowed_user_ids:
            log.warning("ALLOWED_USER_IDS is empty: every user will be refused")
        await self.purge()
        self.reminders.restore()
        await self.set_commands()
        await self.set_profile()
        self._purger = asyncio.create_task(self._purge_loop(), name="purge-idle")

    async def _post_stop(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger
            self._purger = None

    async def _post_shutdown(self,
                             application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.persistence.close()

    async def set_commands(self) -> None:
        """The command menu in each language, and in the default language for the others."""
        bot = self.application.bot

        def commands(lang: str) -> list[BotCommand]:
            t = translator(lang)
            return [BotCommand(name, t(key)) for name, key in COMMANDS]

        try:
            for lang in LANGUAGES:
                await bot.set_my_commands(commands(lang), language_code=lang)
            await bot.set_my_commands(commands(self.settings.default_language))
        except TelegramError as exc:
            log.warning("could not set the command menu: %s", type(exc).__name__)

    async def set_profile(self) -> None:
        """The description and short description per language (and in the default language
        for the others), and the menu button that opens the command menu (/alarm first).
        A failure is logged by type and never stops the bot."""
        bot = self.application.bot
        default = self.settings.default_language
        for lang in (*LANGUAGES, None):
            t = translator(lang or default)
            try:
                await bot.set_my_description(t(DESCRIPTION), language_code=lang)
                await bot.set_my_short_description(t(SHORT_DESCRIPTION), language_code=lang)
            except Exception as exc:  # never stops the bot; never log contents
                log.warning("could not set the description (%s): %s", lang or "default",
                            type(exc).__name__)
        try:
            await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        except Exception as exc:
            log.warning("could not set the menu button: %s", type(exc).__name__)

    async def resume_pending(self) -> int:
        """Send the replies that were stored but never arrived (the process stopped between
        storing an answer and delivering its reply), before any new update is taken."""
        app = self.application
        pending = [c for c, data in app.chat_data.items() if self.chats.reply_pending(data)]
        sent = 0
        for chat_id in pending:
            data = app.chat_data[chat_id]
            state = self.chats.open(chat_id, data, str(data.get("lang", "")) or None)
            if state.conv is None or state.reply is None:
                continue
            if not state.reply.get(HELD):  # the process may have died just after sending it
                state.reply[UNSURE] = True
            try:
                await self.replies.show(app.bot, state, engine.current(state.conv),
                                        keep_toggles=True, resume=True)
                sent += 1
            except (TelegramError, StorageError) as exc:  # it stays pending: a press resumes it
                log.warning("chat %d: the pending reply could not be sent at start: %s",
                            chat_id, type(exc).__name__)
        if pending:
            log.info("sent %d of %d pending repl(ies) at start", sent, len(pending))
        return sent

    async def purge(self) -> int:
        """Delete conversations idle longer than the idle timeout, stored and in memory."""
        purged = await self.persistence.purge_idle()
        idle = self.chats.idle(self.application.chat_data)
        for chat_id in idle:
            self.chats.drop_idle(chat_id)
            if chat_id in self.application.chat_data:
                self.application.drop_chat_data(chat_id)
        if idle:
            log.info("closed %d idle conversation(s) in memory", len(idle))
        return purged

    async def _purge_loop(self) -> None:
        while True:
            await asyncio.sleep(self.purge_every)
            try:
                await self.purge()
            except Exception as exc:  # keep purging; never log contents
                log.error("purge failed: %s", type(exc).__name__)

    @asynccontextmanager
    async def running(self, *, poll_timeout: int = 1,
                      webhook: bool = False) -> AsyncIterator[TelegramBot]:
        """The bot serving inside an existing event loop: long polling, or with ``webhook`` the
        webhook registered with Telegram and the bot's own webhook server listening."""
        app = self.application
        settings = self.settings
        await app.initialize()
        await self._post_init(app)
        await app.start()
        assert app.updater is not None
        server: WebhookServer | None = None
        metrics: MetricsServer | None = None
        try:
            if settings.metrics_port:
                metrics = MetricsServer(self.metrics_text, self.health)
                metrics.start("127.0.0.1", settings.metrics_port)
            await self.resume_pending()
            if webhook:
                assert settings.webhook_url and settings.webhook_secret is not None
                secret = settings.webhook_secret.get_secret_value()
                server = WebhookServer(settings.webhook_path, app.bot, app.update_queue, secret,
                                       self.health)
                server.start(settings.webhook_listen, settings.webhook_port)
                await app.bot.set_webhook(settings.webhook_url, secret_token=secret,
                                          allowed_updates=ALLOWED_UPDATES)
            else:
                await app.updater.start_polling(poll_interval=0, timeout=poll_timeout,
                                                allowed_updates=ALLOWED_UPDATES)
            yield self
        finally:
            # Replies waiting out a flood limit are given up after a short grace (they stay
            # pending and are sent at the next start): a stop never waits for Telegram.
            abort = getattr(app.bot.rate_limiter, "abort", None)
            late = asyncio.get_running_loop().call_later(STOP_GRACE, abort) if abort else None
            for service in (server, metrics):
                if service is not None:
                    await service.stop()
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
            if late is not None:
                late.cancel()
            await self._post_stop(app)
            await app.shutdown()
            await self._post_shutdown(app)

    # --- inspection -----------------------------------------------------------------------------
    def metrics_text(self) -> str:
        app = self.application
        pending = sum(1 for data in app.chat_data.values() if self.chats.reply_pending(data))
        return render(self.stats, self.latency, {
            "up": (float(app.running), "1 while the bot is serving"),
            "updates_waiting": (app.update_queue.qsize(), "updates fetched, not yet handled"),
            "replies_pending": (pending, "replies stored but not known to have arrived"),
            "seconds_since_last_update": (round(self.stats.since_progress(), 1),
                                          "since an update was last taken up"),
        })

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Serving, and not stalled: updates are waiting but none was handled for a minute."""
        app = self.application
        waiting = app.update_queue.qsize()
        idle = self.stats.since_progress()
        ok = app.running and not (waiting and idle > STALLED_AFTER)
        return ok, {"running": app.running, "waiting_updates": waiting,
                    "seconds_since_last_update": round(idle, 1)}

    def last_step(self, chat_id: int) -> Step | None:
        """The dialog step last shown in a chat."""
        return self.chats.last_step(chat_id)
