"""The sender against the strict fake Bot API: flood waits, server errors, timeouts, blocked and migrated chats."""

from __future__ import annotations

from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tests.delivery.support import FakeClock, drain, start_time, telegram_sender, tender, text_item
from tests.fake_telegram import FakeTelegram, parse_html

USER = 4242
GROUP = -4711
SUPERGROUP = -1_001_000_004_711


async def test_429_waits_retry_after_then_sends_once(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:1", "<b>一</b>"), text_item(USER, "d:2", "二")], clock.now())
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", {"retry_after": 7})
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
        assert await store.outbox.counts(USER) == {"pending": 2}  # the second waits behind the first: order kept
        assert fake.rejected_429 == 1
        clock.advance(6)
        assert await drain(sender) == 0  # not before retry_after
        clock.advance(1.5)
        await drain(sender)
    assert await store.outbox.counts(USER) == {"sent": 2}
    assert [m["text"] for m in fake.messages(USER)] == ["一", "二"]
    # Waiting out flood control is no failure: it does not bring a row closer to being given up.
    assert [r.attempts for r in await store.outbox.for_chat(USER)] == [1, 1]


async def test_server_errors_back_off_and_give_up_after_max_attempts(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:1", "hello")], clock.now())
    fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
        [row] = await store.outbox.for_chat(USER)
        assert row.state == "pending" and "Bad Gateway" in (row.last_error or "")
        clock.advance(1)
        assert await drain(sender) == 0  # backoff: 2 s after the first attempt
        clock.advance(1.5)
        await drain(sender)  # second 502, now 4 s
        clock.advance(4.5)
        await drain(sender)
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.attempts, row.message_id) == ("sent", 3, 1)

    await store.outbox.enqueue([text_item(USER, "d:2", "never")], clock.now())
    fake.fail_next("sendMessage", 500, "Internal Server Error", times=10)
    async with telegram_sender(store, fake, clock, max_attempts=3) as sender:
        for _ in range(4):
            await drain(sender)
            clock.advance(700)
    row = (await store.outbox.for_chat(USER))[-1]
    assert (row.state, row.attempts) == ("dead", 3)


async def test_timeout_is_retried_with_backoff(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:1", "slow")], clock.now())
    fake.delay_next("sendMessage", 0.6)
    async with telegram_sender(store, fake, clock, read_timeout=0.2) as sender:
        await drain(sender)
        [row] = await store.outbox.for_chat(USER)
        assert row.state == "pending" and "timed out" in (row.last_error or "").lower()
        clock.advance(2.5)
        await drain(sender)
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.attempts) == ("sent", 2)
    # Telegram may have delivered the timed-out call: at most that one message twice, never more.
    await fake.wait_for(lambda: len(fake.messages(USER)) == 2, timeout=3)


async def test_blocked_chat_is_deactivated_after_repeated_refusals_and_its_queue_dropped(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, f"d:{n}", f"m{n}") for n in range(6)], clock.now())
    fake.block_chat(USER)
    async with telegram_sender(store, fake, clock, deactivate_after=3) as sender:
        for _ in range(5):
            await drain(sender)
            clock.advance(60)
    chat = await store.chats.get(USER)
    assert chat is not None and not chat.active
    assert await store.outbox.counts(USER) == {"dead": 6}
    assert len(fake.sent("sendMessage", USER)) == 3  # three refusals, then nothing more was tried
    await store.outbox.enqueue([text_item(USER, "d:later", "later")], clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    assert len(fake.sent("sendMessage", USER)) == 3


async def test_a_success_resets_the_refusal_count(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:1", "one")], clock.now())
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", times=2)
    async with telegram_sender(store, fake, clock, deactivate_after=3) as sender:
        for _ in range(3):
            await drain(sender)
            clock.advance(30)
    chat = await store.chats.get(USER)
    assert chat is not None and chat.active and chat.send_failures == 0
    assert await store.outbox.counts(USER) == {"sent": 1}


async def test_migrated_group_rows_follow_the_new_chat_id(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(GROUP, clock.now(), kind="group", title="采购群")
    await store.outbox.enqueue([text_item(GROUP, f"d:{n}", f"群消息{n}") for n in range(3)], clock.now())
    fake.register_chat(GROUP, "group", title="采购群")
    fake.migrate_chat(GROUP, SUPERGROUP)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    assert await store.chats.get(GROUP) is None
    moved = await store.chats.get(SUPERGROUP)
    assert moved is not None and moved.active and moved.title == "采购群"
    assert await store.outbox.counts(SUPERGROUP) == {"sent": 3}
    assert [m["text"] for m in fake.messages(SUPERGROUP)] == ["群消息0", "群消息1", "群消息2"]


async def test_too_long_message_is_split_at_item_boundaries(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    link = '<a href="https://example.gov.cn/{n}?a=1&amp;b=2">'
    items = [f"<b>第{n}项</b> " + link.format(n=n) + "仪" * 700 + "</a>" for n in range(12)]
    text = "\n\n".join(items)
    await store.outbox.enqueue([text_item(USER, "d:long", text)], clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    sent = fake.messages(USER)
    assert len(sent) >= 3
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.message_id) == ("sent", sent[0]["message_id"])
    plain = "\n\n".join(parse_html(item)[0] for item in items)
    assert "\n\n".join(str(m["text"]) for m in sent) == plain  # every item whole, in order, split between items


async def test_rejected_message_is_dead_and_the_chat_goes_on(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:bad", "a <x> b"), text_item(USER, "d:ok", "fine")], clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    rows = await store.outbox.for_chat(USER)
    assert [r.state for r in rows] == ["dead", "sent"]
    assert "parse entities" in (rows[0].last_error or "")


async def test_digest_only_chat_gets_no_instant_alerts(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.chats.update(USER, instant=False)
    [change] = await store.notices.upsert([tender("t-1")], clock.now())
    await store.outbox.enqueue([OutboxItem(USER, "alert", "alert:1", change.notice_id)], clock.now())
    await store.outbox.enqueue([text_item(USER, "digest:1", "摘要")], clock.now())
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    assert [m["text"] for m in fake.messages(USER)] == ["摘要"]
    assert [r.last_error for r in await store.outbox.for_chat(USER, ["alert"])] == ["chat is digest-only"]


async def test_group_and_private_bursts_stay_inside_telegrams_limits(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(clock=clock.monotonic)  # the strict flood limits, on the test's clock
    await store.chats.ensure(GROUP, clock.now(), kind="group", title="群")
    await store.chats.ensure(USER, clock.now())
    rows = [text_item(GROUP, f"g:{n}", f"群{n}") for n in range(25)] + [
        text_item(USER, f"u:{n}", f"私{n}") for n in range(12)
    ]
    await store.outbox.enqueue(rows, clock.now())
    started = clock.monotonic()
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender, rounds=50)
        # The group's minute filled up: its rest was rescheduled, not slept on, so the private chat is done.
        assert len(fake.messages(USER)) == 12 and len(fake.messages(GROUP)) == 20
        assert clock.monotonic() - started < 60
        for _ in range(10):
            if await store.outbox.counts() == {"sent": 37}:
                break
            clock.advance(15)
            await drain(sender, rounds=50)
    assert fake.rejected_429 == 0
    assert await store.outbox.counts() == {"sent": 37}
    assert [m["text"] for m in fake.messages(GROUP)] == [f"群{n}" for n in range(25)]
    assert clock.monotonic() - started >= 60  # the 21st group message waited for the next minute


async def test_telegram_finding_a_message_too_long_gets_it_re_split(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    text = "\n\n".join(f"<b>{n}</b> " + "字" * 500 for n in range(7))  # ~3.5k: one message by our count
    await store.outbox.enqueue([text_item(USER, "d:1", text)], clock.now())
    fake.fail_next("sendMessage", 400, "Bad Request: message is too long")
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    sent = [str(m["text"]) for m in fake.messages(USER)]
    assert len(sent) == 2 and "\n\n".join(sent).count("字") == 3500
    assert await store.outbox.counts(USER) == {"sent": 1}
