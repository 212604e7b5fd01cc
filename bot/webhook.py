"""The bot's own webhook server (tornado): updates in, a health check out.

PTB's webhook handler answers an update it cannot parse with 400 (so Telegram delivers it again
and again) after logging it raw at CRITICAL. This one reads each update with
:func:`bot.intake.read_update` (logged by id and type only, then skipped), answers 200, checks the
secret token in constant time and logs neither bodies nor headers. ``GET /healthz`` answers 200
while the bot is serving and 503 when it is not (see :meth:`bot.app.TelegramBot.health`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

import tornado.httpserver
import tornado.web

from .intake import read_update

__all__ = ["HEALTH_PATH", "Health", "HealthHandler", "HttpService", "QuietHandler",
           "WebhookServer"]

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Health = Callable[[], tuple[bool, dict[str, Any]]]


class QuietHandler(tornado.web.RequestHandler):
    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Never tornado's default (the request with its headers, i.e. the secret token)."""
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook request failed: %s", typ.__name__ if typ else "?")

    def json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _Updates(QuietHandler):
    def initialize(self, bot: Any, queue: asyncio.Queue[object], secret: str) -> None:
        self.bot, self.queue, self.secret = bot, queue, secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.json(403, {"ok": False})
            return
        try:
            raw = json.loads(self.request.body)
        except ValueError:
            log.error("a webhook request that is not JSON was refused")
            self.json(400, {"ok": False, "description": "the body is not JSON"})
            return
        update = read_update(raw, self.bot, self.bot.allowed)
        if update is not None:
            await self.queue.put(update)
        self.json(200, {"ok": True})


class HealthHandler(QuietHandler):
    def initialize(self, health: Health) -> None:
        self.health = health

    def get(self) -> None:
        ok, details = self.health()
        self.json(200 if ok else 503, {"ok": ok, **details})


class HttpService:
    """A tornado HTTP server for ``handlers`` that logs no requests."""

    def __init__(self, handlers: list[Any]) -> None:
        app = tornado.web.Application(handlers, log_function=lambda handler: None)
        self._server = tornado.httpserver.HTTPServer(app)

    def start(self, listen: str, port: int) -> None:
        self._server.listen(port, address=listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


class WebhookServer(HttpService):
    """Serves ``/<path>`` (updates, POST) and :data:`HEALTH_PATH` on ``listen:port``."""

    def __init__(self, path: str, bot: Any, queue: asyncio.Queue[object], secret: str,
                 health: Health) -> None:
        super().__init__([
            (HEALTH_PATH, HealthHandler, {"health": health}),
            ("/" + path.strip("/") + "/?", _Updates,
             {"bot": bot, "queue": queue, "secret": secret}),
        ])
