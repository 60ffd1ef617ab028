"""Long messages: nothing is lost to a length count, nothing Telegram confirmed is sent twice."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from tenderbot.notify.channels import Buttons, TelegramChannel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.store.repos import Store
from tests.delivery.support import FakeClock, drain, start_time, telegram_sender, text_item
from tests.fake_telegram import FakeTelegram

USER = 8080


async def test_too_long_under_3000_characters_is_re_split_not_dead(store: Store) -> None:
    # Issue #16: Telegram said "too long" for 2,900 characters and the alert was marked dead.
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    text = "\n\n".join(f"<b>{n}</b> " + "字" * 400 for n in range(7))  # ~2,900: one part by every count
    await store.outbox.enqueue([text_item(USER, "d:1", text)], clock.now())
    fake.fail_next("sendMessage", 400, "Bad Request: message is too long", times=2)
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    sent = [str(m["text"]) for m in fake.messages(USER)]
    assert len(sent) >= 2 and "\n\n".join(sent).count("字") == 2800
    assert [s.split(" ", 1)[0] for s in "\n\n".join(sent).split("\n\n")] == [str(n) for n in range(7)]
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.message_id) == ("sent", fake.messages(USER)[0]["message_id"])


async def test_a_part_that_cannot_be_cut_shorter_is_rejected_for_good(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    await store.outbox.enqueue([text_item(USER, "d:1", "短消息")], clock.now())
    fake.fail_next("sendMessage", 400, "Bad Request: message is too long")
    async with telegram_sender(store, fake, clock) as sender:
        await drain(sender)
    [row] = await store.outbox.for_chat(USER)
    assert row.state == "dead" and "too long" in (row.last_error or "")


class SlowSecondPart:
    """The real channel, but Telegram answers the second message after the client gave up."""

    def __init__(self, channel: TelegramChannel, fake: FakeTelegram) -> None:
        self.channel, self.fake, self.calls = channel, fake, 0

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, buttons: Buttons | None = None
    ) -> int | None:
        self.calls += 1
        if self.calls == 2:
            self.fake.delay_next("sendMessage", 1.0)
        return await self.channel.send(chat_id, text, reply_to=reply_to, buttons=buttons)


async def test_parts_telegram_confirmed_are_not_sent_again_after_a_timeout(store: Store) -> None:
    clock = FakeClock(start_time())
    fake = FakeTelegram(flood=None)
    await store.chats.ensure(USER, clock.now())
    items = [f"<b>第{n}项</b> " + "仪" * 2500 for n in range(3)]  # one part each
    await store.outbox.enqueue([text_item(USER, "d:long", "\n\n".join(items))], clock.now())
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()}, read_timeout=0.3)
    bot = Bot(fake.token, request=request)
    await bot.initialize()
    limiter = SendLimiter(overall_per_second=25, clock=clock.monotonic, sleep=clock.sleep)
    channel: Any = SlowSecondPart(TelegramChannel(bot), fake)
    sender = Sender(store, telegram=channel, console=None, limiter=limiter, clock=clock.now)
    try:
        await drain(sender)
        [row] = await store.outbox.for_chat(USER)
        assert row.state == "pending" and "network" in (row.last_error or "")
        # The timed-out part arrives after all (Telegram finished what the client gave up on).
        await fake.wait_for(lambda: len(fake.messages(USER)) == 2)
        clock.advance(600)
        await drain(sender)
    finally:
        await bot.shutdown()
    texts = [str(m["text"]) for m in fake.messages(USER)]
    firsts = [t.split(" ", 1)[0] for t in texts]
    # Part 1 was confirmed: never again. Part 2 timed out: sent again (at least once). Part 3: once.
    assert firsts == ["第0项", "第1项", "第1项", "第2项"]
    [row] = await store.outbox.for_chat(USER)
    assert (row.state, row.message_id) == ("sent", fake.messages(USER)[0]["message_id"])
    assert fake.messages(USER)[-1].get("reply_markup") is None and channel.calls == 4
