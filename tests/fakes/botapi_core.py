"""In-memory fake of the Telegram Bot API, shared by the HTTP and the offline transport.

Holds :class:`FakeBotApi`: the state of one bot (known chats and their messages, the queue of
pending updates, bot commands, webhook, callback queries) and :meth:`FakeBotApi.handle`, which
answers one Bot API call exactly in the shape of the real API (``{"ok": true, "result": ...}``
or ``{"ok": false, "error_code": N, "description": ...}``) with objects PTB v22 can parse.

Parameters may arrive as the strings PTB puts on the wire (form fields; JSON-valued fields
such as ``reply_markup`` as JSON text) or as already decoded Python values.

Test helpers push user activity (``push_text``, ``push_command``, ``push_callback``,
``push_update``, ``push_duplicate``) and inspect the bot's output (``sent``, ``messages_to``,
``last_reply_markup``, ``callback_answers``, ``calls``, ``faults``, ``wait_for``).

Fault injection (``inject``, ``fault_rate``) decides per call:

* ``"429"`` / ``"500"`` – answered with that error; the call is *not* executed.
* ``"slow"`` – the call waits ``delay`` seconds, then executes normally.
* ``"drop"`` – the call executes, then :class:`DroppedConnection` is raised so the transport
  answers nothing (HTTP: connection closed; offline: ``NetworkError``). For ``getUpdates``
  the drop happens *before* execution so no delivery state changes. Every fault is recorded
  in :attr:`FakeBotApi.faults` with whether the call was executed.

``parse_mode=HTML`` is parsed like Telegram does (the stored text is plain, with entities)
and malformed HTML such as a bare ``<`` is rejected with a 400 "can't parse entities".

Not emulated: MarkdownV2/Markdown parsing (text is stored as sent), inline messages, media
groups, payments, file downloads, expiry of callback queries, rate limits other than the
injected ones, ``allowed_updates`` filtering.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import json
import random
import re
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
FaultKind = Literal["429", "500", "slow", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("429", "500", "slow", "drop")

# Methods whose successful calls are recorded in FakeBotApi.sent.
_RECORDED = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "editMessageText",
    "editMessageReplyMarkup",
}
_JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "reply_parameters",
    "link_preview_options",
}
_INT_FIELDS = {"chat_id", "message_id", "user_id", "offset", "limit", "timeout", "cache_time"}
_RECHECK = 0.05  # seconds; wait_for* also re-check predicates this often
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class DroppedConnection(Exception):
    """Raised by :meth:`FakeBotApi.handle` for a "drop" fault: answer nothing at all."""


class _ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.body: JSON = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            self.body["parameters"] = {"retry_after": retry_after}


@dataclass(frozen=True)
class UploadedFile:
    """A file uploaded with a multipart request (one form field)."""

    field: str
    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass(frozen=True)
class FaultRecord:
    """One fault that fired: which call, which kind, and whether the call was executed."""

    method: str
    kind: FaultKind
    executed: bool
    chat_id: object = None


@dataclass
class _Fault:
    method: str | None
    kind: FaultKind
    remaining: int
    retry_after: int
    delay: float


@dataclass
class _Queued:
    update: JSON
    redelivery: bool = False
    delivered: bool = False


@dataclass
class _Stored:
    message: JSON
    from_bot: bool
    markup: JSON | None = None  # any kind of reply_markup, also reply keyboards


@dataclass
class _Chat:
    chat: JSON
    next_message_id: int = 1
    messages: dict[int, _Stored] = field(default_factory=dict)
    bot_member: bool = True
    blocked: bool = False


# -- parameter decoding ---------------------------------------------------------------------


def _decoded(params: Mapping[str, Any]) -> JSON:
    """Params with JSON fields parsed and id fields as int, for recording and assertions."""
    out: JSON = {}
    for key, value in params.items():
        if isinstance(value, str) and key in _JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        elif isinstance(value, str) and key in _INT_FIELDS:
            with contextlib.suppress(ValueError):
                value = int(value)
        out[key] = value
    return out


def _int(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: invalid {name} specified") from None


def _json(params: Mapping[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    return value


def _bool(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


# -- HTML parse mode ------------------------------------------------------------------------

_HTML_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_HTML_ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_CHAR_REF = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_HTML_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_html(source: str) -> tuple[str, list[JSON]]:
    """Plain text and entities (UTF-16 offsets) for ``parse_mode=HTML``, as Telegram does it;
    text Telegram would reject (a bare ``<``, unknown or unbalanced tags) raises a 400."""
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    pos = 0
    while pos < len(source):
        if source[pos] == "<":
            offset = len(source[:pos].encode())
            match = _HTML_TAG.match(source, pos)
            if match is None:
                raise _ApiError(
                    400,
                    "Bad Request: can't parse entities: unsupported start "
                    f"tag at byte offset {offset}",
                )
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            kind = _HTML_ENTITY.get(name)
            if kind is None or (name == "span" and "tg-spoiler" not in attrs):
                raise _ApiError(
                    400,
                    "Bad Request: can't parse entities: unsupported start "
                    f'tag "{name}" at byte offset {offset}',
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse entities: unmatched end "
                        f'tag "{name}" at byte offset {offset}',
                    )
                _, start, link = stack.pop()
                if length > start:
                    entities.append(
                        {"type": kind, "offset": start, "length": length - start, **link}
                    )
            else:
                found = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _HTML_ATTR.finditer(attrs)
                }
                stack.append((name, length, {"url": found.get("href", "")} if name == "a" else {}))
            pos = match.end()
            continue
        if source[pos] == "&" and (ref := _CHAR_REF.match(source, pos)):
            piece, pos = html.unescape(ref.group(0)), ref.end()
        else:
            piece, pos = source[pos], pos + 1
        out.append(piece)
        length += _utf16_len(piece)
    if stack:
        raise _ApiError(
            400,
            "Bad Request: can't parse entities: can't find end tag "
            f'corresponding to start tag "{stack[-1][0]}"',
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# -- the fake -------------------------------------------------------------------------------


class FakeBotApi:
    """In-memory state of one bot plus the Bot API methods a PTB bot uses.

    Thread-safe: every state change happens under one lock; long polls wait on a condition.
    """

    def __init__(
        self,
        *,
        bot_id: int = 123,
        username: str = "test_bot",
        first_name: str = "Test Bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self._clock = clock
        self._cond = threading.Condition(threading.RLock())
        self._listeners: list[Callable[[], None]] = []
        self._chats: dict[int, _Chat] = {}
        self._queue: list[_Queued] = []
        self._history: dict[int, JSON] = {}
        self._next_update_id = 1
        self._callbacks: dict[str, bool] = {}  # callback query id -> answered
        self._next_callback = 1
        self._next_file = 1
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._poll_generation = 0
        self._interrupts = 0
        self._faults: list[_Fault] = []
        self._rate = 0.0
        self._rate_kinds: tuple[FaultKind, ...] = FAULT_KINDS
        self._rate_methods: set[str] | None = None
        self._rng = random.Random()
        self._rate_retry_after = 1
        self._rate_delay = 0.2
        self.webhook_url = ""
        #: (method, decoded params) of every successful send/edit of a message.
        self.sent: list[tuple[str, JSON]] = []
        #: What the API answered to each call in ``sent`` (same index).
        self.results: list[Any] = []
        #: (method, decoded params) of every call received, including failed ones.
        self.calls: list[tuple[str, JSON]] = []
        #: Decoded params of every successful answerCallbackQuery.
        self.callback_answers: list[JSON] = []
        #: Every fault that fired.
        self.faults: list[FaultRecord] = []
        #: Every file uploaded with multipart.
        self.uploads: list[UploadedFile] = []
        #: The pinned message per chat (pinChatMessage/unpinChatMessage).
        self.pinned: dict[int, int] = {}
        #: setMyDescription/setMyShortDescription per language code ("" the default).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        #: setChatMenuButton: the default menu button (chat_id absent) or per chat.
        self.menu_buttons: dict[int | None, JSON] = {}
        self._methods: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda p: dict(
                self.bot_user,
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
            ),
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue),
            },
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "leaveChat": self._leave_chat,
            "sendChatAction": self._send_chat_action,
            "pinChatMessage": self._pin,
            "unpinChatMessage": self._unpin,
            "setMyDescription": lambda p: self._set_text(p, "description", 512,
                                                         self.descriptions),
            "setMyShortDescription": lambda p: self._set_text(p, "short_description", 120,
                                                              self.short_descriptions),
            "setChatMenuButton": self._set_chat_menu_button,
        }
        self._canonical = {name.lower(): name for name in self._methods}

    # == request handling ===================================================================

    def handle(
        self, method: str, params: Mapping[str, Any] | None = None, *, long_poll: bool = True
    ) -> tuple[int, JSON]:
        """Answer one Bot API call: ``(http_status, json_body)``.

        ``long_poll=False`` makes ``getUpdates`` ignore its ``timeout`` (the offline transport
        waits asynchronously itself). Raises :class:`DroppedConnection` for a "drop" fault.
        """
        params = dict(params or {})
        name = self._canonical.get(method.lower(), method)
        with self._cond:
            self.calls.append((name, _decoded(params)))
            fault = self._take_fault(name)
        if fault is not None:
            executes = fault.kind == "slow" or (fault.kind == "drop" and name != "getUpdates")
            with self._cond:
                self.faults.append(FaultRecord(name, fault.kind, executes,
                                               _decoded(params).get("chat_id")))
            if fault.kind == "429":
                error = _ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    retry_after=fault.retry_after,
                )
                return error.code, error.body
            if fault.kind == "500":
                return 500, _ApiError(500, "Internal Server Error").body
            if fault.kind == "slow":
                time.sleep(fault.delay)
            if not executes:
                raise DroppedConnection(name)
        status, body = self._execute(name, params, long_poll)
        if fault is not None and fault.kind == "drop":
            raise DroppedConnection(name)
        return status, body

    def _execute(self, name: str, params: JSON, long_poll: bool) -> tuple[int, JSON]:
        function = self._methods.get(name)
        if function is None:
            return 404, _ApiError(404, "Not Found").body
        with self._cond:
            try:
                if name == "getUpdates":
                    result = self._get_updates(params, long_poll=long_poll)
                else:
                    result = function(params)
            except _ApiError as error:
                return error.code, error.body
            finally:
                self._notify()
            if name in _RECORDED:
                self.sent.append((name, _decoded(params)))
                self.results.append(result)
            return 200, {"ok": True, "result": result}

    def _notify(self) -> None:
        self._cond.notify_all()
        for listener in list(self._listeners):
            listener()

    # == fault injection ====================================================================

    def inject(
        self,
        method: str | None,
        kind: FaultKind,
        *,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 0.5,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (any method if None) fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        target = None if method is None else self._canonical.get(method.lower(), method)
        with self._cond:
            self._faults.append(_Fault(target, kind, times, retry_after, delay))

    def fault_rate(
        self,
        rate: float,
        kinds: Collection[FaultKind] = FAULT_KINDS,
        *,
        seed: int | None = None,
        methods: Collection[str] | None = None,
        retry_after: int = 1,
        delay: float = 0.2,
    ) -> None:
        """Fail a random share ``rate`` of calls (of ``methods``, default all) with a random
        kind from ``kinds``; ``seed`` makes the sequence reproducible. ``rate=0`` disables."""
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        with self._cond:
            self._rate = rate
            self._rate_kinds = tuple(kinds)
            self._rate_methods = (
                None if methods is None else {self._canonical.get(m.lower(), m) for m in methods}
            )
            self._rng = random.Random(seed)
            self._rate_retry_after = retry_after
            self._rate_delay = delay

    def clear_faults(self) -> None:
        """Remove pending injected faults and switch random faults off."""
        with self._cond:
            self._faults.clear()
            self._rate = 0.0

    def _take_fault(self, name: str) -> _Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.method in (None, name):
                fault.remaining -= 1
                return fault
        wanted = self._rate_methods is None or name in self._rate_methods
        if self._rate and wanted and self._rng.random() < self._rate:
            kind = self._rng.choice(self._rate_kinds)
            return _Fault(name, kind, 0, self._rate_retry_after, self._rate_delay)
        return None

    # == test helpers: chats and updates ====================================================

    def make_user(
        self, user_id: int, *, first_name: str = "Test", language_code: str | None = "en"
    ) -> JSON:
        """A User object for a human user."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        *,
        first_name: str = "Test",
        title: str | None = None,
    ) -> JSON:
        """Make a chat known (the bot can only write to chats it has seen); returns Chat."""
        with self._cond:
            state = self._chats.get(chat_id)
            if state is None:
                chat: JSON = {"id": chat_id, "type": chat_type}
                if chat_type == "private":
                    chat["first_name"] = first_name
                else:
                    chat["title"] = title or f"Test {chat_type}"
                state = self._chats[chat_id] = _Chat(chat)
            return copy.deepcopy(state.chat)

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """Simulate the user blocking (or unblocking) the bot in a private chat."""
        with self._cond:
            self._chat(chat_id).blocked = blocked

    def new_user_message(
        self,
        chat_id: int,
        user_id: int,
        *,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Test",
        **fields: Any,
    ) -> JSON:
        """Store a message from a user (next message_id of the chat) and return it, e.g. to
        build a custom update: ``push_update({"message": api.new_user_message(..., photo=[...])})``.
        """
        with self._cond:
            self.add_chat(chat_id, chat_type, first_name=first_name)
            state = self._chats[chat_id]
            message: JSON = {
                "message_id": state.next_message_id,
                "date": int(self._clock()),
                "chat": copy.deepcopy(state.chat),
                "from": self.make_user(user_id, first_name=first_name, language_code=language_code),
                **fields,
            }
            state.next_message_id += 1
            state.messages[message["message_id"]] = _Stored(message, from_bot=False)
            return copy.deepcopy(message)

    def push_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> int:
        """Queue a text message from a user; returns its update_id."""
        message = self.new_user_message(
            chat_id,
            user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            text=text,
        )
        return self.push_update({"message": message})

    def push_command(
        self,
        chat_id: int,
        user_id: int,
        command: str,
        args: str = "",
        *,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> int:
        """Queue ``/command args`` with its bot_command entity; returns the update_id."""
        head = command if command.startswith("/") else f"/{command}"
        text = f"{head} {args}" if args else head
        message = self.new_user_message(
            chat_id,
            user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            text=text,
            entities=[{"type": "bot_command", "offset": 0, "length": _utf16_len(head)}],
        )
        return self.push_update({"message": message})

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> int:
        """Queue a button press on ``message_id`` with ``data`` exactly as given (forged or
        stale values included). An unknown message is sent as an inaccessible message."""
        with self._cond:
            self.add_chat(chat_id, first_name=first_name)
            state = self._chats[chat_id]
            stored = state.messages.get(message_id)
            message = (
                copy.deepcopy(stored.message)
                if stored is not None
                else {"chat": copy.deepcopy(state.chat), "message_id": message_id, "date": 0}
            )
            query_id = f"cbq{self._next_callback}"
            self._next_callback += 1
            self._callbacks[query_id] = False
            query = {
                "id": query_id,
                "from": self.make_user(user_id, first_name=first_name, language_code=language_code),
                "chat_instance": f"ci{chat_id}",
                "message": message,
                "data": data,
            }
            return self.push_update({"callback_query": query})

    def push_button(self, chat_id: int, user_id: int, label: str) -> int:
        """Press the inline button labelled ``label`` on the bot's latest message showing it."""
        with self._cond:
            for message_id, stored in reversed(self._chat(chat_id).messages.items()):
                rows = (stored.markup or {}).get("inline_keyboard", [])
                for button in (b for row in rows for b in row):
                    if stored.from_bot and button.get("text") == label:
                        return self.push_callback(
                            chat_id, user_id, message_id, button["callback_data"]
                        )
        raise LookupError(f"no inline button labelled {label!r} in chat {chat_id}")

    def push_update(self, update: JSON) -> int:
        """Queue an arbitrary update (``update_id`` assigned if missing); returns update_id.

        Chats found in it become known; a ``my_chat_member`` update with status
        "kicked"/"left" makes sending to that chat fail with 403 like the real API.
        """
        update = copy.deepcopy(update)
        with self._cond:
            update_id = update.setdefault("update_id", self._next_update_id)
            self._next_update_id = max(self._next_update_id, update_id + 1)
            self._register(update)
            self._history[update_id] = copy.deepcopy(update)
            self._queue.append(_Queued(update))
            self._notify()
            return int(update_id)

    def push_duplicate(self, update_id: int) -> int:
        """Deliver an already pushed update once more (as after an unconfirmed getUpdates)."""
        with self._cond:
            self._queue.append(_Queued(copy.deepcopy(self._history[update_id]), redelivery=True))
            self._notify()
            return update_id

    def _register(self, update: JSON) -> None:
        for kind, payload in update.items():
            if not isinstance(payload, dict):
                continue
            chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat:
                state = self._chats.setdefault(chat["id"], _Chat(copy.deepcopy(chat)))
                message_id = payload.get("message_id")
                if kind in ("message", "channel_post") and isinstance(message_id, int):
                    state.next_message_id = max(state.next_message_id, message_id + 1)
                    state.messages.setdefault(message_id, _Stored(copy.deepcopy(payload), False))
                if kind == "my_chat_member":
                    status = payload.get("new_chat_member", {}).get("status")
                    gone = status in ("kicked", "left")
                    state.bot_member = not gone
                    state.blocked = gone and chat.get("type") == "private"

    # == test helpers: inspection ===========================================================

    def messages_to(self, chat_id: int) -> list[str]:
        """Current texts (or captions) of the bot's messages in ``chat_id``, oldest first."""
        with self._cond:
            state = self._chats.get(chat_id)
            if state is None:
                return []
            return [
                str(s.message.get("text", s.message.get("caption", "")))
                for _, s in sorted(state.messages.items())
                if s.from_bot
            ]

    def last_message(self, chat_id: int) -> JSON | None:
        """The bot's most recent message in ``chat_id`` as the API returns it, or None."""
        with self._cond:
            state = self._chats.get(chat_id)
            bot_messages = [
                s for _, s in sorted((state.messages if state else {}).items()) if s.from_bot
            ]
            return copy.deepcopy(bot_messages[-1].message) if bot_messages else None

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """One message of ``chat_id`` as it stands now (after edits), or None."""
        with self._cond:
            state = self._chats.get(chat_id)
            stored = (state.messages if state else {}).get(message_id)
            if stored is None:
                return None
            out = copy.deepcopy(stored.message)
            out["reply_markup"] = copy.deepcopy(stored.markup)
            return out

    def last_reply_markup(self, chat_id: int) -> JSON | None:
        """reply_markup of the bot's most recent message in ``chat_id`` that still has one."""
        with self._cond:
            state = self._chats.get(chat_id)
            for _, stored in sorted((state.messages if state else {}).items(), reverse=True):
                if stored.from_bot and stored.markup is not None:
                    return copy.deepcopy(stored.markup)
            return None

    def pending_updates(self) -> int:
        """How many updates are queued and not yet confirmed."""
        with self._cond:
            return len(self._queue)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` is true; False after ``timeout`` seconds.

        Re-checked on every state change of the fake and at least every 50 ms, so predicates
        may also look at test-side state (e.g. a list an error handler appends to).
        Blocks the calling thread: inside the event loop running the bot use
        :meth:`wait_for_async` instead.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, _RECHECK))
            return True

    async def wait_for_async(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Like :meth:`wait_for` but awaitable without blocking the event loop."""
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(changed.set)

        with self._cond:
            self._listeners.append(wake)
        try:
            deadline = loop.time() + timeout
            while True:
                changed.clear()
                with self._cond:
                    if predicate():
                        return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), min(remaining, _RECHECK))
        finally:
            with self._cond:
                self._listeners.remove(wake)

    def poll_ready(self, offset: int | None) -> bool:
        """Whether ``getUpdates(offset=offset)`` would answer right away."""
        with self._cond:
            return bool(self.webhook_url) or any(
                not self._confirmed(entry, offset) for entry in self._queue
            )

    def interrupt_polls(self) -> None:
        """Make waiting long polls return an empty result now (used on server shutdown)."""
        with self._cond:
            self._interrupts += 1
            self._notify()

    # == Bot API methods (called with the lock held) ========================================

    @staticmethod
    def _confirmed(entry: _Queued, offset: int | None) -> bool:
        if offset is None or offset < 0:
            return False
        # A re-delivered update is only confirmed after it was delivered once more.
        return entry.update["update_id"] < offset and (entry.delivered or not entry.redelivery)

    def _get_updates(self, params: JSON, *, long_poll: bool = True) -> list[JSON]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = _int(params, "offset")
        limit = min(max(_int(params, "limit") or 100, 1), 100)
        timeout = float(params.get("timeout") or 0) if long_poll else 0.0
        self._poll_generation += 1
        generation, interrupts = self._poll_generation, self._interrupts
        deadline = time.monotonic() + timeout
        while True:
            if offset is not None and offset < 0:
                self._queue = self._queue[offset:]
            else:
                self._queue = [e for e in self._queue if not self._confirmed(e, offset)]
            batch: list[_Queued] = []
            for entry in self._queue[:limit]:
                # A re-delivery travels alone so PTB's next offset confirms exactly it.
                if entry.redelivery and not entry.delivered and batch:
                    break
                batch.append(entry)
                if entry.redelivery and not entry.delivered:
                    break
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._interrupts != interrupts:
                for entry in batch:
                    entry.delivered = True
                return [copy.deepcopy(entry.update) for entry in batch]
            self._cond.wait(remaining)
            if self._poll_generation != generation:
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )

    def _chat(self, chat_id: int) -> _Chat:
        state = self._chats.get(chat_id)
        if state is None:
            raise _ApiError(400, "Bad Request: chat not found")
        return state

    def _target(self, params: JSON) -> _Chat:
        """The chat a send goes to, with the real API's errors for unknown/blocked chats."""
        chat_id = _int(params, "chat_id")
        if chat_id is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        state = self._chat(chat_id)
        if state.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if not state.bot_member:
            raise _ApiError(403, f"Forbidden: bot is not a member of the {state.chat['type']} chat")
        return state

    @staticmethod
    def _formatted(params: JSON, name: str, entities_name: str, limit: int, empty: str) -> JSON:
        raw = params.get(name)
        text = "" if raw is None else str(raw)
        if str(params.get("parse_mode") or "").upper() == "HTML":
            text, entities = _parse_html(text)
        else:
            entities = _json(params, entities_name) or []
        if not text.strip():
            if empty:
                raise _ApiError(400, empty)
            return {}
        if _utf16_len(text) > limit:
            raise _ApiError(
                400,
                "Bad Request: message is too long"
                if name == "text"
                else "Bad Request: message caption is too long",
            )
        return {name: text, **({entities_name: entities} if entities else {})}

    @staticmethod
    def _markup(params: JSON) -> JSON | None:
        markup = _json(params, "reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _bot_message(self, state: _Chat, fields: JSON, markup: JSON | None) -> JSON:
        message: JSON = {
            "message_id": state.next_message_id,
            "from": dict(self.bot_user),
            "chat": copy.deepcopy(state.chat),
            "date": int(self._clock()),
            **fields,
        }
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        state.next_message_id += 1
        state.messages[message["message_id"]] = _Stored(message, from_bot=True, markup=markup)
        return copy.deepcopy(message)

    def _send_message(self, params: JSON) -> JSON:
        state = self._target(params)
        fields = self._formatted(
            params, "text", "entities", 4096, "Bad Request: message text is empty"
        )
        return self._bot_message(state, fields, self._markup(params))

    def _file(self, params: JSON, name: str) -> tuple[str, int, str, str | None]:
        """(file_id, size, file name, mime type) of an uploaded or referenced file."""
        value = params.get(name)
        if value is None or value == "":
            raise _ApiError(400, f"Bad Request: there is no {name} in the request")
        file_id = f"fake-file-{self._next_file}"
        self._next_file += 1
        if isinstance(value, UploadedFile):
            self.uploads.append(value)
            return file_id, len(value.content), value.filename, value.mime_type
        return str(value), 0, "file", None

    def _send_photo(self, params: JSON) -> JSON:
        state = self._target(params)
        file_id, size, _, _ = self._file(params, "photo")
        fields = self._formatted(params, "caption", "caption_entities", 1024, "")
        photo = [
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "width": 320,
                "height": 240,
                "file_size": size,
            }
        ]
        return self._bot_message(state, {"photo": photo, **fields}, self._markup(params))

    def _send_document(self, params: JSON) -> JSON:
        state = self._target(params)
        file_id, size, file_name, mime_type = self._file(params, "document")
        fields = self._formatted(params, "caption", "caption_entities", 1024, "")
        document: JSON = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": size,
        }
        if mime_type:
            document["mime_type"] = mime_type
        return self._bot_message(state, {"document": document, **fields}, self._markup(params))

    def _message_to_edit(self, params: JSON) -> _Stored:
        if params.get("inline_message_id"):
            raise _ApiError(400, "Bad Request: inline messages are not supported by the fake")
        state = self._chat(_int(params, "chat_id") or 0)
        stored = state.messages.get(_int(params, "message_id") or 0)
        if stored is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if not stored.from_bot:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return stored

    def _apply_edit(self, stored: _Stored, fields: JSON, markup: JSON | None) -> JSON:
        message = stored.message
        if markup is not None and "inline_keyboard" not in markup:
            raise _ApiError(400, "Bad Request: inline keyboard expected")
        unchanged = all(message.get(k) == v for k, v in fields.items()) and (
            message.get("reply_markup") == markup
        )
        if unchanged:
            raise _ApiError(400, _NOT_MODIFIED)
        for key, value in fields.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        stored.markup = markup
        message["edit_date"] = int(self._clock())
        return copy.deepcopy(message)

    def _edit_message_text(self, params: JSON) -> JSON:
        stored = self._message_to_edit(params)
        if "text" not in stored.message:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        fields = self._formatted(
            params, "text", "entities", 4096, "Bad Request: message text is empty"
        )
        fields.setdefault("entities", None)  # editing text without entities drops them
        return self._apply_edit(stored, fields, self._markup(params))

    def _edit_message_reply_markup(self, params: JSON) -> JSON:
        stored = self._message_to_edit(params)
        return self._apply_edit(stored, {}, self._markup(params))

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if self._callbacks.get(query_id, True):
            raise _ApiError(400, _TOO_OLD)
        self._callbacks[query_id] = True
        answer = _decoded(params)
        if "show_alert" in params:
            answer["show_alert"] = _bool(params, "show_alert")
        self.callback_answers.append(answer)
        return True

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = _json(params, "scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSON) -> bool:
        commands = _json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _set_text(params: JSON, name: str, limit: int, store: dict[str, str]) -> bool:
        text = str(params.get(name) or "")
        if len(text) > limit:
            raise _ApiError(400, f"Bad Request: {name} is too long")
        store[str(params.get("language_code") or "")] = text
        return True

    def _set_chat_menu_button(self, params: JSON) -> bool:
        button = _json(params, "menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app",
                                                                        "default"):
            raise _ApiError(400, "Bad Request: invalid menu button")
        self.menu_buttons[_int(params, "chat_id")] = button
        return True

    def _set_webhook(self, params: JSON) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if _bool(params, "drop_pending_updates"):
            self._queue.clear()
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self.webhook_url = ""
        if _bool(params, "drop_pending_updates"):
            self._queue.clear()
        return True

    def _leave_chat(self, params: JSON) -> bool:
        state = self._chat(_int(params, "chat_id") or 0)
        if state.chat["type"] == "private":
            raise _ApiError(
                400, "Bad Request: chat member status can't be changed in private chats"
            )
        state.bot_member = False
        return True

    def _pin(self, params: JSON) -> bool:
        state = self._target(params)
        message_id = _int(params, "message_id")
        if message_id not in state.messages:
            raise _ApiError(400, "Bad Request: message to pin not found")
        self.pinned[state.chat["id"]] = message_id
        return True

    def _unpin(self, params: JSON) -> bool:
        state = self._target(params)
        message_id = _int(params, "message_id")
        if self.pinned.get(state.chat["id"]) in (message_id, None) or message_id is None:
            self.pinned.pop(state.chat["id"], None)
        return True

    def _send_chat_action(self, params: JSON) -> bool:
        self._target(params)
        if not params.get("action"):
            raise _ApiError(400, "Bad Request: action is empty")
        return True
