"""Daily digests: each chat's time in its own zone, grouped matches, closing soon, health, split, no empties."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tenderbot.delivery.commands import digest_command
from tenderbot.delivery.digests import DigestService
from tenderbot.models import SourceState
from tenderbot.notify.digest import next_digest_at
from tenderbot.notify.render import utf16_len
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex
from tests.delivery.support import FakeClock, drain, telegram_sender, tender
from tests.fake_telegram import FakeTelegram

NY = ZoneInfo("America/New_York")
CHAT = 9001


def test_next_digest_time_follows_the_chats_zone_across_dst() -> None:
    before = datetime(2026, 3, 7, 11, 30, tzinfo=UTC)  # 06:30 EST
    assert next_digest_at("07:00", NY, before) == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    # 2026-03-08 is the US spring-forward day: 07:00 EDT is 11:00 UTC.
    assert next_digest_at("07:00", NY, datetime(2026, 3, 7, 12, 0, tzinfo=UTC)) == datetime(
        2026, 3, 8, 11, 0, tzinfo=UTC
    )
    assert next_digest_at("08:30", ZoneInfo("Asia/Shanghai"), before) == datetime(2026, 3, 8, 0, 30, tzinfo=UTC)
    # A wall time inside the gap (02:30 does not exist that night) still comes that day.
    gap = next_digest_at("02:30", NY, datetime(2026, 3, 8, 5, 0, tzinfo=UTC))
    assert gap.date() == datetime(2026, 3, 8).date() and gap > datetime(2026, 3, 8, 5, 0, tzinfo=UTC)


async def _new_york_chat(store: Store, clock: FakeClock) -> None:
    await store.chats.ensure(CHAT, clock.now())
    await store.chats.update(CHAT, timezone="America/New_York", digest_time="07:00", instant=False)
    await store.chats.add_subscription(CHAT, "液相色谱", clock.now(), name="液相", instant=False)
    await store.chats.add_subscription(CHAT, "质谱", clock.now(), name="质谱仪")


async def test_digest_at_seven_new_york_time_grouped_with_closing_soon_and_health(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 7, 11, 30, tzinfo=UTC))
    fake = FakeTelegram(flood=None)
    await _new_york_chat(store, clock)
    index = SubscriptionIndex(store.chats)
    service = DigestService(store, index, clock=clock.now)
    await store.sources.save(SourceState(name="ccgp", failures=4), clock.now())
    await store.sources.save(SourceState(name="jszfcg"), clock.now())
    assert await service.tick() == 0  # first tick only schedules
    chat = await store.chats.get(CHAT)
    assert chat is not None and chat.next_digest_at == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    far = clock.now() + timedelta(days=20)
    soon = clock.now() + timedelta(days=3)
    notices = [
        tender("lc-1", title="A医院液相色谱仪采购", code="A-001", deadline=far),
        tender("lc-2", title="B医院液相色谱仪采购", code="B-001", deadline=soon),
        tender("ms-1", title="C大学质谱仪采购", code="C-001", deadline=far),
        tender("x-1", title="D单位办公家具采购", code="D-001", deadline=far),
        tender("old-1", title="E医院液相色谱仪采购", code="E-001", deadline=clock.now() - timedelta(hours=1)),
    ]
    await store.notices.upsert(notices, clock.now() - timedelta(hours=2))
    clock.advance(29 * 60)
    assert await service.tick() == 0  # 06:59 in New York
    clock.advance(60)
    assert await service.tick() == 1  # 07:00 in New York
    assert await DigestService(store, index, clock=clock.now).tick() == 0  # another process: already taken
    chat = await store.chats.get(CHAT)
    assert chat is not None and chat.next_digest_at == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    [message] = fake.messages(CHAT)
    text = str(message["text"])
    assert "每日摘要 · 2026-03-07" in text and "（3 条新公告）" in text
    assert text.index("液相（2）") < text.index("A医院") < text.index("质谱仪（1）") < text.index("C大学")
    assert "办公家具" not in text and "E医院" not in text
    closing = text[text.index("即将截止") :]
    assert "B医院" in closing and "A医院" not in closing
    assert text.rstrip().endswith("数据源：1/2 正常；异常：ccgp")


async def test_no_empty_digest_unless_asked_for(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 7, 11, 30, tzinfo=UTC))
    await _new_york_chat(store, clock)
    service = DigestService(store, SubscriptionIndex(store.chats), clock=clock.now)
    await service.tick()
    clock.advance(3600)
    assert await service.tick() == 0
    assert await store.outbox.for_chat(CHAT) == []
    await store.chats.update(CHAT, digest_always=True)
    clock.advance(24 * 3600)
    assert await service.tick() == 1
    [row] = await store.outbox.for_chat(CHAT)
    assert "今天没有新的匹配公告" in str((row.payload or {})["text"])


async def test_big_digest_is_split_between_items_under_the_limit(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 7, 11, 30, tzinfo=UTC))
    fake = FakeTelegram(flood=None)
    await _new_york_chat(store, clock)
    await store.chats.update(CHAT, language="en")
    batch = [
        tender(
            f"lc-{n}",
            title=f"第{n}医院液相色谱仪采购项目<&>" + "仪" * 60,
            code=f"L-{n:04d}",
            deadline=clock.now() + timedelta(days=20),
        )
        for n in range(80)
    ]
    await store.notices.upsert(batch, clock.now())
    service = DigestService(store, SubscriptionIndex(store.chats), clock=clock.now)
    parts = await service.build(CHAT, since=clock.now() - timedelta(days=1), now=clock.now())
    assert len(parts) >= 2
    assert all(utf16_len(p) <= 4000 for p in parts)
    assert parts[0].startswith("(1/") and "Daily digest" in parts[0]
    assert await service.queue(CHAT, since=clock.now() - timedelta(days=1), now=clock.now(), key="k") == len(parts)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    texts = [str(m["text"]) for m in fake.messages(CHAT)]
    assert len(texts) == len(parts)
    for n in range(30):  # the first 30 of the section are listed, each exactly once and whole
        assert sum(t.count(f"第{n}医院液相色谱仪采购项目<&>") for t in texts) == 1
    assert "50 more" in texts[-1]


async def test_digest_command_dry_run_prints_and_now_sends(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 7, 11, 30, tzinfo=UTC))
    fake = FakeTelegram(flood=None)
    await _new_york_chat(store, clock)
    await store.notices.upsert([tender("lc-1", deadline=clock.now() + timedelta(days=9))], clock.now())
    index = SubscriptionIndex(store.chats)
    out = io.StringIO()
    code = await digest_command(store, index, CHAT, now=clock.now(), dry_run=True, drain=_nothing, out=out)
    assert code == 0 and "液相色谱仪" in out.getvalue() and "<b>" not in out.getvalue()
    assert await store.outbox.for_chat(CHAT) == []
    async with telegram_sender(store, fake, clock) as sender:
        code = await digest_command(store, index, CHAT, now=clock.now(), dry_run=False, drain=sender.run_once, out=out)
    assert code == 0
    assert "液相色谱仪" in str(fake.messages(CHAT)[0]["text"])
    assert await digest_command(store, index, 12345, now=clock.now(), dry_run=True, drain=_nothing, out=out) == 2


async def _nothing() -> int:
    return 0


async def test_a_broken_chat_setting_does_not_stop_other_digests(store: Store) -> None:
    clock = FakeClock(datetime(2026, 3, 7, 11, 30, tzinfo=UTC))
    await _new_york_chat(store, clock)
    await store.chats.ensure(66, clock.now())
    await store.chats.update(66, timezone="Mars/Olympus", digest_time="07:00", digest_always=True)
    await store.chats.update(CHAT, digest_always=True)
    service = DigestService(store, SubscriptionIndex(store.chats), clock=clock.now)
    await service.tick()
    clock.advance(3600)
    assert await service.tick() == 1
    assert len(await store.outbox.for_chat(CHAT)) == 1 and await store.outbox.for_chat(66) == []
