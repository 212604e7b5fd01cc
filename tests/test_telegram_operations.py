"""Operations: ``python -m bot check`` with exit codes a supervisor can use, and the Prometheus
counters with a health check on a local port."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from bot.__main__ import main as bot_main
from bot.app import TelegramBot
from bot.datalock import lock_data_dir
from bot.settings import ALLOWED
from tests.fakes import FakeBotApi, FakeBotApiServer
from tests.telegram_support import TOKEN, USER, Clinician, fast_http, offline_bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          **values: str) -> tuple[int, str, str]:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    status = bot_main(["check"])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_names_each_part_with_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    fast_http(monkeypatch)
    monkeypatch.chdir(tmp_path)  # no .env here
    data_dir = tmp_path / "data"
    with FakeBotApiServer(FakeBotApi(), token=TOKEN) as server:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": str(USER),
               "DATA_DIR": str(data_dir), "TELEGRAM_API_BASE_URL": server.base_url}
        assert check(monkeypatch, capsys, **env) == (0, (
            "settings: ok (1 allowed user(s))\n"
            f"database: none yet at {data_dir / 'bot.sqlite3'} (created at the first start)\n"
            "telegram: ok (@test_bot)\n"), "")

        data_dir.mkdir()
        with lock_data_dir(data_dir):  # a bot runs on it
            status, out, _ = check(monkeypatch, capsys, **env)
        assert status == 0 and "a bot is running on it (pid " in out

        status, _, err = check(monkeypatch, capsys, **{
            **env, "TELEGRAM_BOT_TOKEN": "123456:WRONG-but-well-formed"})
        assert (status, err) == (2, "telegram: the token is refused (TELEGRAM_BOT_TOKEN)\n")

        (data_dir / "bot.sqlite3").write_bytes(b"no database " * 100)
        status, _, err = check(monkeypatch, capsys, **env)
        assert status == 1 and err.startswith("database: ") and "is damaged" in err

    (data_dir / "bot.sqlite3").unlink()
    status, _, err = check(monkeypatch, capsys, **{
        **env, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"})
    assert status == 1 and err.startswith("telegram: cannot reach the Bot API at http://127.0.0.1")

    status, _, err = check(monkeypatch, capsys, **{**env, "IDLE_TIMEOUT_HOURS": "inf"})
    assert status == 2 and err.startswith("settings: setting IDLE_TIMEOUT_HOURS is not valid")


def test_counters_and_health_on_a_local_port(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)
    port = free_port()

    async def scenario() -> tuple[str, int]:
        async with offline_bot(tmp_path, metrics_port=port) as (api, bot):
            me = Clinician(api, bot)
            await me.command("start")
            await me.command("help")
            async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
                metrics = await client.get(f"http://127.0.0.1:{port}/metrics")
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            return metrics.text, health.status_code

    text, health = asyncio.run(scenario())
    assert health == 200
    assert "bot_updates_handled_total 2\n" in text
    assert "bot_updates_errors_total 0\n" in text and "bot_replies_pending 0\n" in text
    assert "bot_up 1\n" in text and "bot_updates_waiting 0\n" in text
    assert 'bot_update_seconds{quantile="0.99"} ' in text


def test_health_says_when_the_bot_is_stalled_or_stopped(tmp_path: Path) -> None:
    async def scenario() -> TelegramBot:
        async with offline_bot(tmp_path) as (api, bot):
            await Clinician(api, bot).command("start")
            assert bot.health()[0] is True
            queue = bot.application.update_queue
            bot.stats.last_progress -= 120  # nothing taken up for two minutes ...
            assert bot.health()[0] is True  # ... with nothing waiting: idle, not stalled
            queue.qsize = lambda: 3  # type: ignore[method-assign]
            ok, details = bot.health()
            assert ok is False and details["waiting_updates"] == 3
            del queue.qsize
        return bot

    bot = asyncio.run(scenario())
    assert bot.health()[0] is False  # stopped
