"""In-process transport for :class:`~tests.fakes.botapi_core.FakeBotApi`.

Holds :class:`OfflineRequest`, a :class:`telegram.request.BaseRequest` that answers PTB's
requests from a FakeBotApi without any socket: parameters are taken exactly as PTB would put
them on the wire (``RequestData.json_parameters`` plus uploaded files), and the answer is the
``(status, JSON bytes)`` pair PTB's own error handling then interprets. Use it for both
``ApplicationBuilder.request`` and ``.get_updates_request``. Long polls wait asynchronously,
so they can be cancelled; a "drop" fault becomes :class:`telegram.error.NetworkError`.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import urlsplit

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from tests.fakes.botapi_core import DroppedConnection, FakeBotApi, UploadedFile

_PATH = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]+)/?$")


class OfflineRequest(BaseRequest):
    """A PTB request backend wired directly to a :class:`FakeBotApi`.

    ``token``, if given, must match the token in request URLs (else 401 like Telegram).
    """

    def __init__(
        self, api: FakeBotApi, *, token: str | None = None, read_timeout: float | None = 5.0
    ) -> None:
        self.api = api
        self._token = token
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Nominal read timeout; PTB adds the long-poll timeout to it for getUpdates."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer ``url`` (``.../bot<token>/<method>``) from the fake."""
        match = _PATH.search(urlsplit(url).path)
        if match is None:
            return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        token, api_method = match.groups()
        if self._token is not None and token != self._token:
            return 401, b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'
        params = self._params(request_data)
        if api_method.lower() == "getupdates":
            timeout = float(params.get("timeout") or 0)
            offset = int(params["offset"]) if params.get("offset") else None
            if timeout > 0:
                await self.api.wait_for_async(lambda: self.api.poll_ready(offset), timeout)
        try:
            # In a thread: a "slow" fault sleeps, and nothing here may block the event loop.
            status, body = await asyncio.to_thread(
                self.api.handle, api_method, params, long_poll=False
            )
        except DroppedConnection as error:
            raise NetworkError(
                f"Fake Bot API dropped the connection during {error} (injected fault)"
            ) from error
        return status, json.dumps(body).encode()

    @staticmethod
    def _params(request_data: RequestData | None) -> dict[str, Any]:
        if request_data is None:
            return {}
        params: dict[str, Any] = dict(request_data.json_parameters)
        if request_data.contains_files:
            for field, value in request_data.multipart_data.items():
                filename, content, mime_type = (*value, None)[:3]
                if not isinstance(content, bytes):
                    content = content.read()
                params[field] = UploadedFile(field, str(filename), content, mime_type)
        return params
