"""Tests proving tests.fakes is faithful enough for a real PTB v22 Application.

The first half drives :class:`FakeBotApi` directly (wire-format strings as PTB sends them);
the second half runs real PTB long polling against it, over real HTTP (httpx ->
FakeBotApiServer) and in-process (OfflineRequest).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import DroppedConnection, FakeBotApi, FakeBotApiServer, OfflineRequest

TOKEN = "123:TEST"
CHAT = 5001
USER = 77


# == core, driven directly ===================================================================


def test_get_me_and_unknown_method() -> None:
    api = FakeBotApi()
    assert api.handle("getMe", {}) == (
        200,
        {
            "ok": True,
            "result": {
                "id": 123,
                "is_bot": True,
                "first_name": "Test Bot",
                "username": "test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
        },
    )
    assert api.handle("sendPigeon", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


def test_messages_get_per_chat_ids_and_edits_apply() -> None:
    api = FakeBotApi()
    api.push_text(CHAT, USER, "hi")  # user message takes id 1 in this chat
    api.add_chat(CHAT + 1)
    markup = json.dumps({"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]})
    status, first = api.handle(
        "sendMessage", {"chat_id": str(CHAT), "text": "Q1", "reply_markup": markup}
    )
    _, second = api.handle("sendMessage", {"chat_id": str(CHAT), "text": "Q2"})
    _, other = api.handle("sendMessage", {"chat_id": str(CHAT + 1), "text": "x"})
    assert status == 200
    assert [first["result"]["message_id"], second["result"]["message_id"]] == [2, 3]
    assert other["result"]["message_id"] == 1
    assert first["result"]["reply_markup"] == json.loads(markup)
    assert first["result"]["chat"] == {"id": CHAT, "type": "private", "first_name": "Test"}
    assert api.last_reply_markup(CHAT) == json.loads(markup)

    edit = {"chat_id": str(CHAT), "message_id": "2", "text": "Q1 answered"}
    assert api.handle("editMessageText", edit)[0] == 200  # no reply_markup: keyboard removed
    assert api.messages_to(CHAT) == ["Q1 answered", "Q2"]
    assert api.last_reply_markup(CHAT) is None
    code, body = api.handle("editMessageText", edit)
    assert (code, body["description"]) == (
        400,
        "Bad Request: message is not modified: "
        "specified new message content and reply markup "
        "are exactly the same as a current content and "
        "reply markup of the message",
    )
    assert api.handle("editMessageText", {**edit, "message_id": "1"})[1]["description"] == (
        "Bad Request: message can't be edited"
    )
    assert api.handle("editMessageText", {**edit, "message_id": "99"})[1]["description"] == (
        "Bad Request: message to edit not found"
    )
    assert [m for m, _ in api.sent] == ["sendMessage"] * 3 + ["editMessageText"]
    assert api.handle("sendMessage", {"chat_id": "999", "text": "x"})[1]["description"] == (
        "Bad Request: chat not found"
    )


def test_html_parse_mode_is_validated_like_telegram() -> None:
    api = FakeBotApi()
    api.add_chat(CHAT)
    _, ok = api.handle(
        "sendMessage",
        {"chat_id": CHAT, "parse_mode": "HTML", "text": "<b>KPS</b> &lt; 70 🙂 <i>x</i>"},
    )
    assert ok["result"]["text"] == "KPS < 70 🙂 x"
    assert ok["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 12, "length": 1},
    ]
    code, bad = api.handle(
        "sendMessage", {"chat_id": CHAT, "parse_mode": "HTML", "text": "KPS < 70"}
    )
    assert code == 400 and bad["description"].startswith("Bad Request: can't parse entities")
    assert (
        api.handle("sendMessage", {"chat_id": CHAT, "text": "x" * 4097})[1]["description"]
        == "Bad Request: message is too long"
    )
    long_data = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "d" * 65}]]})
    assert (
        api.handle("sendMessage", {"chat_id": CHAT, "text": "x", "reply_markup": long_data})[1][
            "description"
        ]
        == "Bad Request: BUTTON_DATA_INVALID"
    )


def test_get_updates_offset_confirms_and_duplicates_are_redelivered() -> None:
    api = FakeBotApi()
    first = api.push_text(CHAT, USER, "a")
    second = api.push_command(CHAT, USER, "start", "x")
    _, body = api.handle("getUpdates", {"timeout": "0"})
    assert [u["update_id"] for u in body["result"]] == [first, second]
    command = body["result"][1]["message"]
    assert command["text"] == "/start x"
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command["from"] == {
        "id": USER,
        "is_bot": False,
        "first_name": "Test",
        "language_code": "en",
    }
    # Not confirmed yet: delivered again.
    assert len(api.handle("getUpdates", {"timeout": "0"})[1]["result"]) == 2
    # offset confirms everything below it.
    assert api.handle("getUpdates", {"offset": str(second + 1)})[1]["result"] == []
    api.push_duplicate(first)
    newer = api.push_text(CHAT, USER, "b")
    _, body = api.handle("getUpdates", {"offset": str(second + 1)})
    assert [u["update_id"] for u in body["result"]] == [first]  # a re-delivery travels alone
    assert body["result"][0]["message"]["text"] == "a"
    _, body = api.handle("getUpdates", {"offset": str(first + 1)})
    assert [u["update_id"] for u in body["result"]] == [newer]
    # A re-delivery queued behind a new update: PTB confirms with last id + 1, so the two
    # must come in separate batches or the new update would be delivered twice.
    third = api.push_text(CHAT, USER, "c")
    api.push_duplicate(newer)
    _, body = api.handle("getUpdates", {"offset": str(newer + 1)})
    assert [u["update_id"] for u in body["result"]] == [third]
    _, body = api.handle("getUpdates", {"offset": str(third + 1)})
    assert [u["update_id"] for u in body["result"]] == [newer]
    assert api.handle("getUpdates", {"offset": str(newer + 1)})[1]["result"] == []


def test_long_poll_waits_for_a_push_and_times_out_when_idle() -> None:
    api = FakeBotApi()
    assert api.handle("getUpdates", {"timeout": "0.2"}) == (200, {"ok": True, "result": []})
    pusher = threading.Timer(0.2, api.push_text, args=(CHAT, USER, "late"))
    pusher.start()
    _, body = api.handle("getUpdates", {"timeout": "10"})
    pusher.join()
    assert [u["message"]["text"] for u in body["result"]] == ["late"]
    api.handle("setWebhook", {"url": "https://example.invalid/hook"})
    assert api.handle("getUpdates", {})[0] == 409


def test_injected_faults_have_bot_api_shape_and_keep_state() -> None:
    api = FakeBotApi()
    api.add_chat(CHAT)
    api.inject("sendMessage", "429", retry_after=3)
    api.inject("sendmessage", "500")  # method names are case-insensitive, as in the real API
    api.inject("sendMessage", "drop")
    send = {"chat_id": str(CHAT), "text": "hello"}
    assert api.handle("sendMessage", send) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert api.handle("sendMessage", send) == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    assert api.messages_to(CHAT) == []  # neither was sent
    with pytest.raises(DroppedConnection):
        api.handle("sendMessage", send)
    assert api.messages_to(CHAT) == ["hello"]  # a dropped answer may hide a sent message
    api.inject(None, "slow", delay=0.05)  # any method; answered normally after the delay
    assert api.handle("sendMessage", send)[0] == 200
    assert api.handle("sendMessage", send)[0] == 200
    assert api.messages_to(CHAT) == ["hello"] * 3
    assert [(f.method, f.kind, f.executed) for f in api.faults] == [
        ("sendMessage", "429", False),
        ("sendMessage", "500", False),
        ("sendMessage", "drop", True),
        ("sendMessage", "slow", True),
    ]


def test_fault_rate_is_reproducible_with_a_seed() -> None:
    def run(seed: int) -> list[int]:
        api = FakeBotApi()
        api.fault_rate(0.5, kinds=("429", "500"), seed=seed, methods=["getMe"])
        codes = [api.handle("getMe", {})[0] for _ in range(60)]
        assert api.handle("deleteWebhook", {})[0] == 200  # other methods are not affected
        return codes

    codes = run(seed=7)
    assert codes == run(seed=7)
    assert {200, 429, 500} == set(codes)
    assert codes != run(seed=8)


def test_callback_queries_and_answers() -> None:
    api = FakeBotApi()
    api.add_chat(CHAT)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    _, sent = api.handle("sendMessage", {"chat_id": CHAT, "text": "Q", "reply_markup": markup})
    api.push_button(CHAT, USER, "Go")
    api.push_callback(CHAT, USER, 999, "forged")  # stale/forged: message is inaccessible
    _, body = api.handle("getUpdates", {})
    pressed, forged = (u["callback_query"] for u in body["result"])
    assert pressed["data"] == "go" and pressed["chat_instance"]
    assert pressed["message"]["message_id"] == sent["result"]["message_id"]
    assert forged["message"] == {"chat": pressed["message"]["chat"], "message_id": 999, "date": 0}
    answer = {"callback_query_id": pressed["id"], "text": "ok", "show_alert": "true"}
    assert api.handle("answerCallbackQuery", answer) == (200, {"ok": True, "result": True})
    assert api.callback_answers == [
        {"callback_query_id": pressed["id"], "text": "ok", "show_alert": True}
    ]
    assert api.handle("answerCallbackQuery", answer)[0] == 400  # only once
    assert api.handle("answerCallbackQuery", {"callback_query_id": "nope"})[0] == 400


def test_commands_webhook_chat_membership() -> None:
    api = FakeBotApi()
    commands = json.dumps([{"command": "start", "description": "Start"}])
    assert api.handle("setMyCommands", {"commands": commands})[0] == 200
    assert api.handle("getMyCommands", {})[1]["result"] == json.loads(commands)
    assert api.handle("getMyCommands", {"language_code": "nl"})[1]["result"] == []
    bad = json.dumps([{"command": "Start!", "description": "x"}])
    assert api.handle("setMyCommands", {"commands": bad})[0] == 400
    assert api.handle("deleteMyCommands", {})[0] == 200
    assert api.handle("getMyCommands", {})[1]["result"] == []

    api.push_text(-42, USER, "hi all", chat_type="group")
    assert api.handle("sendChatAction", {"chat_id": "-42", "action": "typing"})[0] == 200
    assert api.handle("leaveChat", {"chat_id": "-42"})[0] == 200
    assert api.handle("sendMessage", {"chat_id": "-42", "text": "x"})[1]["description"] == (
        "Forbidden: bot is not a member of the group chat"
    )
    api.push_text(CHAT, USER, "hi")
    api.push_update(
        {
            "my_chat_member": {
                "chat": {"id": CHAT, "type": "private", "first_name": "Test"},
                "from": api.make_user(USER),
                "date": 0,
                "old_chat_member": {"status": "member", "user": api.bot_user},
                "new_chat_member": {"status": "kicked", "user": api.bot_user, "until_date": 0},
            }
        }
    )
    assert api.handle("sendMessage", {"chat_id": str(CHAT), "text": "x"})[0] == 403


# == real PTB against the fake ================================================================


def build_app(api: FakeBotApi, base_url: str | None, *, rate_limiter: bool = False) -> Any:
    """Real PTB Application; over HTTP (default httpx requests) if base_url, else offline."""
    builder: Any = Application.builder().token(TOKEN)
    if base_url is not None:
        builder = builder.base_url(base_url)
    else:
        builder = builder.request(OfflineRequest(api)).get_updates_request(OfflineRequest(api))
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    return builder.build()


def add_echo_handlers(app: Any, seen: list[int], errors: list[BaseException]) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)
        assert update.message and update.message.text
        await update.message.reply_text(f"echo: {update.message.text}", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"pressed {query.data}")

    async def send_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message
        await update.message.reply_document(b"\x00\r\n--binary\xff\r\n", filename="r.bin")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_handler(CommandHandler("doc", send_doc))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_error_handler(on_error)


@asynccontextmanager
async def polling(app: Any, poll_errors: list[TelegramError] | None = None) -> AsyncIterator[Any]:
    """Run real long polling (timeout=1) and always stop cleanly."""
    await app.initialize()
    await app.start()
    await app.updater.start_polling(
        poll_interval=0,
        timeout=1,
        error_callback=poll_errors.append if poll_errors is not None else None,
    )
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture(params=["http", "offline"])
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """(api, base_url or None) for both transports; the HTTP server is torn down after."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # never route the fake through a proxy
    api = FakeBotApi()
    if request.param == "offline":
        yield api, None
        return
    with FakeBotApiServer(api, token=TOKEN) as server:
        yield api, server.base_url


