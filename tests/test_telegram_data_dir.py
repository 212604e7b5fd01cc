"""The data folder under operator mistakes and faults: a second process on it, another bot's
token on it, a damaged database, one unreadable chat row, a full or read-only disk."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main as bot_main
from bot.datalock import lock_data_dir
from bot.persistence import SqlitePersistence
from bot.settings import ALLOWED
from bot.telegram_main import run_telegram
from dialogs.i18n import translator
from dialogs.render import pathway_title, question_view
from tests.fakes import FakeBotApi
from tests.telegram_support import TOKEN, USER, Clinician, offline_bot, until

EN = translator("en")


def bot_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **values: str) -> None:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": str(USER),
            "DATA_DIR": str(data_dir), "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}
    for name, value in {**base, **values}.items():
        monkeypatch.setenv(name, value)


def test_a_second_process_on_the_data_dir_exits_at_once_naming_the_holder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bot_env(monkeypatch, data_dir)
    with lock_data_dir(data_dir):  # as a running bot holds it
        assert run_telegram(env_file=None) == 1
    err = capsys.readouterr().err
    assert err == (f"DATA_DIR {data_dir} is in use by another bot process (pid {os.getpid()}); "
                   "stop it first, or give this one another DATA_DIR\n")
    assert not (data_dir / "bot.sqlite3").exists()  # it touched nothing


def test_the_lock_is_free_again_once_its_holder_is_gone(tmp_path: Path) -> None:
    lock_data_dir(tmp_path).close()
    with lock_data_dir(tmp_path) as again:
        again.seek(0)
        assert again.read() == f"{os.getpid()}\n"


def test_another_bot_on_the_same_data_answers_its_first_update(tmp_path: Path) -> None:
    async def first_start(api: FakeBotApi) -> None:
        async with offline_bot(tmp_path, api) as (_, bot):
            api.push_command(USER, USER, "start")
            await until(lambda: bot.stats.handled == 1)

    old, new = FakeBotApi(bot_id=123), FakeBotApi(bot_id=456)
    asyncio.run(first_start(old))
    asyncio.run(first_start(new))  # update id 1 again, from another bot: not a repeat
    assert len(new.messages_to(USER)) == 1


# --- damaged state ----------------------------------------------------------------------------

def menu_shown(api: FakeBotApi, chat: int = USER) -> bool:
    return any(EN("ui.menu") in text for text in api.messages_to(chat))


@pytest.mark.parametrize("damage", ["not a database", "truncated"])
def test_a_damaged_database_is_moved_aside_and_a_fresh_one_serves(
        damage: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "bot.sqlite3"
    if damage == "not a database":
        db.write_bytes(b"this is no SQLite file " * 400)
    else:
        store = SqlitePersistence(db)
        for chat in range(300):
            asyncio.run(store.update_chat_data(chat, {"lang": "en", "pad": "x" * 300}))
        store.close()
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])

    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            api.push_command(USER, USER, "start")
            await until(lambda: bot.stats.handled == 1)
            assert menu_shown(api)

    asyncio.run(scenario())
    aside = [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].startswith("bot.sqlite3.damaged-")
    lines = [r.getMessage() for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(lines) == 1 and aside[0] in lines[0]


def stored(data_dir: Path, chat: int) -> dict[str, Any] | None:
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        row = conn.execute("SELECT data FROM chat_data WHERE chat_id = ?", (chat,)).fetchone()
    finally:
        conn.close()
    return None if row is None else dict(json.loads(row[0]))


def test_one_chats_unreadable_row_is_set_aside_and_that_chat_starts_over(tmp_path: Path) -> None:
    other = USER + 1
    api = FakeBotApi()  # one Bot API across both runs: update ids go on

    async def first() -> None:
        async with offline_bot(tmp_path, api) as (_, bot):
            for chat in (USER, other):
                me = Clinician(api, bot, user=chat)
                await me.command("start")
                await me.press(pathway_title("spine.alarm", "en"))

    async def second() -> None:
        async with offline_bot(tmp_path, api) as (_, bot):
            theirs, mine = len(api.messages_to(other)), len(api.messages_to(USER))
            await Clinician(api, bot, user=other).command("start")
            said = api.messages_to(other)[theirs:]
            assert said[0] == EN("bot.state.set_aside") and EN("ui.menu") in said[1]
            me = Clinician(api, bot)
            await me.command("restart")  # this chat's dialog is still there
            assert me.step.conv.pathway == "spine.alarm"
            assert EN("bot.state.set_aside") not in api.messages_to(USER)[mine:]

    asyncio.run(first())
    conn = sqlite3.connect(tmp_path / "bot.sqlite3")
    conn.execute("UPDATE chat_data SET data = '{\"conv\": {broken' WHERE chat_id = ?", (other,))
    conn.commit()
    conn.close()
    asyncio.run(second())
    assert stored(tmp_path, USER) is not None and "conv" in (stored(tmp_path, USER) or {})


class FailingWrites:
    """The bot's SQLite connection with every write refused, as on a full or read-only disk."""

    WRITES = ("BEGIN", "INSERT", "UPDATE", "DELETE")

    def __init__(self, conn: sqlite3.Connection, message: str) -> None:
        self._conn, self.message, self.failing = conn, message, True

    def execute(self, sql: str, *args: Any) -> Any:
        if self.failing and sql.lstrip().upper().startswith(self.WRITES):
            raise sqlite3.OperationalError(self.message)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@pytest.mark.parametrize("message", ["database or disk is full",
                                     "attempt to write a readonly database"])
