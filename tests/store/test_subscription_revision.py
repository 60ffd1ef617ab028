"""Database triggers bump the subscription revision on every change that alters the active subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, update

from tenderbot.store.repos import Store
from tenderbot.store.tables import chats, subscriptions

NOW = datetime(2026, 12, 8, 2, 30, tzinfo=UTC)


async def test_every_kind_of_change_moves_the_revision(store: Store) -> None:
    database, start = await store.chats.subscriptions_version()
    seen = [start]

    async def moved() -> bool:
        _, revision = await store.chats.subscriptions_version()
        changed = revision > seen[-1]
        seen.append(revision)
        return changed

    await store.chats.ensure(1, NOW)
    sub = await store.chats.add_subscription(1, "液相色谱", NOW)
    assert await moved()  # insert
    assert await store.chats.update_subscription(1, sub.id, query="质谱")
    assert await moved()  # an edit in place: same count, same highest id
    async with store.engine.begin() as conn:  # a write no repository method made
        await conn.execute(update(subscriptions).values(active=False))
    assert await moved()
    await store.chats.update(1, active=False)
    assert await moved()  # the chat's subscriptions leave the active set
    async with store.engine.begin() as conn:
        await conn.execute(delete(chats).where(chats.c.id == 1))  # cascades to its subscriptions
    assert await moved()
    assert (await store.chats.subscriptions_version())[0] == database  # the database keeps its id