def test_ptb_echo_callback_and_upload(transport: Any) -> None:
    api, base_url = transport
    seen: list[int] = []
    errors: list[BaseException] = []

    async def scenario() -> None:
        app = build_app(api, base_url)
        add_echo_handlers(app, seen, errors)
        async with polling(app):
            api.push_text(CHAT, USER, "hello")
            assert await api.wait_for_async(lambda: api.messages_to(CHAT) == ["echo: hello"])
            api.push_button(CHAT, USER, "Again")
            assert await api.wait_for_async(lambda: len(api.callback_answers) == 1)
            assert await api.wait_for_async(lambda: api.messages_to(CHAT) == ["pressed again"])
            api.push_callback(CHAT, USER, 12345, "forged-data")  # stale message
            assert await api.wait_for_async(lambda: len(api.callback_answers) == 2)
            api.push_command(CHAT, USER, "doc")
            assert await api.wait_for_async(lambda: len(api.uploads) == 1)

    asyncio.run(scenario())
    assert [a["text"] for a in api.callback_answers] == ["got again", "got forged-data"]
    # editing the inaccessible message must fail like Telegram does; the app survives it
    assert [type(e) for e in errors] == [type(errors[0])] and "not found" in str(errors[0])
    assert api.uploads[0].content == b"\x00\r\n--binary\xff\r\n"
    assert api.uploads[0].filename == "r.bin"
    assert api.last_reply_markup(CHAT) is None  # edit without markup removed the keyboard
    assert api.pending_updates() == 0  # the stop-time getUpdates confirmed everything
    assert [m for m, _ in api.calls][:2] == ["getMe", "deleteWebhook"]


