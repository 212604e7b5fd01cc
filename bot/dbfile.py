"""The SQLite file itself: opened with an integrity check, a damaged one moved aside, backups,
and what a failed write is reported as.

A damaged ``bot.sqlite3`` (truncated, a bad page, not a database at all) must not stop the
service for everybody: :func:`open_checked` moves it aside with its ``-wal``/``-shm`` files
(kept for inspection, named in one log line) and starts a fresh one. :func:`backup` makes a
consistent copy of a database in use (SQLite's online backup API).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["StorageError", "backup", "integrity_problem", "open_checked", "storage_error"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0  # seconds a write waits for another writer


class StorageError(Exception):
    """A write did not reach the database (disk full, read-only, I/O error); ``str()`` says
    which, in a few words without any stored value."""


def storage_error(exc: sqlite3.Error) -> StorageError:
    """The :class:`StorageError` for a failed write."""
    text = str(exc).lower()
    if "full" in text:
        reason = "the disk is full"
    elif "readonly" in text or "read-only" in text:
        reason = "the database is read-only"
    elif "locked" in text or "busy" in text:
        reason = "the database is locked by another process"
    else:
        reason = f"a storage error ({type(exc).__name__})"
    return StorageError(reason)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT)


def integrity_problem(path: Path) -> str | None:
    """Why the database at ``path`` cannot be used as it is, or None."""
    try:
        conn = _connect(path)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return type(exc).__name__
    return None if rows == [("ok",)] else f"{len(rows)} integrity problem(s)"


def open_checked(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` after an integrity check; a damaged file is moved aside first."""
    if path.exists() and (problem := integrity_problem(path)) is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        log.error("the database %s is damaged (%s): moved aside to %s; starting with a fresh "
                  "one (every dialog starts over)", path, problem, aside.name)
    return _connect(path)


def backup(source: Path, target: Path) -> int:
    """Copy the database ``source`` (which may be in use) to the new file ``target``; checks the
    copy and returns how many chats it holds."""
    if not source.exists():
        raise FileNotFoundError(source)
    if target.exists():
        raise FileExistsError(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise sqlite3.DatabaseError("the copy does not pass the integrity check")
        return int(dst.execute("SELECT COUNT(*) FROM chat_data").fetchone()[0])
    finally:
        dst.close()
        src.close()
