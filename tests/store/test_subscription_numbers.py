"""Subscription numbers are per chat and for life: the migration numbers old rows, nothing renumbers later."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def test_migration_numbers_existing_subscriptions_in_their_list_order(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await upgrade(engine, "0002")
        async with engine.begin() as conn:
            for chat in (1, 2):
                await conn.execute(
                    text(
                        "INSERT INTO chats (id, kind, language, timezone, digest_always, instant, active,"
                        " send_failures, created_at) VALUES (:id, 'private', 'zh', 'Asia/Shanghai', false, true,"
                        " true, 0, :now)"
                    ),
                    {"id": chat, "now": NOW},
                )
            # Interleaved chats, and a gap left by a deletion: each chat counts 1, 2, 3 in id order.
            for chat, query in ((1, "a"), (2, "x"), (1, "gone"), (1, "b"), (1, "c"), (2, "y")):
                await conn.execute(
                    text(
                        "INSERT INTO subscriptions (chat_id, name, query, active, instant, excluded_buyers,"
                        " created_at) VALUES (:chat, '', :query, true, true, '[]', :now)"
                    ),
                    {"chat": chat, "query": query, "now": NOW},
                )
            await conn.execute(text("DELETE FROM subscriptions WHERE query = 'gone'"))
        await upgrade(engine)
        store = Store.over(engine)
        assert [(s.number, s.query) for s in await store.chats.subscriptions(1)] == [(1, "a"), (2, "b"), (3, "c")]
        assert [(s.number, s.query) for s in await store.chats.subscriptions(2)] == [(1, "x"), (2, "y")]
        # The sequence continues after the highest number.
        assert (await store.chats.add_subscription(1, "d", NOW)).number == 4
        assert (await store.chats.add_subscription(2, "z", NOW)).number == 3
    finally:
        await engine.dispose()


async def test_numbers_are_never_reused_and_undo_restores_the_same_one(store: Store) -> None:
    await store.chats.ensure(7, NOW)
    first, second, third = [await store.chats.add_subscription(7, q, NOW) for q in ("a", "b", "c")]
    assert (first.number, second.number, third.number) == (1, 2, 3)
    await store.chats.update_subscription(7, second.id, active=False, excluded_buyers=["某医院"])
    snapshot = await store.chats.remove_subscription(7, second.id)
    assert snapshot is not None
    assert [s.number for s in await store.chats.subscriptions(7)] == [1, 3]  # #3 stays #3
    assert (await store.chats.subscription_by_number(7, 3)) == third
    assert await store.chats.subscription_by_number(7, 2) is None
    fourth = await store.chats.add_subscription(7, "d", NOW)
    assert fourth.number == 4  # not 2, not 3
    restored = await store.chats.restore_subscription(snapshot)
    assert restored is not None
    assert (restored.id, restored.number, restored.active, restored.excluded_buyers) == (
        second.id, 2, False, ("某医院",)
    )
    assert await store.chats.restore_subscription(snapshot) is None  # twice: already back
    # Another chat's numbers are its own.
    await store.chats.ensure(8, NOW)
    assert (await store.chats.add_subscription(8, "a", NOW)).number == 1
    assert await store.chats.remove_subscription(8, first.id) is None  # not theirs


async def test_group_migration_keeps_numbers_or_appends_after_the_supergroups_own(store: Store) -> None:
    await store.chats.ensure(-5, NOW, kind="group")
    for query in ("a", "b", "c"):
        await store.chats.add_subscription(-5, query, NOW)
    await store.chats.delete_subscription(-5, (await store.chats.subscription_by_number(-5, 1)).id)  # type: ignore[union-attr]
    await store.chats.migrate(-5, -1005, NOW)
    assert [s.number for s in await store.chats.subscriptions(-1005)] == [2, 3]
    assert (await store.chats.add_subscription(-1005, "d", NOW)).number == 4
    # A supergroup that already has subscriptions: the moved ones come after its own.
    await store.chats.ensure(-6, NOW, kind="group")
    await store.chats.add_subscription(-6, "x", NOW)
    await store.chats.migrate(-6, -1005, NOW)
    assert [(s.number, s.query) for s in await store.chats.subscriptions(-1005)] == [
        (2, "b"), (3, "c"), (4, "d"), (5, "x")
    ]
