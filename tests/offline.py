"""The suite-wide offline guard: a connection or name look-up for anything but loopback fails the test.

Like python-telegram-bot's ``OfflineRequest``, but at the socket layer, so it covers every client (httpx,
asyncpg, PTB, urllib). The attempt raises :class:`NetworkBlocked` *and* is recorded: code under test that
catches every exception (a fetcher treating it as "portal down") still fails the test at teardown.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # child processes load this module at start-up: keep pytest out of them
    import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", ""})
# What a guarded child process prints on stderr for each blocked attempt.
CHILD_MARKER = "OFFLINE GUARD:"
_SITE = Path(__file__).resolve().parent / "offline_site"
_ROOT = Path(__file__).resolve().parents[1]


def offline_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a child Python process that loads the guard too (tests/offline_site/sitecustomize.py)."""
    paths = [str(_SITE), str(_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**env, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)), "TENDERBOT_TEST_OFFLINE": "1"}


class NetworkBlocked(AssertionError):
    """A test tried to reach the network."""


def is_loopback(host: object) -> bool:
    """True for 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost."""
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, used to bind servers
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").split("%", 1)[0].lower()
    if text in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


class OfflineGuard:
    """Patches ``socket`` so that only loopback is reachable; remembers every blocked attempt."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._connect = socket.socket.connect
        self._connect_ex = socket.socket.connect_ex
        self._getaddrinfo = socket.getaddrinfo
        self._child = False

    def _block(self, what: str) -> NetworkBlocked:
        self.attempts.append(what)
        if self._child:
            sys.stderr.write(f"{CHILD_MARKER} {what}\n")
            sys.stderr.flush()
        return NetworkBlocked(f"test tried to reach the network: {what} (tests only talk to 127.0.0.1)")

    def _check_address(self, sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise self._block(f"connect to {address[0]}:{address[1]}")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Patch connect, connect_ex and getaddrinfo for the duration of one test."""
        for name, replacement in self._replacements().items():
            owner = socket if name == "getaddrinfo" else socket.socket
            monkeypatch.setattr(owner, name, replacement)

    def install_process(self) -> None:
        """Patch for the whole life of a child process (see :func:`offline_env`)."""
        self._child = True
        for name, replacement in self._replacements().items():
            setattr(socket if name == "getaddrinfo" else socket.socket, name, replacement)

    def _replacements(self) -> dict[str, Any]:
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            guard._check_address(sock, address)
            guard._connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            guard._check_address(sock, address)
            return guard._connect_ex(sock, address)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if not is_loopback(host):
                raise guard._block(f"name look-up of {host!r}")
            return guard._getaddrinfo(host, port, *args, **kwargs)

        return {"connect": connect, "connect_ex": connect_ex, "getaddrinfo": getaddrinfo}

    def verify(self) -> None:
        """Fail the test if anything tried to leave the machine, even if the code under test swallowed the error."""
        if self.attempts:
            import pytest

            pytest.fail("test tried to reach the network: " + "; ".join(self.attempts), pytrace=False)
