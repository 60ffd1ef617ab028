"""The outbox's claim under a lease: disjoint claims, a few rows per chat, expiry, renewal, retention."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.models import NoticeType
from tenderbot.store.db import make_engine
from tenderbot.store.outbox import Delivery, OutboxItem, OutboxRepo
from tenderbot.store.repos import Store
from tests.delivery.support import start_time, tender, text_item


async def test_concurrent_claims_never_share_a_row(store: Store, database_url: str) -> None:
    now = start_time()
    for chat in range(40):
        await store.chats.ensure(chat + 1, now)
    await store.outbox.enqueue([text_item(c + 1, f"k:{n}", "x") for c in range(40) for n in range(3)], now)
    engines: list[AsyncEngine] = [make_engine(database_url) for _ in range(4)]
    try:
        repos = [OutboxRepo(e) for e in engines]
        rounds: list[list[Delivery]] = []
        while True:  # racing claimers may come back short-handed; they never come back with the same row
            found = await asyncio.gather(*(r.claim(now, limit=25) for r in repos for _ in range(3)))
            if not any(found):
                break
            rounds += found
    finally:
        for engine in engines:
            await engine.dispose()
    ids = [d.id for batch in rounds for d in batch]
    assert len(ids) == len(set(ids)) == 120


async def test_claim_takes_a_few_rows_per_chat_oldest_first(store: Store) -> None:
    now = start_time()
    await store.chats.ensure(1, now)
    await store.chats.ensure(2, now)
    await store.outbox.enqueue([text_item(1, f"a:{n}", "x") for n in range(10)] + [text_item(2, "b", "y")], now)
    batch = await store.outbox.claim(now, limit=50)
    assert [(d.chat_id, d.dedupe_key) for d in batch] == [(1, "a:0"), (1, "a:1"), (1, "a:2"), (2, "b")]
    assert all(d.state == "sending" and d.attempts == 1 for d in batch)


async def test_lease_expiry_hands_rows_of_a_dead_sender_over_and_renewal_keeps_them(store: Store) -> None:
    now = start_time()
    await store.chats.ensure(1, now)
    await store.outbox.enqueue([text_item(1, "a", "x"), text_item(1, "b", "y")], now)
    lease = store.outbox.lease
    first = await store.outbox.claim(now)
    assert len(first) == 2
    assert await store.outbox.claim(now + lease - timedelta(seconds=1)) == []
    assert await store.outbox.renew([first[0].id], now + lease - timedelta(seconds=1)) == 1
    # The unrenewed row is taken over after the lease; the renewed one is still ours.
    later = await store.outbox.claim(now + lease + timedelta(seconds=1))
    assert [d.id for d in later] == [first[1].id] and later[0].attempts == 2
    await store.outbox.mark_sent(first[0].id, now, 11, shown={"deadline": None, "budget": "5"})
    await store.outbox.mark_sent(later[0].id, now, 12)
    assert await store.outbox.claim(now + 10 * lease) == []  # sent rows are never claimed again


async def test_purge_keeps_recent_rows_and_thread_roots(store: Store) -> None:
    now = start_time()
    await store.chats.ensure(1, now)
    old = now - timedelta(days=100)
    [gone, kept] = await store.notices.upsert(
        [tender("g", code="G-1", title="旧项目"), tender("k", code="K-1", title="进行中项目")], old
    )
    [update] = await store.notices.upsert(
        [tender("k2", code="K-1", title="进行中项目更正公告", notice_type=NoticeType.AMENDMENT)], now
    )
    await store.outbox.enqueue(
        [
            text_item(1, "old-text", "x"),
            text_item(1, "new-text", "y"),
        ],
        old,
    )
    await store.outbox.enqueue(
        [OutboxItem(1, "alert", "alert:g", gone.notice_id), OutboxItem(1, "alert", "alert:k", kept.notice_id)], old
    )
    await store.outbox.enqueue([OutboxItem(1, "amendment", "am:k", update.notice_id)], now)
    await store.outbox.enqueue([text_item(1, "fresh", "z")], now)
    for row in await store.outbox.for_chat(1):
        if row.dedupe_key != "new-text":
            await store.outbox.mark_sent(row.id, now, 1)
    removed = await store.outbox.purge_settled(now - timedelta(days=90))
    left = {d.dedupe_key for d in await store.outbox.for_chat(1)}
    assert removed == 2
    assert left == {"new-text", "alert:k", "am:k", "fresh"}  # pending kept; the live project's root alert kept
