"""Shared fixtures: a replay server, a fast Fetcher over a real httpx client, a fake clock."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
CORPUS = FIXTURES.parent / "corpus"
# Real samples are kept once, in the corpus (annotated there); the tests name them by their sample name.
# Sample name -> corpus file; provenance in tests/fixtures/sources/README.md.
IN_CORPUS = {
    "ccgp-detail-guizhou-zbgg-2025-06-27.html": "ccgp-award-guizhou-summary-table.html",
    "ccgp-detail-jinan-zbgg-2025-07-14-excerpt.html": "ccgp-award-jinan-university-lots-dedupe.html",
    "zcy-zhejiang-category-list-excerpt.json": "zcy-intention-zhejiang-childrens-hospital-list-record.json",
    "zcy-zhejiang-detail-excerpt.json": "zcy-intention-zhejiang-detail-json.json",
    "zcy-guangxi-category-list-excerpt.json": "zcy-termination-guangxi-napo-firetruck-list-record.json",
    "zcy-guangxi-detail-excerpt.json": "zcy-tender-guangxi-construction-detail-json.json",
    "zcy-guangxi-detail-content-2021.html": "zcy-prequal-guangxi-ppp-content.html",
    "epoint-guangxi-gxes-list-2024-01-04.json": "epoint-award-guangxi-reservoir-list-record.json",
    "ggzy-gettradlist-2026-07-21-excerpt.json": "ggzy-tender-yunnan-gas-pipe-list-record.json",
}
BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=BEIJING)


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    """A running replay server."""
    with ReplayServer() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock whose sleep advances it instantly."""
    return FakeClock()


class LocalOnlyTransport(httpx.AsyncHTTPTransport):
    """Real HTTP, but only to 127.0.0.1: an accidental request to a portal fails the test."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            raise AssertionError(f"test tried to reach the network: {request.url}")
        return await super().handle_async_request(request)


@pytest.fixture(scope="session")
def ssl_context() -> ssl.SSLContext:
    """One TLS context for the session: building one per client costs ~0.2 s (never used: plain HTTP)."""
    return ssl.create_default_context()


@pytest.fixture
async def fetcher(clock: FakeClock, ssl_context: ssl.SSLContext) -> AsyncIterator[Fetcher]:
    """A Fetcher with real HTTP to 127.0.0.1 only, no real waiting, no jitter."""
    transport = LocalOnlyTransport(verify=ssl_context)
    async with httpx.AsyncClient(timeout=5.0, transport=transport, verify=ssl_context) as client:
        yield Fetcher(client, user_agent="tenderbot-test/1.0 (+tests)", min_delay=2.0, retries=2,
                      backoff_base=1.0, sleep=clock.sleep, clock=clock, jitter=lambda: 0.0)


def fixture_bytes(name: str) -> bytes:
    """Bytes of a sources fixture by its sample name: from the corpus when IN_CORPUS maps it, else from FIXTURES."""
    return (CORPUS / IN_CORPUS[name] if name in IN_CORPUS else FIXTURES / name).read_bytes()
