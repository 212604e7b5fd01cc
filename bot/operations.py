"""Commands for the operator: ``python -m bot backup PATH``, ``python -m bot check`` and
``python -m bot qr PATHWAY [--png FILE]`` (the deep link of a pathway, and its QR code).

Each prints one line per item and returns an exit status a script or supervisor can use: 0 all
is well, 1 the work failed or a service is not usable (database damaged, Bot API unreachable),
2 a setting or argument is wrong (the token included).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import sys
from pathlib import Path

from dotenv import dotenv_values
from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from .datalock import LOCK_NAME
from .dbfile import backup, integrity_problem
from .handlers import DEEP_LINKS
from .settings import Settings, SettingsError, load_settings

__all__ = ["backup_command", "check_command", "data_dir", "deep_link", "qr_command"]

DATABASE = "bot.sqlite3"


def data_dir(env_file: str | Path | None = ".env") -> Path:
    """``DATA_DIR`` from the environment or the ``.env`` file, as the bot reads it."""
    file_values = dotenv_values(env_file) if env_file and Path(env_file).exists() else {}
    return Path(os.environ.get("DATA_DIR") or file_values.get("DATA_DIR") or "data")


def _say(line: str, status: int) -> int:
    (sys.stdout if status == 0 else sys.stderr).write(line + "\n")
    return status


def backup_command(target: Path, env_file: str | Path | None = ".env") -> int:
    """Copy ``DATA_DIR/bot.sqlite3`` to the new file ``target`` (also while the bot runs)."""
    source = data_dir(env_file) / DATABASE
    try:
        chats = backup(source, target)
    except FileNotFoundError:
        return _say(f"no database to back up at {source} (check DATA_DIR)", 2)
    except FileExistsError:
        return _say(f"{target} exists already: give a new file name", 2)
    except (sqlite3.Error, OSError) as exc:
        return _say(f"backup of {source} to {target} failed: {type(exc).__name__}", 1)
    return _say(f"backed up {source} to {target} ({chats} chat(s))", 0)


def check_command(env_file: str | Path | None = ".env") -> int:
    """Check the settings, the database and the token (one getMe); one line each."""
    try:
        settings = load_settings(env_file)
    except SettingsError as exc:
        return _say(f"settings: {exc}", 2)
    print(f"settings: ok ({len(settings.allowed_user_ids)} allowed user(s))")
    status = _check_database(settings)
    try:
        name = asyncio.run(_get_me(settings))
    except InvalidToken:
        return _say("telegram: the token is refused (TELEGRAM_BOT_TOKEN)", 2)
    except TelegramError as exc:
        where = settings.telegram_api_base_url or "https://api.telegram.org"
        return _say(f"telegram: cannot reach the Bot API at {where} ({type(exc).__name__})", 1)
    print(f"telegram: ok (@{name})")
    return status


def _check_database(settings: Settings) -> int:
    path = settings.database
    holder = _lock_holder(settings.data_dir)
    running = f"; a bot is running on it (pid {holder})" if holder else ""
    if not path.exists():
        print(f"database: none yet at {path} (created at the first start){running}")
        return 0
    problem = integrity_problem(path)
    if problem is not None:
        return _say(f"database: {path} is damaged ({problem}); at the next start it is moved "
                    "aside and a fresh one is created", 1)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        chats = conn.execute("SELECT COUNT(*) FROM chat_data").fetchone()[0]
    except sqlite3.Error:
        chats = 0
    finally:
        conn.close()
    print(f"database: ok ({chats} chat(s)){running}")
    return 0


def _lock_holder(data_dir: Path) -> str | None:
    """The pid holding the data folder's lock, or None (without taking it for long)."""
    lock = data_dir / LOCK_NAME
    if not lock.exists():
        return None
    with lock.open("r", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "?"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


async def _get_me(settings: Settings) -> str:
    bot = Bot(settings.telegram_bot_token.get_secret_value(),
              base_url=settings.telegram_api_base_url or "https://api.telegram.org/bot",
              request=HTTPXRequest(connect_timeout=10, read_timeout=10))
    async with bot:
        return str(bot.username)


def deep_link(username: str, pathway: str) -> str:
    """The t.me link that opens ``pathway`` (a key of DEEP_LINKS) in the bot."""
    return f"https://t.me/{username}?start={pathway}"


def qr_command(pathway: str, png: Path | None = None,
               env_file: str | Path | None = ".env") -> int:
    """Print the deep link of ``pathway``; with ``png`` also write its QR code (segno)."""
    if pathway not in DEEP_LINKS:
        return _say(f"unknown pathway {pathway!r}: expected one of {', '.join(DEEP_LINKS)}", 2)
    try:
        settings = load_settings(env_file)
    except SettingsError as exc:
        return _say(f"settings: {exc}", 2)
    username = settings.bot_username
    if username is None:
        try:
            username = asyncio.run(_get_me(settings))
        except InvalidToken:
            return _say("telegram: the token is refused (TELEGRAM_BOT_TOKEN); or set "
                        "BOT_USERNAME", 2)
        except TelegramError as exc:
            return _say(f"telegram: cannot ask the bot's username ({type(exc).__name__}); "
                        "set BOT_USERNAME", 1)
    link = deep_link(username, pathway)
    print(link)
    if png is None:
        return 0
    try:
        import segno
    except ImportError:
        return _say(f"no QR code written: the package segno is not installed ({png})", 1)
    try:
        segno.make(link, error="m").save(str(png), kind="png", scale=10, border=4)
    except OSError as exc:
        return _say(f"could not write {png}: {type(exc).__name__}", 1)
    print(f"QR code written to {png}")
    return 0
