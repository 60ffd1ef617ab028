"""The fake on a real socket: a ThreadingHTTPServer on 127.0.0.1."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from tests.fake_telegram.entities import Reply

if TYPE_CHECKING:
    from tests.fake_telegram.fake import FakeTelegram


def _json_reply(payload: Any, status: int) -> Reply:
    return status, {"content-type": "application/json"}, json.dumps(payload, ensure_ascii=False).encode()


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that ignores clients hanging up (PTB drops its long poll at shutdown)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Swallow BrokenPipe/ConnectionReset; report anything else."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Feeds socket requests to the bound :class:`FakeTelegram`."""

    protocol_version = "HTTP/1.1"
    fake: FakeTelegram

    def do_POST(self) -> None:
        """Serve a POST (Bot API call)."""
        self._serve()

    def do_GET(self) -> None:
        """Serve a GET (file download or a Bot API call with a query string)."""
        self._serve()

    def _serve(self) -> None:
        body = self._read_body()
        target = self.path
        if "://" in target:
            # Absolute-form, as an HTTP proxy receives it (RFC 9112 §3.2.2): lets a test use the fake as the
            # TENDERBOT_TELEGRAM_PROXY in front of an API host that does not exist.
            self.fake.proxied_requests += 1
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        status, headers, payload = self.fake.serve_sync(
            self.command, path, query, self.headers.get("Content-Type", ""), body
        )
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: URLs carry the bot token."""
