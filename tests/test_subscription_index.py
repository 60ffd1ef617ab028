"""The compiled matcher follows subscription changes without needless full rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenderbot.models import Notice, NoticeType
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
LC = Notice(source="s", source_id="1", title="某医院液相色谱仪采购公告", notice_type=NoticeType.TENDER)
CT = Notice(source="s", source_id="2", title="某医院CT采购公告", notice_type=NoticeType.TENDER)


async def test_own_changes_apply_at_once_and_others_after_a_reload(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.chats.ensure(1, NOW)
    index = SubscriptionIndex(store.chats)
    loads: list[int] = []
    original = store.chats.active_subscriptions

    async def counted() -> list:  # type: ignore[type-arg]
        loads.append(1)
        return await original()

    monkeypatch.setattr(store.chats, "active_subscriptions", counted)
    await index.refresh()
    assert len(loads) == 1
    # The bot saves a subscription and puts it into the index: it matches at once, with no reload.
    index.put(await store.chats.add_subscription(1, "液相色谱", NOW))
    assert [m.subscription.query for m in index.match(LC)] == ["液相色谱"]
    await index.refresh()
    assert len(loads) == 1
    # Another process adds one behind the index's back: the next refresh reloads and sees it.
    await store.chats.add_subscription(1, "CT", NOW)
    assert index.match(CT) == []
    await index.refresh()
    assert len(loads) == 2
    assert [m.subscription.query for m in index.match(CT)] == ["CT"]
