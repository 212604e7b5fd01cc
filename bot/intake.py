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
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

__all__ = ["TolerantBot", "read_update", "update_kind"]

log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z_]{1,32}")


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


def read_update(raw: object, bot: Any) -> Update | None:
    """``raw`` as an :class:`Update`; one that cannot be read becomes an empty update with its id
    (logged by id and type, never its content); None without a usable ``update_id``."""
    update = _parsed(raw, bot)
    if update is not None:
        return update
    update_id = _skipped(raw)
    return None if update_id is None else Update(update_id)


class TolerantBot(ExtBot[Any]):
    """An ExtBot whose ``getUpdates`` reads each update on its own (see the module doc)."""

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        readable = []
        for raw in result:
            if _parsed(raw, self) is not None:
                readable.append(raw)
            elif (update_id := _skipped(raw)) is not None:
                readable.append({"update_id": update_id})
        return readable
