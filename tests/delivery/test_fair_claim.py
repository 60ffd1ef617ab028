"""A group with hundreds of queued messages never holds back the private chats queued after it."""

from __future__ import annotations

from datetime import UTC, datetime

from tenderbot.store.repos import Store
from tests.delivery.support import text_item

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
GROUP = -1001


async def test_a_claim_takes_a_few_rows_of_each_chat_oldest_first(store: Store) -> None:
    await store.chats.ensure(GROUP, NOW, kind="supergroup")
    await store.outbox.enqueue([text_item(GROUP, f"g{n}", f"group {n}") for n in range(300)], NOW)
    for chat in range(1, 11):
        await store.chats.ensure(chat, NOW)
        await store.outbox.enqueue([text_item(chat, f"p{n}", f"private {n}") for n in range(2)], NOW)
    batch = await store.outbox.claim(NOW, limit=40)
    by_chat: dict[int, list[str]] = {}
    for row in batch:
        by_chat.setdefault(row.chat_id, []).append(row.dedupe_key)
    assert by_chat[GROUP] == ["g0", "g1", "g2"]  # its oldest few only
    assert all(by_chat[chat] == ["p0", "p1"] for chat in range(1, 11))  # every private chat, not starved
    again = await store.outbox.claim(NOW, limit=40)
    assert [row.dedupe_key for row in again if row.chat_id == GROUP] == ["g3", "g4", "g5"]
    assert not any(row.chat_id > 0 for row in again)  # already claimed, and nothing else is due
