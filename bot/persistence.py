"""Write-through SQLite persistence for python-telegram-bot v22.

Holds :class:`SqlitePersistence`, a :class:`telegram.ext.BasePersistence` that stores
``bot_data``, ``chat_data``, ``user_data`` and conversation states as JSON in one SQLite
file, plus a table of recently seen ``update_id`` values for idempotent update handling.

Why not PTB's own persistence: PTB only calls ``update_*`` every ``update_interval`` seconds
(60 s by default) and :class:`~telegram.ext.PicklePersistence` rewrites a pickle non-atomically.
Here every ``update_*``/``drop_*`` call is one committed SQLite transaction the moment it is
awaited, so a handler can do::

    await persistence.update_chat_data(chat_id, context.chat_data)
    await update.message.reply_text(...)

and the state survives a ``kill -9`` right after the write.

Design notes:

* sqlite3 from the standard library; the connection is in autocommit mode and every write is
  wrapped explicitly in ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on any error).
* ``journal_mode=WAL`` so readers (e.g. an admin script) never block the bot and vice versa.
* The calls run synchronously on the event loop: with WAL + ``synchronous=NORMAL`` a commit is
  an append to the WAL without fsync, i.e. well below a millisecond. Only a competing writer in
  another process can make a call wait (up to ``busy_timeout``).
* Values are validated before anything is written: only ``None``, ``bool``, ``int``, finite
  ``float``, ``str``, ``list`` and ``dict`` with ``str`` keys are accepted, because anything
  else would not come back unchanged from JSON (tuples become lists, int keys become strings).
* Nothing here logs message text or stored values; log lines carry counts only.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from .dbfile import StorageError, open_checked, storage_error

__all__ = ["PersistenceError", "SqlitePersistence"]

_LOGGER = logging.getLogger(__name__)

Data = dict[str, Any]
# Same shapes as PTB's private aliases in telegram.ext._utils.types.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

_SCHEMA_VERSION = 2  # 2: seen_updates is keyed by (bot_id, update_id)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_data (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chat_data (
    chat_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_data (
    user_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE IF NOT EXISTS seen_updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    bot_id INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (bot_id, update_id)
);
CREATE TABLE IF NOT EXISTS quarantine (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key INTEGER NOT NULL,
    data TEXT NOT NULL,
    set_aside_at TEXT NOT NULL,
    noticed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chat_data_updated ON chat_data (updated_at);
CREATE INDEX IF NOT EXISTS user_data_updated ON user_data (updated_at);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at);
"""

# Keys that look like identifiers are safe to name in error messages; anything else could be
# user-supplied text and is masked.
_SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,40}")


class PersistenceError(TypeError):
    """Raised when data handed to :class:`SqlitePersistence` cannot be stored as JSON."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _check_json(value: object, path: str, what: str) -> None:
    """Raise :class:`PersistenceError` unless ``value`` round-trips through JSON unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PersistenceError(f"{what} is not JSON-serialisable at {path}: non-finite float")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]", what)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PersistenceError(
                    f"{what} is not JSON-serialisable at {path}: dict key of type "
                    f"{type(key).__name__} (only str keys survive JSON)"
                )
            shown = repr(key) if _SAFE_KEY.fullmatch(key) else "<key>"
            _check_json(item, f"{path}[{shown}]", what)
        return
    raise PersistenceError(
        f"{what} is not JSON-serialisable at {path}: values of type {type(value).__name__} "
        "are not allowed (use None, bool, int, float, str, list or dict with str keys)"
    )


def _dumps(value: object, what: str) -> str:
    """``value`` as JSON text; raises :class:`PersistenceError` naming the first place where it
    would not round-trip unchanged. The check runs in C (dump, load, compare); the slow walk
    that names the place runs only when it fails."""
    try:
        payload = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if json.loads(payload) == value:
            return payload
    except (TypeError, ValueError):
        pass
    _check_json(value, "data", what)
    raise PersistenceError(f"{what} does not round-trip through JSON")


