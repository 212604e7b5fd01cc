"""Issue 12, item 4 "Faster hands" against the Bot API fake: ``python -m bot qr`` (the deep link
and its QR code), the descriptions and the menu set at start-up per language, and /alarm."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.settings import ALLOWED, SettingsError, load_settings
from dialogs.i18n import LANGUAGES, translator
from tests.fakes import FakeBotApi, FakeBotApiServer
from tests.telegram_support import TOKEN, USER, Clinician, fast_http, offline_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def qr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str],
       **env: str) -> tuple[int, str, str]:
    for name in ALLOWED:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = bot_main(["qr", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_qr_prints_the_link_and_writes_a_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    fast_http(monkeypatch)
    monkeypatch.chdir(tmp_path)  # no .env here
    with FakeBotApiServer(FakeBotApi(), token=TOKEN) as server:  # the username from getMe
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
        assert qr(monkeypatch, capsys, ["spine"], **env) == (
            0, "https://t.me/test_bot?start=spine\n", "")
    poster = tmp_path / "alarm.png"
    # BOT_USERNAME set: Telegram is not asked (the base URL goes nowhere)
    status, out, err = qr(monkeypatch, capsys, ["alarm", "--png", str(poster)],
                          TELEGRAM_BOT_TOKEN=TOKEN, BOT_USERNAME="@Ward_Bot",
                          TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
    assert status == 0 and err == ""
    assert out.splitlines()[0] == "https://t.me/Ward_Bot?start=alarm"
    data = poster.read_bytes()
    assert len(data) > 0 and data.startswith(PNG_SIGNATURE)


def test_qr_refuses_an_unknown_pathway(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = qr(monkeypatch, capsys, ["brain"], TELEGRAM_BOT_TOKEN=TOKEN,
                          BOT_USERNAME="ward_bot")
    assert (status, out) == (2, "")
    assert err == "unknown pathway 'brain': expected one of alarm, spine, lm\n"


def test_bot_username_is_checked_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_USERNAME", "not a name")
    with pytest.raises(SettingsError) as caught:
        load_settings(None)
    expected = f"setting BOT_USERNAME is not valid: expected {ALLOWED['BOT_USERNAME']}"
    assert str(caught.value) == expected
    assert "\n" not in str(caught.value)


def test_descriptions_and_menu_are_set_at_start_up(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path, default_language="en") as (api, bot):
            for lang in LANGUAGES:
                t = translator(lang)
                assert api.descriptions[lang] == t("bot.description")
                assert api.short_descriptions[lang] == t("bot.short_description")
                assert api._get_my_commands({"language_code": lang})[0] == {
                    "command": "alarm", "description": t("bot.command.alarm")}
            en = translator("en")
            assert api.descriptions[""] == en("bot.description")  # the default language
            assert api.short_descriptions[""] == en("bot.short_description")
            assert api._get_my_commands({})[0]["command"] == "alarm"
            assert api.menu_buttons == {None: {"type": "commands"}}
            assert bot.stats.errors == 0

    asyncio.run(scenario())


def test_profile_failures_are_logged_and_the_bot_serves(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    api = FakeBotApi()
    for method in ("setMyDescription", "setMyShortDescription", "setChatMenuButton"):
        api.inject(method, "500", times=10)

    async def scenario() -> None:
        async with offline_bot(tmp_path, api) as (_, bot):
            me = Clinician(api, bot)
            await me.command("alarm")
            assert me.step.conv.pathway == "spine.alarm"

    with caplog.at_level(logging.WARNING, logger="bot.app"):
        asyncio.run(scenario())
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert any(w.startswith("could not set the description") for w in warnings)
    assert any(w.startswith("could not set the menu button") for w in warnings)


def test_alarm_opens_the_alarm_check(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot)
            await me.command("alarm")
            assert me.step.conv.pathway == "spine.alarm" and me.step.question is not None
            assert bot.stats.errors == 0

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_and_help_speak_to_care_professionals(tmp_path: Path, lang: str) -> None:
    t = translator(lang)
    assert "/alarm" in t("bot.help") and "/time" in t("bot.help")

    async def scenario() -> None:
        async with offline_bot(tmp_path) as (api, bot):
            me = Clinician(api, bot, language_code=lang)
            await me.command("start")
            first = api.messages_to(USER)[-1]
            assert first.startswith(t("bot.start.intro").split("\n")[0])
            assert "/alarm" in first

    asyncio.run(scenario())
