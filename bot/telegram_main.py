"""``run_telegram()``: settings, logging, then long polling or the webhook until stopped.

Called by ``python -m bot`` when TELEGRAM_BOT_TOKEN is set. A missing or bad setting ends it
with one line on stderr and exit status 2.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from .app import ALLOWED_UPDATES, TelegramBot
from .logs import configure_logging
from .settings import ALLOWED, Settings, SettingsError, load_settings

__all__ = ["run_telegram"]

log = logging.getLogger(__name__)


def _fail(line: str, status: int = 2) -> int:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    return status


def _check_data_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path):
        pass


def run_telegram(env_file: str | Path | None = ".env") -> int:
    try:
        settings = load_settings(env_file)
    except SettingsError as exc:
        return _fail(str(exc))
    try:
        _check_data_dir(settings.data_dir)
    except OSError:
        return _fail(f"setting DATA_DIR is not valid: expected {ALLOWED['DATA_DIR']}")
    configure_logging(settings.log_level, [settings.telegram_bot_token.get_secret_value()])
    bot = TelegramBot(settings)
    mode = "webhook" if settings.webhook_url else "long polling"
    try:
        _check_token(bot)
        log.info("starting (%s); %d allowed user(s), data in %s", mode,
                 len(settings.allowed_user_ids), os.fspath(settings.data_dir))
        _run(bot, settings)
    except InvalidToken:
        return _fail("setting TELEGRAM_BOT_TOKEN is not valid: Telegram refused the token")
    except NetworkError as exc:
        where = settings.telegram_api_base_url or "https://api.telegram.org"
        return _fail(f"cannot reach the Bot API at {where} ({type(exc).__name__})", 1)
    log.info("stopped")
    return 0


def _check_token(bot: TelegramBot) -> None:
    """One getMe before starting, so a refused token or an unreachable Bot API ends start-up
    with one line instead of PTB's retry-loop traceback. The loop stays for run_polling."""

    async def get_me() -> None:
        async with bot.application.bot:
            pass

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(get_me())


def _run(bot: TelegramBot, settings: Settings) -> None:
    app = bot.application
    if settings.webhook_url and settings.webhook_secret is not None:
        app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                        url_path=settings.webhook_path, webhook_url=settings.webhook_url,
                        secret_token=settings.webhook_secret.get_secret_value(),
                        allowed_updates=ALLOWED_UPDATES)
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
