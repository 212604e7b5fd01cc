"""``python -m bot`` as a real process against the Bot API fake over HTTP: killed with SIGKILL
mid-dialog and restarted with no answer lost; webhook mode with its secret token; bad settings
end start-up with one line and exit status 2. The processes' stderr never holds the token or a
message text."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import ALLOWED, SettingsError, load_settings
from bot.telegram_main import run_telegram
from dialogs import engine
from dialogs.chart_note import chart_note
from dialogs.i18n import translator
from dialogs.render import pathway_title, question_view
from tests.dialog_driver import answer_for
from tests.fakes import FakeBotApi, FakeBotApiServer
from tests.logic_helpers import load_cases
from tests.telegram_support import TOKEN, USER, actions, fast_http

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

EN = translator("en")
SECRET_TEXT = "Pietersen geboren 1951"


def env_for(data_dir: Path, base_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in ALLOWED}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
                "ALLOWED_USER_IDS": str(USER), "DATA_DIR": str(data_dir), "LOG_LEVEL": "DEBUG",
                "NO_PROXY": "127.0.0.1", "PYTHONUNBUFFERED": "1", **extra})
    return env


def spawn(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as stderr:
        return subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=cwd,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr)


def spawn_at_menu(api: FakeBotApi, env: dict[str, str], cwd: Path,
                  log: Path) -> subprocess.Popen[bytes]:
    """``python -m bot`` started and showing the menu after /start."""
    process = spawn(env, cwd, log)
    try:
        api.push_command(USER, USER, "start")
        wait(api, lambda: api.last_reply_markup(USER) is not None, "the menu")
    except BaseException:
        process.kill()
        raise
    return process


def shown_step(api: FakeBotApi) -> int | None:
    """The step carried by the keyboard of the bot's latest message with one."""
    markup = api.last_reply_markup(USER) or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            kind, _, rest = button["callback_data"].partition(":")
            if kind in ("a", "t", "d", "b"):
                return int(rest.split(":")[0])
    return None


def stored_step(data_dir: Path) -> int | None:
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        row = conn.execute("SELECT data FROM chat_data WHERE chat_id = ?", (USER,)).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    conv = json.loads(row[0]).get("conv") if row else None
    return None if conv is None else int(conv["step"])


def wait(api: FakeBotApi, predicate: Any, what: str, timeout: float = 15.0) -> None:
    assert api.wait_for(predicate, timeout), f"timed out waiting for {what}"


def press(api: FakeBotApi, label: str) -> None:
    api.push_button(USER, USER, label)


def test_sigkill_mid_dialog_and_restart_loses_no_answer(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)
    case = dict(load_cases())["lm-dx-repeat-lp"]
    findings, pathway = case["findings"], case["pathway"]
    data_dir = tmp_path / "data"
    log = tmp_path / "stderr.log"
    api = FakeBotApi()
    shadow = engine.start(pathway, "en", engine_now())  # what the bot should be asking

    with FakeBotApiServer(api, token=TOKEN) as server:
        env = env_for(data_dir, server.base_url)
        first = spawn_at_menu(api, env, tmp_path, log)
        try:
            press(api, pathway_title(pathway, "en"))
            wait(api, lambda: shown_step(api) == 0, "the first question")
            api.push_text(USER, USER, SECRET_TEXT)  # refused; must never reach a log
            wait(api, lambda: any(t.startswith("❗") for t in api.messages_to(USER)),
                 "the refusal")
            for number in range(3):
                shadow = answer(api, shadow, findings)
                step = shadow.conv.step
                if number < 2:
                    wait(api, lambda s=step: shown_step(api) == s, "the next question")
            # Killed the moment the third answer is written, before or after its reply.
            wait(api, lambda: stored_step(data_dir) == step, "the write-through")
            first.send_signal(signal.SIGKILL)
            assert first.wait(timeout=10) == -signal.SIGKILL
        finally:
            if first.poll() is None:
                first.kill()

        second = spawn(env, tmp_path, log)
        try:
            # Its reply arrived before the kill, or it was pending and is sent at start-up.
            wait(api, lambda: shown_step(api) == shadow.conv.step, "the question")
            while shadow.question is not None:
                shadow = answer(api, shadow, findings)
                if shadow.question is not None:
                    step = shadow.conv.step
                    wait(api, lambda s=step: shown_step(api) == s, "the next question")
            title = EN("ui.advice_title", title=pathway_title(pathway, "en"))
            wait(api, lambda: any(title in t for t in api.messages_to(USER)), "the advice")
            api.push_command(USER, USER, "summary")
            wait(api, lambda: api.messages_to(USER)[-1].startswith(EN("note.title", title=(
                pathway_title(pathway, "en")))), "the chart note")
            note = api.messages_to(USER)[-1]
            expected = chart_note(shadow.conv, shadow.advice, "en", engine_now())
            assert answers_of(note) == answers_of(expected)
            assert len(answers_of(note)) == len(findings_set(shadow.conv))
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=15) == 0
        finally:
            if second.poll() is None:
                second.kill()

    stderr = log.read_text(encoding="utf-8", errors="replace")
    assert "Application started" in stderr
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr
    assert SECRET_TEXT not in stderr and "Pietersen" not in stderr
    assert "Traceback" not in stderr


