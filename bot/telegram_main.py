"""``run_telegram()``: settings, logging, then long polling or the webhook until stopped.

Called by ``python -m bot`` when TELEGRAM_BOT_TOKEN is set. A missing or bad setting ends it
with one line on stderr and exit status 2.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from .app import TelegramBot
from .datalock import DataDirInUse, lock_data_dir
from .logs import configure_logging
from .settings import ALLOWED, Settings, SettingsError, load_settings

__all__ = ["run_telegram"]

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds a long poll waits for updates


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
    except (OSError, ValueError):
        return _fail(f"setting DATA_DIR is not valid: expected {ALLOWED['DATA_DIR']}")
    try:
        lock = lock_data_dir(settings.data_dir)
    except DataDirInUse as exc:
        return _fail(str(exc), 1)
    with lock:
        return _serve_locked(settings)


def _serve_locked(settings: Settings) -> int:
    configure_logging(settings.log_level, [settings.telegram_bot_token.get_secret_value()])
    bot = TelegramBot(settings)
    try:
        asyncio.run(_serve(bot))
    except InvalidToken:
        return _fail("setting TELEGRAM_BOT_TOKEN is not valid: Telegram refused the token")
    except NetworkError as exc:
        where = settings.telegram_api_base_url or "https://api.telegram.org"
        return _fail(f"cannot reach the Bot API at {where} ({type(exc).__name__})", 1)
    log.info("stopped")
    return 0


async def _serve(bot: TelegramBot) -> None:
    """Serve until SIGINT or SIGTERM. The first call, getMe, ends start-up with one line when
    Telegram refuses the token or cannot be reached."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    settings = bot.settings
    async with bot.running(poll_timeout=POLL_TIMEOUT, webhook=bool(settings.webhook_url)):
        log.info("serving (%s); %d allowed user(s), data in %s",
                 "webhook" if settings.webhook_url else "long polling",
                 len(settings.allowed_user_ids), os.fspath(settings.data_dir))
        await stop.wait()
        log.info("stopping")