def test_a_write_that_fails_is_reported_honestly_once_and_nothing_is_pretended(
        message: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.press(pathway_title("spine.alarm", "en"))
            step = me.step.conv.step
            disk = FailingWrites(bot.persistence._conn, message)
            bot.persistence._conn = disk  # type: ignore[assignment]
            before = len(api.messages_to(USER))
            label = last_option(me)  # "unknown": an answer that moves the dialog on
            api.push_button(USER, USER, label)
            await until(lambda: len(api.messages_to(USER)) > before)
            await asyncio.sleep(0.3)  # nothing more comes
            assert api.messages_to(USER)[before:] == [EN("bot.state.not_saved")]
            assert (stored(tmp_path, USER) or {})["conv"]["step"] == step
            assert bot.stats.errors == 1
            disk.failing = False  # space again: the same button works, as if for the first time
            await me.press(label)
            assert me.step.conv.step == step + 1
            assert (stored(tmp_path, USER) or {})["conv"]["step"] == step + 1
            assert EN("bot.error") not in api.messages_to(USER)

    asyncio.run(scenario())
    reason = "the disk is full" if "full" in message else "the database is read-only"
    assert any(reason in r.getMessage() for r in caplog.records)


def last_option(me: Clinician) -> str:
    question = me.step.question
    assert question is not None
    return question_view(question, "en").options[-1].label


def test_backup_copies_the_database_while_the_bot_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    copy = tmp_path / "copy.sqlite3"

    async def scenario() -> None:
        async with offline_bot(data_dir) as (api, bot):
            await Clinician(api, bot).command("start")
            assert bot_main(["backup", str(copy)]) == 0  # while it runs
            assert bot_main(["backup", str(copy)]) == 2  # never over an existing file

    asyncio.run(scenario())
    out, err = capsys.readouterr()
    assert out == f"backed up {data_dir / 'bot.sqlite3'} to {copy} (1 chat(s))\n"
    assert err == f"{copy} exists already: give a new file name\n"
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT chat_id FROM chat_data").fetchall() == [(USER,)]
    conn.close()
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "nowhere"))
    assert bot_main(["backup", str(tmp_path / "other.sqlite3")]) == 2
