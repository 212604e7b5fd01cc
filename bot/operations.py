"""Commands for the operator: ``python -m bot backup PATH``.

Each prints one line and returns an exit status a script or supervisor can use: 0 done, 1 the
work failed, 2 a setting or argument is wrong.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from dotenv import dotenv_values

from .dbfile import backup

__all__ = ["backup_command", "data_dir"]

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
