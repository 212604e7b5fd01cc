"""HTTP transport for :class:`~tests.fakes.botapi_core.FakeBotApi`.

Holds :class:`FakeBotApiServer`: a ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port, in a
background thread) that accepts ``POST``/``GET`` ``/bot<token>/<method>`` with form-encoded,
multipart or JSON bodies, like ``api.telegram.org``. Point PTB at it with
``Application.builder().base_url(server.base_url)``. A "drop" fault closes the connection
without any response.
"""

from __future__ import annotations

import json
import re
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.botapi_core import JSON, DroppedConnection, FakeBotApi, UploadedFile

_PATH = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]+)/?")


def _header_params(value: str, header: str) -> Message:
    message = Message()
    message[header] = value
    return message


def parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """Form fields of a ``multipart/form-data`` body; file parts become UploadedFile."""
    boundary = _header_params(content_type, "content-type").get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    fields: dict[str, Any] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        chunk = chunk.removeprefix(b"\r\n")
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("malformed multipart part")
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""), "content-disposition")
        field = disposition.get_param("name", header="content-disposition")
        filename = disposition.get_param("filename", header="content-disposition")
        if not isinstance(field, str):
            raise ValueError("multipart part without name")
        if isinstance(filename, str):
            fields[field] = UploadedFile(field, filename, content, headers.get("content-type"))
        else:
            fields[field] = content.decode("utf-8")
    return fields


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    api: FakeBotApi
    token: str | None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    # Headers and body are written separately: without TCP_NODELAY, Nagle + delayed ACK add
    # about 40 ms to every call.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr logging."""

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        match = _PATH.fullmatch(url.path)
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        if self.server.token is not None and token != self.server.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
            params.update(self._body_params(body))
        except ValueError as error:
            self._reply(
                400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
            )
            return
        try:
            status, answer = self.server.api.handle(method, params)
        except DroppedConnection:
            self.close_connection = True  # no response at all; the socket is closed
            return
        self._reply(status, answer)

    def _body_params(self, body: bytes) -> dict[str, Any]:
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";")[0].strip().lower()
        if not body:
            return {}
        if kind == "multipart/form-data":
            return parse_multipart(body, content_type)
        if kind == "application/json":
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            return decoded
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))

    def _reply(self, status: int, body: JSON) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except ConnectionError:
            # The client gave up (e.g. PTB cancelled a long poll on shutdown).
            self.close_connection = True


class FakeBotApiServer:
    """A :class:`FakeBotApi` served over HTTP on 127.0.0.1; use as a context manager.

    ``token``, if given, must match the token in request paths (else 401 like Telegram).
    """

    def __init__(self, api: FakeBotApi | None = None, *, token: str | None = None) -> None:
        self.api = api if api is not None else FakeBotApi()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.api = self.api
        self._httpd.token = token
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The ephemeral port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url``; PTB appends ``<token>/<method>``."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotApiServer:
        """Serve in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="FakeBotApiServer",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, release waiting long polls and close the listening socket."""
        self.api.interrupt_polls()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeBotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
