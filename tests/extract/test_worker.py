"""Issue 16: extraction runs in a worker process, the event loop keeps answering, a page over the
time limit is logged and skipped while the other pages of the poll are kept."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tenderbot.errors import ParseError
from tenderbot.extract import extract_notice
from tenderbot.extract.worker import ExtractionPool, ExtractionTimeout
from tenderbot.models import Notice, SourceState
from tenderbot.sources.base import CheckReport, ListingSource, ListItem, ListPage, PageRequest, PollResult, Source
from tenderbot.sources.fetch import Fetcher

PAGE = "<html><body><p>项目编号：ZB-2026-001</p><p>预算金额：120万元</p></body></html>"
# Stands for a page beyond every work bound: it keeps the worker's CPU busy until killed.
ENDLESS = "<html><body>endless</body></html>"


def slow_extract(content: str | bytes, **kwargs: Any) -> Notice:
    """extract_notice after 1.5 s of pure-Python CPU work (the GIL-holding kind that stalls a loop)."""
    deadline = time.perf_counter() + 1.5
    while time.perf_counter() < deadline:
        sum(range(1000))
    return extract_notice(content, **kwargs)


def endless_extract(content: str | bytes, **kwargs: Any) -> Notice:
    """extract_notice, except that the ENDLESS page never finishes."""
    while content == ENDLESS:
        sum(range(1000))
    return extract_notice(content, **kwargs)


def failing_extract(content: str | bytes, **kwargs: Any) -> Notice:
    """A ParseError for one page, a programming error for another."""
    if content == "bad":
        raise ParseError("not a page")
    raise KeyError("boom")


class _Plain(Source):
    """A source with nothing but the shared ``extract``."""

    kind = "plain"

    async def poll(self, fetcher: Any, state: SourceState, *, now: datetime) -> PollResult:
        """Unused."""
        raise NotImplementedError

    async def check(self, fetcher: Any, *, now: datetime) -> CheckReport:
        """Unused."""
        raise NotImplementedError


class _ThreePages(ListingSource):
    """A listing of three announcements, the middle one endless."""

    kind = "three"
    bodies = {"a": PAGE, "b": ENDLESS, "c": PAGE.replace("ZB-2026-001", "ZB-2026-003")}

    async def fetch_page(self, fetcher: Any, request: PageRequest) -> ListPage:
        """Newest first: c, b, a."""
        items = tuple(ListItem(source_id=key, url=f"https://example.test/{key}", key=key) for key in "cba")
        return ListPage(items, has_more=False)

    async def fetch_notice(self, fetcher: Any, item: ListItem) -> Notice:
        """Extract the body through the shared, pool-aware ``extract``."""
        return await self.extract(self.bodies[item.source_id], url=item.url)


def _config(name: str) -> Any:
    from tenderbot.sources.base import SourceConfig

    return SourceConfig(name=name, kind="plain")


async def _ticking(stop: asyncio.Event, gaps: list[float]) -> None:
    """Tick every 10 ms and record how late each tick was."""
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


async def test_loop_keeps_ticking_while_a_slow_page_is_extracted() -> None:
    pool = ExtractionPool(target=slow_extract, time_limit=30)
    source = _Plain(_config("plain"))
    source.extraction = pool
    try:
        await pool.extract("预热")  # start the worker (forkserver start-up is not the page's cost)
        stop, gaps = asyncio.Event(), []
        ticker = asyncio.create_task(_ticking(stop, gaps))
        started = time.perf_counter()
        notice = await source.extract(PAGE, url="https://example.test/slow")
        elapsed = time.perf_counter() - started
        stop.set()
        await ticker
    finally:
        await pool.aclose()
    assert notice.project_code == "ZB-2026-001" and notice.url == "https://example.test/slow"
    assert elapsed >= 1.5
    # Inline, the loop would not have ticked at all for 1.5 s; in the worker it ticks throughout.
    assert len(gaps) >= 30
    assert max(gaps) < 0.5, max(gaps)


async def test_a_page_over_the_time_limit_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    pool = ExtractionPool(target=endless_extract, time_limit=3.0)
    try:
        await pool.extract(PAGE)  # warm up
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING), pytest.raises(ExtractionTimeout):
            await pool.extract(ENDLESS, url="https://example.test/endless")
        assert time.perf_counter() - started < 10
        assert "https://example.test/endless" in caplog.text and "skipped" in caplog.text
        # The killed worker is replaced: the next page is extracted as usual.
        assert (await pool.extract(PAGE)).project_code == "ZB-2026-001"
    finally:
        await pool.aclose()


async def test_a_poll_skips_the_endless_page_and_keeps_the_others(caplog: pytest.LogCaptureFixture) -> None:
    pool = ExtractionPool(target=endless_extract, time_limit=3.0)
    source = _ThreePages(_config("three"))
    source.extraction = pool
    now = datetime(2026, 1, 5, tzinfo=UTC)
    try:
        async with httpx.AsyncClient() as client:  # never used: the fake source reads no page
            fetcher = Fetcher(client, user_agent="tenderbot-test/1.0")
            with caplog.at_level(logging.WARNING):
                result = await asyncio.wait_for(source.poll(fetcher, SourceState("three"), now=now), 60)
    finally:
        await pool.aclose()
    assert [notice.source_id for notice in result.notices] == ["a", "c"]
    assert [notice.project_code for notice in result.notices] == ["ZB-2026-001", "ZB-2026-003"]
    assert len(result.errors) == 1 and "https://example.test/b" in result.errors[0]
    assert "b" not in result.state.seen  # fetched again while it is listed
    assert "https://example.test/b" in caplog.text


async def test_worker_errors_come_back_as_errors() -> None:
    pool = ExtractionPool(target=failing_extract)
    try:
        with pytest.raises(ParseError, match="not a page"):
            await pool.extract("bad")
        with pytest.raises(RuntimeError, match="KeyError"):
            await pool.extract("worse", url="https://example.test/x")
    finally:
        await pool.aclose()


async def test_the_app_gives_its_sources_the_pool_and_closes_it(tmp_path: Any) -> None:
    from tenderbot.app import TenderBot
    from tenderbot.settings import Settings

    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: f\n    kind: feed\n    options: {url: 'https://example.test/rss'}\n")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", sources_file=sources,
                        _env_file=None)  # type: ignore[call-arg]
    async with TenderBot(settings) as app:
        assert app.sources and all(source.extraction is app.extraction for source in app.sources)
        notice = await app.sources[0].extract(PAGE, url="https://example.test/p")
        assert notice.project_code == "ZB-2026-001"
        workers = list(app.extraction._idle)
        assert workers and all(worker.process.is_alive() for worker in workers)
    assert not any(worker.process.is_alive() for worker in workers)