def test_push_duplicate_delivers_the_same_update_again(transport: Any) -> None:
    api, base_url = transport
    seen: list[int] = []

    async def scenario() -> None:
        app = build_app(api, base_url)
        add_echo_handlers(app, seen, [])
        async with polling(app):
            update_id = api.push_text(CHAT, USER, "once")
            assert await api.wait_for_async(lambda: len(api.messages_to(CHAT)) == 1)
            api.push_duplicate(update_id)
            assert await api.wait_for_async(lambda: len(api.messages_to(CHAT)) == 2)
            api.push_text(CHAT, USER, "next")  # polling continues normally after it
            assert await api.wait_for_async(lambda: len(api.messages_to(CHAT)) == 3)

    asyncio.run(scenario())
    assert seen[0] == seen[1] and seen[2] == seen[0] + 1
    assert api.messages_to(CHAT) == ["echo: once", "echo: once", "echo: next"]


# PTB itself warns about RetryAfter.retry_after becoming a timedelta whenever it builds one.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_429_on_send_message_is_retried_by_rate_limiter(transport: Any) -> None:
    api, base_url = transport
    errors: list[BaseException] = []

    async def scenario() -> None:
        app = build_app(api, base_url, rate_limiter=True)
        add_echo_handlers(app, [], errors)
        api.inject("sendMessage", "429", retry_after=1)
        async with polling(app):
            api.push_text(CHAT, USER, "first")
            assert await api.wait_for_async(lambda: api.messages_to(CHAT) == ["echo: first"])
            api.push_text(CHAT, USER, "second")
            assert await api.wait_for_async(lambda: len(api.messages_to(CHAT)) == 2)

    asyncio.run(scenario())
    assert [(f.method, f.kind) for f in api.faults] == [("sendMessage", "429")]
    assert [m for m, _ in api.calls].count("sendMessage") == 3  # 429, retry, second
    assert [m for m, _ in api.sent] == ["sendMessage", "sendMessage"]  # no duplicate
    assert errors == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_429_without_rate_limiter_reaches_error_handler_and_polling_goes_on() -> None:
    api = FakeBotApi()
    errors: list[BaseException] = []

    async def scenario() -> None:
        app = build_app(api, None)
        add_echo_handlers(app, [], errors)
        api.inject("sendMessage", "429", retry_after=7)
        async with polling(app):
            api.push_text(CHAT, USER, "lost")
            assert await api.wait_for_async(lambda: len(errors) == 1)
            api.push_text(CHAT, USER, "kept")
            assert await api.wait_for_async(lambda: api.messages_to(CHAT) == ["echo: kept"])

    asyncio.run(scenario())
    assert isinstance(errors[0], RetryAfter) and "Retry in 7 seconds" in str(errors[0])


