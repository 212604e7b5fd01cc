"""Updates of different chats are handled at the same time; each chat's in order.

PTB handles updates one after another by default, so one chat waiting out a flood limit (429,
``retry_after``) held up every other chat. :class:`PerChatOrder` lets up to ``limit`` updates run
at once, each under its chat's lock: a chat's next update waits for its previous one. Update
tasks are started in the order PTB fetched them and asyncio locks are first-come first-served,
so each chat's updates are handled in their order (``observe`` gets each one's processing
time, waits for its chat excluded). The limit is high, so that updates waiting
for their chat's lock never use up the slots other chats need.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerChatOrder", "chat_key"]


def chat_key(update: object) -> int | None:
    """The chat (or, without one, the user) whose updates must stay in order."""
    if not isinstance(update, Update):
        return None
    chat, user = update.effective_chat, update.effective_user
    key = chat.id if chat is not None else user.id if user is not None else None
    return key if isinstance(key, int) else None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, limit: int = 1024,
                 observe: Callable[[float], None] | None = None) -> None:
        super().__init__(limit)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._observe = observe

    async def _timed(self, coroutine: Awaitable[Any]) -> None:
        start = time.perf_counter()
        try:
            await coroutine
        finally:
            if self._observe is not None:
                self._observe(time.perf_counter() - start)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await self._timed(coroutine)
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await self._timed(coroutine)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
