"""The suite-wide offline guard really blocks the network, even when the code under test swallows the error."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys

import httpx
import pytest

from tests.offline import CHILD_MARKER, NetworkBlocked, OfflineGuard, is_loopback, offline_env
from tests.replay_server import ReplayServer


def test_a_connection_to_a_public_address_is_blocked_and_remembered(offline_guard: OfflineGuard) -> None:
    with socket.socket() as sock, pytest.raises(NetworkBlocked, match=r"connect to 192\.0\.2\.1:80"):
        sock.connect(("192.0.2.1", 80))
    with pytest.raises(NetworkBlocked, match=r"look-up of '192\.0\.2\.1'"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(NetworkBlocked, match=r"api\.telegram\.org"):
        socket.getaddrinfo("api.telegram.org", 443)
    assert len(offline_guard.attempts) == 3
    offline_guard.attempts.clear()  # this test meant to do it


async def test_swallowed_attempts_still_fail_the_test(offline_guard: OfflineGuard) -> None:
    # A fetcher that catches everything (and would report "portal down") must not hide the attempt.
    async with httpx.AsyncClient() as client:
        with contextlib.suppress(BaseException):
            await client.get("http://www.ccgp.gov.cn/")
    with pytest.raises(pytest.fail.Exception, match=r"www\.ccgp\.gov\.cn"):
        offline_guard.verify()
    offline_guard.attempts.clear()


async def test_loopback_stays_reachable(offline_guard: OfflineGuard) -> None:
    with ReplayServer() as server:
        server.add("GET", "/ok", "fine")
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{server.url}/ok")).text == "fine"
    assert offline_guard.attempts == []


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True), ("localhost", True),
     ("10.0.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("api.telegram.org", False)],
)  # fmt: skip
def test_only_loopback_counts_as_local(host: str, local: bool) -> None:
    assert is_loopback(host) is local


def test_child_processes_started_with_offline_env_are_guarded_too() -> None:
    code = "import contextlib, urllib.request\nwith contextlib.suppress(Exception): urllib.request.urlopen('http://www.ccgp.gov.cn/')"
    result = subprocess.run(
        [sys.executable, "-c", code], env=offline_env({"PATH": "/usr/bin:/bin"}), capture_output=True, timeout=60
    )
    # The child swallowed the error, but said so on stderr: the test that started it checks for this line.
    assert f"{CHILD_MARKER} name look-up of 'www.ccgp.gov.cn'" in result.stderr.decode()
