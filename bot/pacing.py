"""Pacing the Bot API calls: Telegram's overall flood limit, and 429 ``retry_after`` waited out
per chat.

PTB's ``AIORateLimiter`` pauses *every* call of the bot when one call gets a 429, so one chat in
a 20-second flood wait held up the answers to all others. :class:`ChatPacing` waits out a 429
only in the chat it came for (a 429 on a call without a chat pauses all), retries the call up to
``max_retries`` times and keeps the overall rate below ``overall_max_rate`` calls per second.
:meth:`ChatPacing.abort` ends every wait at once with :class:`ShuttingDown`, so a stop never
waits out a flood limit (the reply stays pending and is sent at the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

__all__ = ["ChatPacing", "ShuttingDown"]

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
ALL = "all"  # the pause of calls without a chat


class ShuttingDown(TelegramError):
    """The bot is stopping: a call that would have waited out a flood limit is given up."""

    def __init__(self) -> None:
        super().__init__("stopping: the call was not made")


class ChatPacing(BaseRateLimiter[int]):
    def __init__(self, overall_max_rate: float = 30, max_retries: int = 3) -> None:
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate else None
        self._max_retries = max_retries
        self._until: dict[int | str, float] = {}  # chat (or ALL) -> loop time its pause ends
        self._aborted = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def abort(self) -> None:
        """End every wait now; calls that would wait raise :class:`ShuttingDown`."""
        self._aborted.set()

    async def _pause(self, key: int | str) -> None:
        loop = asyncio.get_running_loop()
        for which in (key, ALL):
            wait = self._until.get(which, 0.0) - loop.time()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._aborted.wait(), wait)
            if self._aborted.is_set():
                raise ShuttingDown

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = data.get("chat_id")
        key: int | str = chat_id if isinstance(chat_id, int) else ALL
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        for attempt in range(retries + 1):
            await self._pause(key)
            try:
                if self._overall is not None and chat_id is not None:
                    async with self._overall:
                        return await callback(*args, **kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                with warnings.catch_warnings():  # PTB 22.2+: int now, timedelta later
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    seconds = exc.retry_after
                delay = seconds if isinstance(seconds, int | float) else seconds.total_seconds()
                now = asyncio.get_running_loop().time()
                if len(self._until) > 1000:
                    self._until = {k: t for k, t in self._until.items() if t > now}
                self._until[key] = max(self._until.get(key, 0.0), now + delay + 0.1)
                log.info("flood limit on %s: waiting %.1f s (%s)", endpoint, delay,
                         "every chat" if key == ALL else "this chat only")
        raise AssertionError("unreachable")  # pragma: no cover
