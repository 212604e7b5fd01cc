"""Test doubles for end-to-end tests of the bot.

* :mod:`tests.fakes.botapi_core` – :class:`FakeBotApi`, an in-memory Telegram Bot API with
  fault injection and helpers to push user updates and inspect what the bot sent.
* :mod:`tests.fakes.botapi_http` – :class:`FakeBotApiServer`, the fake served over real HTTP
  on 127.0.0.1 (for PTB's default httpx transport via ``ApplicationBuilder.base_url``).
* :mod:`tests.fakes.offline_request` – :class:`OfflineRequest`, a PTB ``BaseRequest`` that
  answers from a :class:`FakeBotApi` in-process, without sockets.
"""

from tests.fakes.botapi_core import DroppedConnection, FakeBotApi, FaultRecord, UploadedFile
from tests.fakes.botapi_http import FakeBotApiServer
from tests.fakes.offline_request import OfflineRequest

__all__ = [
    "DroppedConnection",
    "FakeBotApi",
    "FakeBotApiServer",
    "FaultRecord",
    "OfflineRequest",
    "UploadedFile",
]
