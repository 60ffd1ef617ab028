"""A local HTTP server that replays canned responses, for offline tests of anything that fetches.

Usage::

    with ReplayServer() as server:
        server.add("GET", "/list", "<html>…</html>", headers={"Content-Type": "text/html; charset=utf-8"})
        server.add("GET", "/flaky", "", status=500, times=2)   # twice 500 …
        server.add("GET", "/flaky", "ok")                      # … then 200
        ... fetch server.url + "/list" ...
        assert len(server.hits("/list")) == 1

Routes for the same method and path are tried in the order added; a route with ``times`` is used
that many times and then falls through to the next one. ``query`` restricts a route to requests whose
query parameters include those values. ``etag`` makes the route answer 304 to a matching
If-None-Match. A callable body receives the ``Hit`` and returns bytes or str. Unknown paths get 404.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

Body = bytes | str | Callable[["Hit"], bytes | str]


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def param(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Route:
    """A canned response for (method, path[, query])."""

    method: str
    path: str
    body: Body
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] | None = None
    etag: str | None = None
    delay: float = 0.0
    times: int | None = None
    used: int = 0

    def matches(self, hit: Hit) -> bool:
        """True when this route answers the request and has uses left."""
        if self.method != hit.method or self.path != hit.path:
            return False
        if self.times is not None and self.used >= self.times:
            return False
        if self.query:
            return all(hit.param(key) == str(value) for key, value in self.query.items())
        return True


class ReplayServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port>, serving routes added by the test."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("ReplayServer is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(
        self,
        method: str,
        path: str,
        body: Body,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        etag: str | None = None,
        delay: float = 0.0,
        times: int | None = None,
    ) -> Route:
        """Register a canned response; returns the route (its ``used`` counts uses)."""
        route = Route(method.upper(), path, body, status, dict(headers or {}), dict(query) if query else None,
                      etag, delay, times)
        with self._lock:
            self._routes.append(route)
        return route

    def add_file(
        self,
        path: str,
        file: Path | str,
        *,
        content_type: str = "text/html",
        encoding: str | None = "utf-8",
        method: str = "GET",
        **kwargs: object,
    ) -> Route:
        """Serve a file's bytes unchanged; ``encoding=None`` sends no charset in Content-Type."""
        data = Path(file).read_bytes()
        value = f"{content_type}; charset={encoding}" if encoding else content_type
        headers = {"Content-Type": value}
        extra = kwargs.pop("headers", None)
        if isinstance(extra, Mapping):
            headers.update(extra)
        return self.add(method, path, data, headers=headers, **kwargs)  # type: ignore[arg-type]

    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests received so far (all, or only those for ``path``), in arrival order."""
        with self._lock:
            return [hit for hit in self._hits if path is None or hit.path == path]

    def __enter__(self) -> ReplayServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="replay-server", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def _answer(self, hit: Hit) -> tuple[int, dict[str, str], bytes, float]:
        """Pick the route for a request and render its response."""
        with self._lock:
            self._hits.append(hit)
            route = next((r for r in self._routes if r.matches(hit)), None)
            if route is not None:
                route.used += 1
        if route is None:
            return 404, {"Content-Type": "text/plain"}, b"no route", 0.0
        headers = dict(route.headers)
        if route.etag is not None:
            headers["ETag"] = route.etag
            if hit.header("If-None-Match") == route.etag:
                return 304, headers, b"", route.delay
        body = route.body(hit) if callable(route.body) else route.body
        data = body.encode("utf-8") if isinstance(body, str) else body
        return route.status, headers, data, route.delay


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one ReplayServer."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without TCP_NODELAY each response waits ~40 ms
        # for a delayed ACK.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            hit = Hit(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                      dict(self.headers.items()), body, time.monotonic())
            status, headers, data, delay = server._answer(hit)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if status != 304 and self.command != "HEAD":
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to report

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    return Handler
