"""Tests for bot.persistence.SqlitePersistence: durability, atomicity, purge, idempotency."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.persistence import PersistenceError, SqlitePersistence
from tests.fakes import FakeBotApi, OfflineRequest

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)


class FakeClock:
    """Injectable clock that only moves when told to."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def read_row(path: Path, sql: str, *args: object) -> object:
    """Read with a separate connection (not the persistence's own)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(sql, args).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def test_round_trip_across_close_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"

    async def write() -> None:
        p = SqlitePersistence(db)
        await p.update_chat_data(-100123, {"step": "q3", "answers": {"pain": True, "kps": 70}})
        await p.update_chat_data(42, {"lang": "nl"})
        await p.update_user_data(7, {"consent": True, "scores": [1.5, None, "x"]})
        await p.update_bot_data({"version": 2})
        await p.update_conversation("spine", (42, 7), 3)
        await p.update_conversation("spine", (43, 8), "ASK_PAIN")
        await p.update_conversation("spine", (44, 9), 1)
        await p.update_conversation("spine", (44, 9), None)  # None ends the conversation
        await p.update_conversation("other", (42,), 1)
        p.close()

    async def read() -> tuple[object, ...]:
        p = SqlitePersistence(db)
        try:
            return (
                await p.get_chat_data(),
                await p.get_user_data(),
                await p.get_bot_data(),
                await p.get_conversations("spine"),
                await p.get_conversations("missing"),
                await p.get_callback_data(),
            )
        finally:
            p.close()

    asyncio.run(write())
    chats, users, bot_data, spine, missing, callback = asyncio.run(read())
    assert chats == {
        -100123: {"step": "q3", "answers": {"pain": True, "kps": 70}},
        42: {"lang": "nl"},
    }
    assert users == {7: {"consent": True, "scores": [1.5, None, "x"]}}
    assert bot_data == {"version": 2}
    assert spine == {(42, 7): 3, (43, 8): "ASK_PAIN"}
    assert missing == {}
    assert callback is None


def test_write_is_visible_to_another_process_without_flush(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    p = SqlitePersistence(db)
    try:
        asyncio.run(p.update_chat_data(42, {"step": "ask_weakness", "n": 1}))
        # No flush(), no close(): another process must already see the committed row.
        script = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "print(c.execute('SELECT data FROM chat_data WHERE chat_id = 42').fetchone()[0])"
        )
        out = subprocess.run(
            [sys.executable, "-c", script, str(db)],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert json.loads(out.stdout) == {"step": "ask_weakness", "n": 1}
    finally:
        p.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX kill -9")
def test_write_survives_kill_minus_9_right_after(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    script = (
        "import asyncio, os, signal, sys\n"
        "from bot.persistence import SqlitePersistence\n"
        "p = SqlitePersistence(sys.argv[1])\n"
        "asyncio.run(p.update_chat_data(9, {'step': 'q7'}))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(db)], cwd=ROOT, capture_output=True, timeout=30
    )
    assert result.returncode == -signal.SIGKILL, result.stderr

    p = SqlitePersistence(db)
    try:
        assert asyncio.run(p.get_chat_data()) == {9: {"step": "q7"}}
    finally:
        p.close()


def test_wal_mode_is_on(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    p = SqlitePersistence(db)
    try:
        asyncio.run(p.update_user_data(1, {"a": 1}))
        assert read_row(db, "PRAGMA journal_mode") == "wal"  # persistent property of the file
        assert (tmp_path / "state.sqlite-wal").exists()
    finally:
        p.close()


def test_idle_purge_with_injected_clock(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    clock = FakeClock()
    p = SqlitePersistence(db, idle_timeout=timedelta(hours=12), clock=clock)

    async def scenario() -> tuple[int, dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
        await p.update_chat_data(1, {"old": True})
        await p.update_user_data(11, {"old": True})
        await p.update_conversation("spine", (1, 11), 2)
        clock.advance(hours=11)
        await p.update_chat_data(2, {"young": True})
        await p.update_user_data(12, {"young": True})
        await p.update_conversation("spine", (2, 12), 5)
        clock.advance(hours=2)  # chat 1 is now 13 h idle, chat 2 only 2 h
        purged = await p.purge_idle()
        return purged, await p.get_chat_data(), await p.get_user_data()

    try:
        purged, chats, users = asyncio.run(scenario())
        assert purged == 1
        assert chats == {2: {"young": True}}
        assert users == {12: {"young": True}}
        assert asyncio.run(p.get_conversations("spine")) == {(2, 12): 5}
        assert read_row(db, "SELECT updated_at FROM chat_data WHERE chat_id = 2") == (
            "2025-01-01T19:00:00.000000Z"
        )
    finally:
        p.close()


def test_purge_runs_once_at_startup_read(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    clock = FakeClock()
    p = SqlitePersistence(db, clock=clock)
    asyncio.run(p.update_chat_data(1, {"x": 1}))
    p.close()

    clock.advance(hours=30)
    reopened = SqlitePersistence(db, clock=clock, idle_timeout=timedelta(hours=12))
    try:
        # Still on disk until the application first reads the persistence ...
        assert read_row(db, "SELECT COUNT(*) FROM chat_data") == 1
        assert asyncio.run(reopened.get_chat_data()) == {}
        assert read_row(db, "SELECT COUNT(*) FROM chat_data") == 0
    finally:
        reopened.close()


def test_runtime_purge_clears_in_memory_data_on_next_refresh(tmp_path: Path) -> None:
    clock = FakeClock()
    p = SqlitePersistence(tmp_path / "s.sqlite", clock=clock, idle_timeout=timedelta(hours=1))

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        in_memory: dict[str, Any] = {"step": "q2"}
        other: dict[str, Any] = {"step": "q5"}
        await p.update_chat_data(1, in_memory)
        clock.advance(hours=2)
        await p.update_chat_data(2, other)
        await p.purge_idle()
        await p.refresh_chat_data(1, in_memory)  # PTB calls this before handling an update
        await p.refresh_chat_data(2, other)
        return in_memory, other

    try:
        purged_dict, kept_dict = asyncio.run(scenario())
        assert purged_dict == {}
        assert kept_dict == {"step": "q5"}
    finally:
        p.close()


def test_mark_update_seen_across_reopen_and_bounded(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"

    async def first() -> list[bool]:
        p = SqlitePersistence(db, seen_updates_limit=5)
        try:
            return [await p.mark_update_seen(u) for u in (100, 101, 100)]
        finally:
            p.close()

    async def second() -> list[bool]:
        p = SqlitePersistence(db, seen_updates_limit=5)
        try:
            seen = [await p.mark_update_seen(100), await p.mark_update_seen(102)]
            for update_id in range(103, 110):  # pushes 100..104 out of the window of 5
                await p.mark_update_seen(update_id)
            return [*seen, await p.mark_update_seen(100), await p.mark_update_seen(109)]
        finally:
            p.close()

    assert asyncio.run(first()) == [True, True, False]
    assert asyncio.run(second()) == [False, True, True, False]
    assert read_row(db, "SELECT COUNT(*) FROM seen_updates") == 5


def test_drop_chat_and_user_data_remove_rows(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    p = SqlitePersistence(db)

    async def scenario() -> None:
        await p.update_chat_data(1, {"a": 1})
        await p.update_chat_data(2, {"b": 2})
        await p.update_user_data(3, {"c": 3})
        await p.drop_chat_data(1)
        await p.drop_user_data(3)

    try:
        asyncio.run(scenario())
        assert read_row(db, "SELECT COUNT(*) FROM chat_data WHERE chat_id = 1") == 0
        assert read_row(db, "SELECT COUNT(*) FROM chat_data WHERE chat_id = 2") == 1
        assert read_row(db, "SELECT COUNT(*) FROM user_data") == 0
    finally:
        p.close()


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ({"a": 2, "tags": {"x", "y"}}, "['tags']: values of type set"),
        ({"a": 2, "when": datetime(2025, 1, 1)}, "type datetime"),
        ({"a": 2, "pair": (1, 2)}, "type tuple"),
        ({"a": 2, "by_id": {5: "x"}}, "dict key of type int"),
        ({"a": 2, "ratio": float("nan")}, "non-finite float"),
    ],
)
def test_non_json_value_raises_and_keeps_previous_row(
    tmp_path: Path, bad: dict[str, object], fragment: str
) -> None:
    db = tmp_path / "state.sqlite"
    p = SqlitePersistence(db)
    try:
        asyncio.run(p.update_chat_data(5, {"a": 1}))
        with pytest.raises(PersistenceError, match="chat_data of chat 5") as info:
            asyncio.run(p.update_chat_data(5, bad))
        assert fragment in str(info.value)
        assert json.loads(str(read_row(db, "SELECT data FROM chat_data WHERE chat_id = 5"))) == {
            "a": 1
        }
        # The persistence is still usable after the failed write.
        asyncio.run(p.update_chat_data(5, {"a": 3}))
        assert asyncio.run(p.get_chat_data()) == {5: {"a": 3}}
    finally:
        p.close()


def test_logs_never_contain_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "Patient reports saddle anaesthesia"
    clock = FakeClock()
    p = SqlitePersistence(tmp_path / "s.sqlite", clock=clock)

    async def scenario() -> None:
        await p.update_chat_data(1, {"note": secret})
        await p.update_user_data(2, {"note": secret})
        await p.update_conversation("c", (1, 2), secret)
        clock.advance(days=2)
        assert await p.purge_idle() == 1

    with caplog.at_level(logging.DEBUG, logger="bot.persistence"):
        try:
            asyncio.run(scenario())
        finally:
            p.close()
    assert "1 chats" in caplog.text  # counts are logged ...
    assert secret not in caplog.text  # ... contents never


def test_works_as_ptb_application_persistence(tmp_path: Path) -> None:
    """A handler writes through before replying and skips re-delivered updates."""
    db = tmp_path / "state.sqlite"
    api = FakeBotApi()
    persistence = SqlitePersistence(db)
    rows_before_reply: list[object] = []
    handled: list[int] = []

    async def count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)
        if not await persistence.mark_update_seen(update.update_id):
            return  # duplicate delivery: do not apply or answer twice
        assert context.chat_data is not None and update.effective_chat and update.message
        context.chat_data["count"] = context.chat_data.get("count", 0) + 1
        await persistence.update_chat_data(update.effective_chat.id, context.chat_data)
        rows_before_reply.append(read_row(db, "SELECT data FROM chat_data WHERE chat_id = 77"))
        await update.message.reply_text(f"count={context.chat_data['count']}")

    async def scenario() -> None:
        app = (
            Application.builder()
            .token("123:TEST")
            .persistence(persistence)
            .request(OfflineRequest(api))
            .get_updates_request(OfflineRequest(api))
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, count))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            update_id = api.push_text(77, 7, "hello")
            assert await api.wait_for_async(lambda: api.messages_to(77) == ["count=1"])
            api.push_duplicate(update_id)
            assert await api.wait_for_async(lambda: len(handled) == 2)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(scenario())
    assert handled == [handled[0], handled[0]]
    assert api.messages_to(77) == ["count=1"]
    assert rows_before_reply == ['{"count":1}']
    persistence.close()

    reopened = SqlitePersistence(db)
    try:
        assert asyncio.run(reopened.get_chat_data()) == {77: {"count": 1}}
        assert asyncio.run(reopened.mark_update_seen(handled[0])) is False
    finally:
        reopened.close()


def test_rejects_naive_clock(tmp_path: Path) -> None:
    p = SqlitePersistence(tmp_path / "s.sqlite", clock=lambda: datetime(2025, 1, 1))
    try:
        with pytest.raises(ValueError, match="timezone-aware"):
            asyncio.run(p.update_chat_data(1, {}))
    finally:
        p.close()
