"""A poll's notices, cursor and messages are kept together; one bad notice never blinds its source."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import event, func, select

from tenderbot.identity import code_key
from tenderbot.models import Notice, Party, SourceState
from tenderbot.pipeline import Pipeline
from tenderbot.sources.base import PollResult, Source
from tenderbot.store.repos import Store
from tenderbot.store.tables import notices as notices_table
from tenderbot.subscriptions import SubscriptionIndex
from tests.delivery.support import FakeClock, drain, start_time, telegram_sender, tender
from tests.fake_telegram import FakeTelegram

USER = 4242
# 采购人 of a real joint purchase: 29 hospitals, 280 characters (overflowed VARCHAR(200) on PostgreSQL).
HOSPITALS = "、".join(f"某市第{n}人民医院附属分院" for n in range(1, 30))


class ListSource:
    """A source whose listing is a fixed list of notices, read past a numeric cursor like a real portal."""

    def __init__(self, notices: list[Notice]) -> None:
        self.notices = notices
        self.polls = 0

    @property
    def name(self) -> str:
        return "test"

    async def poll(self, fetcher: Any, state: SourceState, *, now: datetime, force: bool = False) -> PollResult:
        self.polls += 1
        after = int(state.cursor or 0)
        fresh = tuple(n for n in self.notices if int(n.source_id.split("-")[1]) > after)
        last = max((int(n.source_id.split("-")[1]) for n in self.notices), default=after)
        return PollResult(fresh, replace(state, cursor=str(max(after, last)), last_success=now), (), True)


@contextmanager
def failing(store: Store, statement: str, *, marker: str | None = None, times: int = 1) -> Iterator[list[int]]:
    """Make the next ``times`` statements starting with ``statement`` (and binding ``marker``) fail."""
    left = [times]

    def fail(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if not sql.lstrip().upper().startswith(statement) or left[0] <= 0:
            return
        if marker is not None and marker not in repr(params):
            return
        left[0] -= 1
        raise RuntimeError(f"injected failure on {statement}")

    event.listen(store.engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield left
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", fail)


async def _setup(store: Store, clock: FakeClock) -> Pipeline:
    await store.chats.ensure(USER, clock.now())
    await store.chats.add_subscription(USER, "液相色谱", clock.now())
    fetcher: Any = None
    return Pipeline(store, fetcher, SubscriptionIndex(store.chats), clock=clock.now)


def _listing(clock: FakeClock, count: int) -> list[Notice]:
    deadline = clock.now() + timedelta(days=10)
    return [tender(f"n-{n}", code=f"P-{n:03d}", title=f"第{n}医院液相色谱仪采购公告", deadline=deadline)
            for n in range(1, count + 1)]


async def _stored(store: Store) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(notices_table))).scalar_one())


async def test_a_failed_enqueue_keeps_nothing_and_the_next_poll_alerts_exactly_once(store: Store) -> None:
    clock = FakeClock(start_time())
    pipeline = await _setup(store, clock)
    source = ListSource(_listing(clock, 1))
    with failing(store, "INSERT INTO DELIVERIES") as left:
        failed = await pipeline.poll(cast(Source, source))
    assert left == [0]  # the fault did strike
    assert not failed.ok and "injected failure" in (failed.error or "")
    # Nothing of the failed poll was kept: not the notice, not the cursor, not half the messages.
    assert await _stored(store) == 0
    assert (await store.sources.load("test")).cursor is None
    clock.advance(600)
    again = await pipeline.poll(cast(Source, source))
    assert (again.ok, again.new, again.queued) == (True, 1, 1)
    assert await pipeline.poll(cast(Source, source)) == replace(again, found=0, new=0, queued=0)
    fake = FakeTelegram(flood=None)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    [alert] = fake.messages(USER)
    assert "第1医院液相色谱仪采购公告" in str(alert["text"])


async def test_one_bad_notice_is_quarantined_and_the_rest_stored_with_the_cursor(store: Store) -> None:
    clock = FakeClock(start_time())
    pipeline = await _setup(store, clock)
    source = ListSource(_listing(clock, 4))
    source.notices[2] = replace(source.notices[2], source_id="n-3", url="https://example.gov.cn/bad-one")
    # A bad record fails every time it is written: together with the others, then on its own.
    with failing(store, "INSERT INTO NOTICES", marker="bad-one", times=100) as left:
        summary = await pipeline.poll(cast(Source, source))
    assert left[0] < 100
    assert (summary.ok, summary.new, summary.queued) == (True, 3, 3)
    assert await _stored(store) == 3
    assert (await store.sources.load("test")).cursor == "4"
    [bad] = await store.notices.quarantined()
    assert (bad.source, bad.source_id, bad.url) == ("test", "n-3", "https://example.gov.cn/bad-one")
    assert "injected failure" in bad.error and bad.data is not None and bad.data["title"] == "第3医院液相色谱仪采购公告"
    # The next poll goes on from the cursor: the three good notices are not alerted twice.
    assert (await pipeline.poll(cast(Source, source))).queued == 0


async def test_real_values_that_broke_storage_are_stored(store: Store) -> None:
    clock = FakeClock(start_time())
    pipeline = await _setup(store, clock)
    listing = _listing(clock, 3)
    year_one = datetime(1, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))  # 〇〇〇一年一月一日
    listing[0] = replace(listing[0], buyer=Party(name=HOSPITALS))
    listing[1] = replace(listing[1], tender_deadline=year_one, opening_time=year_one)
    listing[2] = replace(listing[2], project_code="ZB-" + "0123456789" * 40, buyer=Party(name=HOSPITALS))
    summary = await pipeline.poll(cast(Source, ListSource(listing)))
    assert (summary.ok, summary.new) == (True, 3)
    assert await store.notices.quarantined() == []
    stored = {
        raw.decode().notice.source_id: raw.decode().notice
        async for chunk in store.notices.raw_since(clock.now() - timedelta(days=1))
        for raw in chunk
    }
    assert len(HOSPITALS) >= 280 and stored["n-1"].buyer == Party(name=HOSPITALS)
    # The impossible date is dropped (and logged); the notice and everything else in it is kept.
    assert stored["n-2"].tender_deadline is None and stored["n-2"].opening_time is None
    assert stored["n-2"].title == listing[1].title


def test_long_project_codes_keep_their_identity_in_a_bounded_key() -> None:
    long_code = "ZB-" + "0123456789" * 40
    key = code_key(long_code)
    assert key is not None and len(key) <= 120
    assert key == code_key(long_code.lower().replace("-", " "))
    assert key != code_key(long_code + "1")