class SqlitePersistence(BasePersistence[Data, Data, Data]):
    """Write-through persistence of bot/chat/user data and conversations in one SQLite file.

    Args:
        path: The database file; created with its tables if missing.
        idle_timeout: Chat data, user data and conversation states not updated for longer
            than this are deleted by :meth:`purge_idle` (run once at start-up automatically).
        clock: Returns the current time as an aware :class:`~datetime.datetime`; injectable
            for tests.
        update_interval: Passed to :class:`~telegram.ext.BasePersistence`; PTB's periodic
            ``update_persistence`` still runs, but nothing depends on it.
        seen_updates_limit: How many recent ``update_id`` values :meth:`mark_update_seen`
            remembers.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        idle_timeout: timedelta = timedelta(hours=12),
        clock: Callable[[], datetime] = _utc_now,
        update_interval: float = 60,
        seen_updates_limit: int = 10_000,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=True, chat_data=True, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        if seen_updates_limit < 1:
            raise ValueError("seen_updates_limit must be at least 1")
        self.path = Path(path)
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._seen_limit = seen_updates_limit
        self._lock = threading.Lock()
        self._started = False
        # Ids purged while the application was running; their in-memory dicts are emptied on
        # the next refresh_* so stale data is not written back.
        self._purged_chats: set[int] = set()
        self._purged_users: set[int] = set()
        self._conn = open_checked(self.path)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL (not FULL): in WAL mode a commit is durable against a crash or kill -9 of this
        # process as soon as it returns (the WAL is in the OS page cache); only an OS crash or
        # power loss can roll back the last few commits, never corrupt the file. Losing a few
        # seconds of dialogue state on power loss is acceptable; an fsync per answer is not.
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        with self._transaction() as conn:
            if conn.execute("PRAGMA user_version").fetchone()[0] < 2:
                # Version 1 remembered update ids without the bot they came from; they are only
                # a guard against handling a re-delivered update twice, so they are let go.
                conn.execute("DROP TABLE IF EXISTS seen_updates")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
        #: Chats whose stored state could not be read and was set aside, not yet told so.
        self.set_aside: set[int] = {int(row[0]) for row in self._query(
            "SELECT key FROM quarantine WHERE kind = 'chat_data' AND noticed = 0")}

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction; rolled back if the body raises. A write SQLite refuses
        (disk full, read-only, I/O error) raises :class:`~bot.dbfile.StorageError`."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise storage_error(exc) from exc

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("clock must return a timezone-aware datetime")
        return now

    @staticmethod
    def _stamp(moment: datetime) -> str:
        # Fixed-width UTC ISO format, so text comparison in SQL is chronological.
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _startup(self) -> None:
        if not self._started:
            self._started = True
            self._purge(at_startup=True)

    def _upsert(self, table: str, column: str, key: int, data: Data, what: str) -> None:
        payload = _dumps(data, what)
        with self._transaction() as conn:
            conn.execute(
                f"INSERT INTO {table} ({column}, data, updated_at) VALUES (?, ?, ?) "
                f"ON CONFLICT({column}) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (key, payload, self._stamp(self._now())),
            )

    def _load(self, table: str, column: str) -> dict[int, Data]:
        """Every stored row; one that cannot be read is set aside (see :meth:`_set_aside`)."""
        self._startup()
        rows = self._query(f"SELECT {column}, data FROM {table}")
        loaded: dict[int, Data] = {}
        for key, data in rows:
            try:
                value = json.loads(data)
            except (TypeError, ValueError):
                value = None
            if isinstance(value, dict):
                loaded[int(key)] = value
            else:
                try:
                    self._set_aside(table, column, int(key), data)
                except StorageError as exc:
                    _LOGGER.error("%s of %d could not be read nor set aside (%s)",
                                  table, key, exc)
        return loaded

    def stored_chat_data(self, chat_id: int) -> Data:
        """What is stored for ``chat_id`` now (empty if nothing, or nothing readable)."""
        rows = self._query("SELECT data FROM chat_data WHERE chat_id = ?", (chat_id,))
        try:
            value = json.loads(rows[0][0]) if rows else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _set_aside(self, table: str, column: str, key: int, data: object) -> None:
        """Move one unreadable row into the ``quarantine`` table (kept for inspection); the chat
        or user starts over, and is told so once (:meth:`set_aside_unnoticed`)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO quarantine (kind, key, data, set_aside_at) VALUES (?, ?, ?, ?)",
                (table, key, str(data), self._stamp(self._now())))
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
        if table == "chat_data":
            self.set_aside.add(key)
        _LOGGER.error("%s of %d could not be read: set aside in the quarantine table; it starts "
                      "over", table, key)

    async def notice_set_aside(self, chat_id: int) -> None:
        """The chat was told that its state was set aside (see :attr:`set_aside`)."""
        self.set_aside.discard(chat_id)
        with self._transaction() as conn:
            conn.execute("UPDATE quarantine SET noticed = 1 WHERE kind = 'chat_data' AND key = ?",
                         (chat_id,))

    # -- BasePersistence: reading -------------------------------------------------------------

    async def get_bot_data(self) -> Data:
        """Return the stored ``bot_data`` (an empty dict if none)."""
        self._startup()
        rows = self._query("SELECT data FROM bot_data WHERE id = 0")
        return json.loads(rows[0][0]) if rows else {}

    async def get_chat_data(self) -> dict[int, Data]:
        """Return all stored ``chat_data`` keyed by chat id."""
        return self._load("chat_data", "chat_id")

    async def get_user_data(self) -> dict[int, Data]:
        """Return all stored ``user_data`` keyed by user id."""
        return self._load("user_data", "user_id")

    async def get_callback_data(self) -> CDCData | None:
        """Callback data is not stored (``store_data.callback_data`` is False)."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """Return the stored states of the conversation handler called ``name``."""
        self._startup()
        rows = self._query("SELECT key, state FROM conversations WHERE name = ?", (name,))
        return {tuple(json.loads(key)): json.loads(state) for key, state in rows}

    # -- BasePersistence: writing (each call is one committed transaction) --------------------

    async def update_bot_data(self, data: Data) -> None:
        """Store ``bot_data`` now."""
        payload = _dumps(data, "bot_data")
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO bot_data (id, data, updated_at) VALUES (0, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (payload, self._stamp(self._now())),
            )

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        """Store the ``chat_data`` of ``chat_id`` now."""
        self._upsert("chat_data", "chat_id", chat_id, data, f"chat_data of chat {chat_id}")

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Store the ``user_data`` of ``user_id`` now."""
        self._upsert("user_data", "user_id", user_id, data, f"user_data of user {user_id}")

    async def update_callback_data(self, data: CDCData) -> None:
        """No-op: callback data is not stored."""

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store (or, for ``new_state=None``, delete) one conversation state now."""
        key_json = _dumps(list(key), f"conversation key of {name!r}")
        if new_state is None:
            with self._transaction() as conn:
                conn.execute(
                    "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key_json)
                )
            return
        state_json = _dumps(new_state, f"conversation state of {name!r}")
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name, key) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                (name, key_json, state_json, self._stamp(self._now())),
            )

    async def drop_chat_data(self, chat_id: int) -> None:
        """Delete the stored ``chat_data`` of ``chat_id``."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM chat_data WHERE chat_id = ?", (chat_id,))

    async def drop_user_data(self, user_id: int) -> None:
        """Delete the stored ``user_data`` of ``user_id``."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM user_data WHERE user_id = ?", (user_id,))

    # -- BasePersistence: refresh / flush ----------------------------------------------------

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """No-op: the application's in-memory ``bot_data`` is authoritative."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Empty the in-memory ``chat_data`` if :meth:`purge_idle` deleted it meanwhile."""
        if chat_id in self._purged_chats:
            self._purged_chats.discard(chat_id)
            chat_data.clear()

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Empty the in-memory ``user_data`` if :meth:`purge_idle` deleted it meanwhile."""
        if user_id in self._purged_users:
            self._purged_users.discard(user_id)
            user_data.clear()

    async def flush(self) -> None:
        """Nothing to do: every update is already committed. Use :meth:`close` to release."""

    # -- extras -----------------------------------------------------------------------------

    async def mark_update_seen(self, update_id: int, bot_id: int = 0) -> bool:
        """Record ``update_id`` of the bot ``bot_id``; True the first time, False if it was seen
        before. Update ids count per bot: another bot's ids on the same data are new.

        Survives restarts. Only the most recent ``seen_updates_limit`` ids (in order of
        arrival) are remembered, so a very old id would count as new again.
        """
        with self._transaction() as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO seen_updates (bot_id, update_id, seen_at) "
                "VALUES (?, ?, ?)",
                (bot_id, update_id, self._stamp(self._now())),
            ).rowcount
            if inserted:
                conn.execute(
                    "DELETE FROM seen_updates WHERE seq <= (SELECT MAX(seq) FROM seen_updates) - ?",
                    (self._seen_limit,),
                )
        return bool(inserted)

    async def purge_idle(self) -> int:
        """Delete chat data, user data and conversation states idle longer than
        ``idle_timeout``. Returns the number of chats whose data was purged."""
        return self._purge(at_startup=False)

    def _purge(self, *, at_startup: bool) -> int:
        cutoff = self._stamp(self._now() - self.idle_timeout)
        with self._transaction() as conn:
            chats = [
                row[0]
                for row in conn.execute(
                    "SELECT chat_id FROM chat_data WHERE updated_at < ?", (cutoff,)
                )
            ]
            users = [
                row[0]
                for row in conn.execute(
                    "SELECT user_id FROM user_data WHERE updated_at < ?", (cutoff,)
                )
            ]
            conn.execute("DELETE FROM chat_data WHERE updated_at < ?", (cutoff,))
            conn.execute("DELETE FROM user_data WHERE updated_at < ?", (cutoff,))
            conversations = conn.execute(
                "DELETE FROM conversations WHERE updated_at < ?", (cutoff,)
            ).rowcount
        if not at_startup:
            self._purged_chats.update(chats)
            self._purged_users.update(users)
        if chats or users or conversations:
            _LOGGER.info(
                "Purged idle state: %d chats, %d users, %d conversation states",
                len(chats),
                len(users),
                conversations,
            )
        return len(chats)

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        with self._lock:
            self._conn.close()
