"""Digests at national volume: every due chat in one pass over the window, no cap, best matches first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenderbot.delivery.digests import DigestService
from tenderbot.matching.query import parse_query
from tenderbot.notify.digest import MAX_ITEMS_PER_SECTION
from tenderbot.store.repos import Store
from tenderbot.subscriptions import CompiledSubscriptions, SubscriptionIndex
from tests.delivery.support import FakeClock, tender

START = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)


async def _chat(store: Store, chat_id: int, query: str, clock: FakeClock) -> None:
    await store.chats.ensure(chat_id, clock.now())
    await store.chats.update(chat_id, timezone="Asia/Shanghai", digest_time="08:30", instant=False)
    await store.chats.add_subscription(chat_id, query, clock.now(), name=query, instant=False)


async def test_raw_since_pages_through_every_notice_oldest_first(store: Store) -> None:
    base = START - timedelta(hours=5)
    for n in range(7):
        await store.notices.upsert([tender(f"n-{n}", title=f"医院液相色谱仪采购{n}", code=f"C-{n}")], base + timedelta(
            minutes=n // 2  # pairs share a timestamp: the keyset must not skip or repeat a tie
        ))
    seen = [row.decode().notice.source_id async for batch in store.notices.raw_since(base, batch=3) for row in batch]
    assert seen == [f"n-{n}" for n in range(7)]


async def test_every_due_chat_is_served_by_one_match_per_notice(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(START)
    await _chat(store, 1, "液相色谱", clock)
    await _chat(store, 2, "质谱", clock)
    await _chat(store, 3, "液相色谱 质谱", clock)
    service = DigestService(store, SubscriptionIndex(store.chats), clock=clock.now, batch=2)
    await service.tick()  # schedules all three for 08:30 Beijing time
    far = START + timedelta(days=20)
    notices = [
        tender("lc", title="A医院液相色谱仪采购", code="A-1", deadline=far),
        tender("ms", title="B大学质谱仪采购", code="B-1", deadline=far),
        tender("both", title="C中心液相色谱质谱联用仪采购", code="C-1", deadline=far),
        tender("none", title="D单位办公家具采购", code="D-1", deadline=far),
    ]
    await store.notices.upsert(notices, clock.now())
    calls: list[str] = []
    original = CompiledSubscriptions.match

    def counting(self: CompiledSubscriptions, notice):  # type: ignore[no-untyped-def]
        calls.append(notice.source_id)
        return original(self, notice)

    monkeypatch.setattr(CompiledSubscriptions, "match", counting)
    clock.advance(31 * 60)
    assert await service.tick() == 3
    assert sorted(calls) == ["both", "lc", "ms", "none"]  # once per notice, not once per chat
    texts = {c: "".join(str((r.payload or {})["text"]) for r in await store.outbox.for_chat(c)) for c in (1, 2, 3)}
    assert "A医院" in texts[1] and "C中心" in texts[1] and "B大学" not in texts[1]
    assert "B大学" in texts[2] and "C中心" in texts[2] and "A医院" not in texts[2]
    assert all(name in texts[3] for name in ("A医院", "B大学", "C中心"))
    assert not any("办公家具" in text for text in texts.values())


async def test_a_full_section_shows_the_best_first_and_links_to_the_rest(store: Store) -> None:
    clock = FakeClock(START)
    await _chat(store, 1, "液相色谱", clock)
    service = DigestService(store, SubscriptionIndex(store.chats), clock=clock.now, web_url="https://tb.example.cn/")
    await service.tick()
    far = START + timedelta(days=20)
    count = MAX_ITEMS_PER_SECTION + 5
    notices = [
        tender(f"n{n}", title=f"第{n}医院液相色谱仪采购", code=f"N-{n}", deadline=far, budget=str(1000 + n))
        for n in range(count)
    ]
    await store.notices.upsert(notices, clock.now())
    clock.advance(31 * 60)
    assert await service.tick() == 1
    text = "".join(str((r.payload or {})["text"]) for r in await store.outbox.for_chat(1))
    assert f"（{count}）" in text
    # The largest budgets come first; the five smallest are left to the link.
    assert f"第{count - 1}医院" in text and "第0医院" not in text
    assert text.index(f"第{count - 1}医院") < text.index(f"第{count - 2}医院")
    assert '另有 5 条，<a href="https://tb.example.cn/notices?q=%E6%B6%B2' in text


async def test_the_sub_preview_reads_the_whole_window_in_batches(store: Store) -> None:
    clock = FakeClock(START)
    far = START + timedelta(days=20)
    notices = [tender(f"p{n}", title=f"第{n}医院液相色谱仪采购", code=f"P-{n}", deadline=far) for n in range(23)]
    notices.append(tender("x", title="某单位办公家具采购", code="X-1", deadline=far))
    await store.notices.upsert(notices, clock.now())
    index = SubscriptionIndex(store.chats)
    found = await index.recent_matches(store.notices, parse_query("液相色谱"), START - timedelta(days=7), batch=5)
    assert sorted(stored.notice.source_id for stored, _ in found) == sorted(f"p{n}" for n in range(23))
    assert all(terms == ("液相色谱",) for _, terms in found)
