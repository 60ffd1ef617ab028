"""Login, CSRF and login rate limiting for the console."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import Request

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (of digests, so neither the content nor the length leaks through timing)."""
    a = hashlib.sha256(given.encode("utf-8")).digest()
    b = hashlib.sha256(expected.encode("utf-8")).digest()
    return hmac.compare_digest(a, b) and bool(expected)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    """Whether a POST carries this session's token (form field, or header for htmx requests)."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not expected:
        return False
    given = request.headers.get(CSRF_HEADER, "")
    if not given:
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        given = value if isinstance(value, str) else ""
    return hmac.compare_digest(given.encode(), expected.encode())


class LoginLimiter:
    """Failed logins per client address in a sliding window, plus an overall cap against spread-out guessing."""

    def __init__(
        self,
        per_client: int = 5,
        overall: int = 50,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_client = per_client
        self._overall = overall
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _trim(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self._window:
            times.popleft()

    def retry_after(self, client: str) -> float:
        """Seconds until this client may try again (0: now)."""
        now = self._clock()
        mine = self._failures.get(client, deque())
        self._trim(mine, now)
        self._trim(self._all, now)
        waits = [0.0]
        if len(mine) >= self._per_client:
            waits.append(mine[0] + self._window - now)
        if len(self._all) >= self._overall:
            waits.append(self._all[0] + self._window - now)
        return max(waits)

    def failed(self, client: str) -> None:
        """Count a failed attempt."""
        now = self._clock()
        self._failures.setdefault(client, deque()).append(now)
        self._all.append(now)
        if len(self._failures) > 10_000:  # forget the oldest clients rather than grow without bound
            for stale in list(self._failures)[:1000]:
                del self._failures[stale]

    def succeeded(self, client: str) -> None:
        """A correct password clears the client's failures."""
        self._failures.pop(client, None)