def test_500_on_get_updates_does_not_stop_polling(transport: Any) -> None:
    api, base_url = transport
    poll_errors: list[TelegramError] = []

    async def scenario() -> None:
        app = build_app(api, base_url)
        add_echo_handlers(app, [], [])
        api.inject("getUpdates", "500")
        async with polling(app, poll_errors):
            api.push_text(CHAT, USER, "after outage")
            assert await api.wait_for_async(
                lambda: api.messages_to(CHAT) == ["echo: after outage"], timeout=8
            )

    asyncio.run(scenario())
    assert [(f.method, f.kind) for f in api.faults] == [("getUpdates", "500")]
    assert len(poll_errors) == 1 and isinstance(poll_errors[0], NetworkError)
    assert "Internal Server Error" in str(poll_errors[0])


def test_dropped_answer_is_a_network_error_but_the_message_exists(transport: Any) -> None:
    api, base_url = transport
    errors: list[BaseException] = []

    async def scenario() -> None:
        app = build_app(api, base_url)
        add_echo_handlers(app, [], errors)
        api.inject("sendMessage", "drop")
        async with polling(app):
            api.push_text(CHAT, USER, "maybe")
            assert await api.wait_for_async(lambda: len(errors) == 1)
            api.push_text(CHAT, USER, "surely")
            assert await api.wait_for_async(lambda: len(api.messages_to(CHAT)) == 2)

    asyncio.run(scenario())
    assert isinstance(errors[0], NetworkError)
    assert api.faults[0].executed is True
    assert api.messages_to(CHAT) == ["echo: maybe", "echo: surely"]


def test_http_server_rejects_wrong_token_and_parses_json_bodies() -> None:
    import httpx

    with FakeBotApiServer(token=TOKEN) as server:
        server.api.add_chat(CHAT)
        assert server.base_url.startswith("http://127.0.0.1:")
        with httpx.Client(trust_env=False) as client:
            wrong = client.post(f"{server.base_url}999:WRONG/getMe")
            assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
            sent = client.post(
                f"{server.base_url}{TOKEN}/sendMessage", json={"chat_id": CHAT, "text": "via json"}
            )
            assert sent.json()["result"]["text"] == "via json"
            server.api.inject("getMe", "drop")
            with pytest.raises(httpx.RemoteProtocolError):
                client.post(f"{server.base_url}{TOKEN}/getMe")