def engine_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def answer(api: FakeBotApi, shadow: engine.Step, findings: dict[str, Any]) -> engine.Step:
    """Press the case's answer to the shadow's question; return the shadow's next step."""
    assert shadow.question is not None
    view = question_view(shadow.question, "en")
    for kind, value in actions(view, findings, "en"):
        if kind == "type":
            api.push_text(USER, USER, value)
        elif value.startswith("☐ "):
            press(api, value)
            ticked = "☑ " + value[2:]
            wait(api, lambda t=ticked: t in json.dumps(api.last_reply_markup(USER),
                                                       ensure_ascii=False), "the tick")
        else:
            press(api, value)
    as_dict = {"findings": list(view.findings), "finding": view.finding, "kind": view.kind}
    return engine.answer(shadow.conv, answer_for(as_dict, findings))


def answers_of(note: str) -> list[str]:
    lines = note.split("\n")
    start = lines.index(EN("note.answers")) + 1
    return lines[start:lines.index("", start)]


def findings_set(conv: Any) -> list[str]:
    from dialogs.flows import FLOWS

    return [f for qid in conv.asked for f in FLOWS[conv.pathway].question(qid).sets]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_mode_checks_the_secret_token(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)
    port = free_port()
    api = FakeBotApi()
    log = tmp_path / "stderr.log"
    with FakeBotApiServer(api, token=TOKEN) as server:
        env = env_for(tmp_path / "data", server.base_url,
                      WEBHOOK_URL="https://bot.example.invalid/tg/hook",
                      WEBHOOK_SECRET="s3cret-Token_1", WEBHOOK_LISTEN="127.0.0.1",
                      WEBHOOK_PORT=str(port))
        process = spawn(env, tmp_path, log)
        try:
            wait(api, lambda: api.webhook_url == "https://bot.example.invalid/tg/hook",
                 "setWebhook")
            message = api.new_user_message(USER, USER, text="/help", entities=[
                {"type": "bot_command", "offset": 0, "length": 5}])
            url = f"http://127.0.0.1:{port}/tg/hook"
            with httpx.Client(trust_env=False, timeout=10) as client:
                for attempt in range(50):
                    try:
                        forged = client.post(url, json={"update_id": 1, "message": message})
                        break
                    except httpx.TransportError:
                        time.sleep(0.1 * (attempt < 49))
                assert forged.status_code == 403  # no secret token: refused
                real = client.post(url, json={"update_id": 2, "message": message},
                                   headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
                assert real.status_code == 200
            wait(api, lambda: api.messages_to(USER) == [EN("bot.help")], "the help text")
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
    assert TOKEN.split(":")[1] not in log.read_text() and "s3cret-Token_1" not in log.read_text()


def test_bad_settings_one_line_exit_2_as_a_process(tmp_path: Path) -> None:
    env = env_for(tmp_path / "data", "http://127.0.0.1:9/bot", ALLOWED_USER_IDS="12, Jan",
                  TELEGRAM_BOT_TOKEN="999:SECRET-VALUE")
    result = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("setting ALLOWED_USER_IDS is not valid: expected")
    assert "SECRET-VALUE" not in result.stderr


def test_a_token_telegram_refuses_one_line_exit_2(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fast_http(monkeypatch)
    with FakeBotApiServer(FakeBotApi(), token=TOKEN) as server:
        env = env_for(tmp_path / "data", server.base_url,
                      TELEGRAM_BOT_TOKEN="123456:WRONG-but-well-formed", LOG_LEVEL="INFO")
        result = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr == "setting TELEGRAM_BOT_TOKEN is not valid: Telegram refused the token\n"


@pytest.mark.parametrize(("values", "line"), [
    ({"TELEGRAM_BOT_TOKEN": "not a token XYZZY"}, "setting TELEGRAM_BOT_TOKEN is not valid"),
    ({"TIMEZONE": "UTC"}, "setting TIMEZONE is not valid: expected only Europe/Amsterdam"),
    ({"DEFAULT_LANGUAGE": "de"}, "setting DEFAULT_LANGUAGE is not valid: expected nl or en"),
    ({"IDLE_TIMEOUT_HOURS": "-1"}, "setting IDLE_TIMEOUT_HOURS is not valid"),
    ({"LOG_LEVEL": "LOUD"}, "setting LOG_LEVEL is not valid"),
    ({"WEBHOOK_URL": "https://example.org/hook"}, "setting WEBHOOK_SECRET is missing"),
    ({"WEBHOOK_URL": "http://example.org/hook", "WEBHOOK_SECRET": "abc"},
     "setting WEBHOOK_URL is not valid: expected an https:// URL"),
    ({"WEBHOOK_URL": "https://example.org/hook", "WEBHOOK_SECRET": "XYZZY b"},
     "setting WEBHOOK_SECRET is not valid"),
    ({"WEBHOOK_PORT": "70000"}, "setting WEBHOOK_PORT is not valid"),
    ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "setting TELEGRAM_API_BASE_URL is not valid"),
    ({"IDLE_TIMEOUT_HOURS": "inf"}, "setting IDLE_TIMEOUT_HOURS is not valid: expected a number"),
    ({"IDLE_TIMEOUT_HOURS": "1e309"}, "setting IDLE_TIMEOUT_HOURS is not valid"),
    ({"IDLE_TIMEOUT_HOURS": "nan"}, "setting IDLE_TIMEOUT_HOURS is not valid"),
    ({"WEBHOOK_LISTEN": "not-an-address"},
     "setting WEBHOOK_LISTEN is not valid: expected an IP address"),
    ({"WEBHOOK_LISTEN": "300.1.1.1"}, "setting WEBHOOK_LISTEN is not valid"),
    ({"RATE_LIMIT_PER_MINUTE": "1" + "0" * 30}, "setting RATE_LIMIT_PER_MINUTE is not valid"),
])
def test_bad_settings_one_line_exit_2(values: dict[str, str], line: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": "1", "DATA_DIR": str(tmp_path)}
    for name, value in {**base, **values}.items():
        monkeypatch.setenv(name, value)
    assert run_telegram(env_file=None) == 2
    err = capsys.readouterr().err
    assert err.startswith(line) and err.count("\n") == 1
    assert "XYZZY" not in err and TOKEN not in err


def test_settings_from_a_dotenv_file_and_an_unusable_data_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    dotenv = tmp_path / ".env"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dotenv.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR={blocker}/sub\n")
    assert run_telegram(env_file=dotenv) == 2
    assert capsys.readouterr().err == (
        f"setting DATA_DIR is not valid: expected {ALLOWED['DATA_DIR']}\n")
    dotenv.write_text("ALLOWED_USER_IDS=1\n")
    assert run_telegram(env_file=dotenv) == 2
    assert capsys.readouterr().err.startswith("setting TELEGRAM_BOT_TOKEN is missing")


HOSTILE = ["", " ", "inf", "-inf", "nan", "1e309", "-1", "0", "1" + "0" * 40, "9" * 5000,
           "ünïcødé", "[1, 2]", '{"a": 1}', "true", "http://[::1", "https://", "../../etc",
           "1,2,,3", " 12 , 13 ", "0.0.0.0", "::1", "%s%s%n", "$(reboot)"]


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_no_value_of_any_setting_gives_a_traceback(name: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for other in ALLOWED:
        monkeypatch.delenv(other, raising=False)
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": "1", "DATA_DIR": str(tmp_path),
            "WEBHOOK_SECRET": "abc"}
    for value in HOSTILE:
        for key, given in {**base, name: value}.items():
            monkeypatch.setenv(key, given)
        try:
            settings = load_settings(env_file=None)
        except SettingsError as exc:
            line = str(exc)
            assert line.startswith("setting ") and "\n" not in line, (name, value)
            said, _, allowed = line.partition(": expected ")
            assert allowed and (not value.strip() or value not in said), (name, value)
            continue
        # Accepted: everything derived from it works.
        assert settings.idle_timeout.total_seconds() > 0
        assert settings.database.name == "bot.sqlite3"
        assert isinstance(settings.webhook_path, str)


def test_an_unreadable_settings_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"TELEGRAM_BOT_TOKEN=" + TOKEN.encode() + b"\nDATA_DIR=\xff\xfe\n")
    assert run_telegram(env_file=dotenv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and TOKEN not in err


def test_sigterm_during_a_flood_wait_stops_at_once_and_the_reply_comes_at_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next question gets a 429 with retry_after 25: SIGTERM still stops the bot within
    5 s; the question stays pending and is sent when the bot starts again, without a press."""
    fast_http(monkeypatch)
    data_dir, log = tmp_path / "data", tmp_path / "stderr.log"
    api = FakeBotApi()
    title = pathway_title("spine.alarm", "en")
    with FakeBotApiServer(api, token=TOKEN) as server:
        env = env_for(data_dir, server.base_url)
        process = spawn_at_menu(api, env, tmp_path, log)
        try:
            api.inject("sendMessage", "429", retry_after=25)
            press(api, title)
            wait(api, lambda: bool(api.faults), "the flood wait")
            asked = len(api.messages_to(USER))
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
            assert time.monotonic() - started < 5
            assert len(api.messages_to(USER)) == asked  # not sent: it waits for the restart
            assert stored_step(data_dir) == 0  # the choice is kept

            process = spawn(env, tmp_path, log)
            wait(api, lambda: len(api.messages_to(USER)) > asked, "the pending question")
            question = api.messages_to(USER)[-1]
            assert title in question and not question.startswith("ℹ️")  # surely not sent before
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
    text = log.read_text()
    assert "sent 1 of 1 pending repl(ies) at start" in text and TOKEN.split(":")[1] not in text
