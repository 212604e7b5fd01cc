"""Reading updates so that none can stall the bot or leak its content into the log.

PTB parses a whole ``getUpdates`` batch at once: one update it cannot parse (a ``from`` without
``first_name``, any schema change of a self-hosted Bot API server) fails the batch, the offset
never moves on, the same batch is fetched forever and each attempt is logged at CRITICAL *with the
raw batch* (other users' texts and names). Here each update is read on its own; one that cannot
be read is logged by its id and type only and replaced by an empty update with the same id, which
the gate counts and skips, so polling confirms it and moves on. The webhook server
(:mod:`bot.webhook`) reads its updates with :func:`read_update` too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.ext import ExtBot
from telegram.request import BaseRequest

__all__ = ["TolerantBot", "read_update", "update_kind"]

log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z_]{1,32}")
_TRIMMED = ("message", "edited_message")


def update_kind(raw: object) -> str:
    """The update's type (``message``, ``callback_query``, …) as far as it is safe to log."""
    if not isinstance(raw, dict):
        return "?"
    kinds = [k for k in raw if k != "update_id"]
    return ",".join(k if isinstance(k, str) and _NAME.fullmatch(k) else "?" for k in kinds) or "-"


def _parsed(raw: object, bot: Any) -> Update | None:
    try:
        update = Update.de_json(raw, bot) if isinstance(raw, dict) else None
    except Exception:  # whatever the data is, it must not stop the bot
        return None
    return update if update is not None and type(update.update_id) is int else None


def _skipped(raw: object) -> int | None:
    """Log an update that could not be read by its id and type only; its id, if it has one."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    if type(update_id) is not int:
        log.error("an update without a usable id could not be read (type %s); skipped",
                  update_kind(raw))
        return None
    log.error("update %d could not be read (type %s); skipped", update_id, update_kind(raw))
    return update_id


def _from_stranger(raw: object, allowed: frozenset[int] | None) -> object:
    """A private update from a user not in ``allowed`` cut down to what its refusal needs (who,
    which chat): their text is never read, and reading the rest is cheap."""
    if allowed is None or not isinstance(raw, dict):
        return raw
    for kind in _TRIMMED:
        payload = raw.get(kind)
        if isinstance(payload, dict):
            sender, chat = payload.get("from"), payload.get("chat")
            if (not isinstance(sender, dict) or sender.get("id") in allowed
                    or not isinstance(chat, dict) or chat.get("type") != "private"):
                return raw
            return {"update_id": raw.get("update_id"),
                    kind: {k: payload[k] for k in ("message_id", "date", "chat", "from")
                           if k in payload}}
    return raw


def read_update(raw: object, bot: Any, allowed: frozenset[int] | None = None) -> Update | None:
    """``raw`` as an :class:`Update`; one that cannot be read becomes an empty update with its id
    (logged by id and type, never its content); None without a usable ``update_id``. With
    ``allowed``, a private message of anyone else is read without its content."""
    update = _parsed(_from_stranger(raw, allowed), bot)
    if update is not None:
        return update
    update_id = _skipped(raw)
    return None if update_id is None else Update(update_id)


class TolerantBot(ExtBot[Any]):
    """An ExtBot whose ``getUpdates`` reads each update on its own (see the module doc), once."""

    def __init__(self, token: str, *, get_updates_request: BaseRequest | None = None,
                 allowed: frozenset[int] | None = None, **kwargs: Any) -> None:
        super().__init__(token, get_updates_request=get_updates_request, **kwargs)
        self._allowed = allowed
        self._poll_read_timeout = (get_updates_request.read_timeout
                                   if get_updates_request is not None else None) or 5.0

    @property
    def allowed(self) -> frozenset[int] | None:
        """The users whose messages are read whole (None: everybody's)."""
        return self._allowed

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | float | timedelta | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = DEFAULT_NONE,
        write_timeout: Any = DEFAULT_NONE,
        connect_timeout: Any = DEFAULT_NONE,
        pool_timeout: Any = DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        # As PTB's: a long poll may take its timeout on top of the read timeout.
        waits = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout or 0
        base = self._poll_read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        result = await self._post(
            "getUpdates",
            {"timeout": timeout, "offset": offset, "limit": limit,
             "allowed_updates": allowed_updates},
            read_timeout=(base or 0) + waits, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout, api_kwargs=api_kwargs)
        updates = (read_update(raw, self, self._allowed) for raw in (result or []))
        return tuple(update for update in updates if update is not None)
