"""The data folder under operator mistakes: a second process on it, another bot's token on it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.datalock import lock_data_dir
from bot.settings import ALLOWED
from bot.telegram_main import run_telegram
from dialogs.i18n import translator
from tests.fakes import FakeBotApi
from tests.telegram_support import TOKEN, USER, offline_bot, until

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
