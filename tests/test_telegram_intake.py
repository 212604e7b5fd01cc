"""Updates the bot cannot read (a ``from`` without ``first_name``, a date as text, any schema
mismatch of a self-hosted Bot API server) are skipped after logging their id and type only, in
long polling and in webhook mode; nobody else waits, and no text or name reaches the log."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update

from bot.logs import RedactingFormatter, WithholdData
from dialogs.i18n import translator
from tests.fakes import FakeBotApi, FakeBotApiServer
from tests.telegram_support import TOKEN, USER, fast_http, http_bot, make_bot, until

EN = translator("en")
SECRET = "Jansen geb 12-03-1950"
NAME = "Pietje"


def _message(**fields: Any) -> dict[str, Any]:
    message = {"message_id": 900, "date": 1_700_000_000,
               "chat": {"id": USER, "type": "private", "first_name": NAME},
               "from": {"id": USER, "is_bot": False, "first_name": NAME}, "text": SECRET}
    message.update(fields)
    return message


#: Updates PTB cannot parse, each carrying a text and a name that must never be logged.
MALFORMED: dict[str, dict[str, Any]] = {
    "from without first_name": {"message": _message(**{"from": {"id": USER, "is_bot": False,
                                                                "last_name": NAME}})},
    "date as text": {"message": _message(date=SECRET)},
    "message as a list": {"message": [SECRET, NAME]},
    "entity without offset": {"message": _message(entities=[{"type": "bold"}])},
    "callback from without first_name": {"callback_query": {
        "id": "1", "chat_instance": NAME, "data": SECRET,
        "from": {"id": USER, "is_bot": False, "username": NAME}}},
}


def test_the_malformed_shapes_are_unparseable_for_ptb() -> None:
    for name, update in MALFORMED.items():
        with pytest.raises(Exception):  # noqa: B017 - any error: that is the point
            Update.de_json({"update_id": 1, **update}, None)
        assert name


def help_answers(api: FakeBotApi) -> int:
    return api.messages_to(USER).count(EN("bot.help"))


def assert_private(logs: str) -> None:
    assert SECRET not in logs and NAME not in logs and "Jansen" not in logs
    assert TOKEN.split(":")[1] not in logs


def test_long_polling_skips_unreadable_updates_and_serves_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        debug_logs: pytest.LogCaptureFixture) -> None:
    fast_http(monkeypatch)

    async def scenario() -> None:
        async with http_bot(tmp_path) as (api, _bot):
            # Bad ones first, in the middle and last of one batch: nothing may stall.
            ids = [api.push_update(dict(update)) for update in MALFORMED.values()]
            api.push_command(USER, USER, "help")
            ids.append(api.push_update(dict(MALFORMED["date as text"])))
            await until(lambda: help_answers(api) == 1, 10)
            api.push_command(USER, USER, "help")
            await until(lambda: help_answers(api) == 2, 10)
            await until(lambda: api.pending_updates() == 0, 10)
            return_ids.extend(ids)

    return_ids: list[int] = []
    asyncio.run(scenario())
    logs = debug_logs.text
    for update_id in return_ids:
        assert f"update {update_id} could not be read (type " in logs
    assert "could not be read (type message)" in logs
    assert "could not be read (type callback_query)" in logs
    assert_private(logs)
    assert not [r for r in debug_logs.records if r.levelno >= logging.CRITICAL]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_skips_unreadable_updates_and_reports_health(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        debug_logs: pytest.LogCaptureFixture) -> None:
    fast_http(monkeypatch)
    port = free_port()
    secret = "s3cret-Token_1"
    url = f"http://127.0.0.1:{port}/tg/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}

    async def scenario() -> None:
        api = FakeBotApi()
        with FakeBotApiServer(api, token=TOKEN) as server:
            bot = make_bot(api, tmp_path, server=server,
                           webhook_url="https://bot.example.invalid/tg/hook",
                           webhook_secret=secret, webhook_port=port)
            async with bot.running(webhook=True), httpx.AsyncClient(trust_env=False,
                                                                    timeout=10) as client:
                assert api.webhook_url == "https://bot.example.invalid/tg/hook"
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
                assert health.status_code == 200 and health.json()["ok"] is True
                for update_id, update in enumerate(MALFORMED.values(), 1):
                    answer = await client.post(url, json={"update_id": update_id, **update},
                                               headers=headers)
                    assert answer.status_code == 200  # taken: Telegram will not resend it
                forged = await client.post(url, json={"update_id": 50}, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "wrong"})
                assert forged.status_code == 403
                not_json = await client.post(url, content=SECRET.encode(), headers=headers)
                assert not_json.status_code == 400
                message = api.new_user_message(USER, USER, text="/help", entities=[
                    {"type": "bot_command", "offset": 0, "length": 5}])
                answer = await client.post(url, json={"update_id": 99, "message": message},
                                           headers=headers)
                assert answer.status_code == 200
                await until(lambda: help_answers(api) == 1, 10)

    asyncio.run(scenario())
    logs = debug_logs.text
    for update_id in range(1, len(MALFORMED) + 1):
        assert f"update {update_id} could not be read (type " in logs
    assert_private(logs)


def test_ptb_lines_with_received_data_are_withheld() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter([TOKEN]))
    handler.addFilter(WithholdData())
    logger = logging.getLogger("telegram.ext.Updater")
    logger.addHandler(handler)
    try:
        try:
            raise TypeError(f"bad value {SECRET!r}")
        except TypeError:
            logger.critical("Error while parsing updates! Received data was %r",
                            [{"message": {"text": SECRET}}], exc_info=True)
        logger.critical("Something went wrong processing the data received from Telegram. "
                        "Received data was *not* processed! Received data was: %r",
                        {"text": SECRET})
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert SECRET not in out
    assert "Error while parsing updates (data withheld; TypeError)" in out
    assert "Something went wrong processing the data received from Telegram (data withheld)" in out
