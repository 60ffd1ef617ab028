"""The sender loop: drains the outbox in order per chat, within rate limits, through every failure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from tenderbot.delivery.reminders import CANCELLING_TYPES, current_deadline
from tenderbot.delivery.robots import RobotDelivery
from tenderbot.delivery.split import split_html
from tenderbot.errors import ChatGone, ChatMoved, MessageRejected, NotifyError, RetryLater
from tenderbot.models import Money, Notice
from tenderbot.notify.channels import Buttons, Channel
from tenderbot.notify.digest import render_reminder
from tenderbot.notify.ratelimit import RobotWindow, SendLimiter, backoff
from tenderbot.notify.render import MAX_MESSAGE, render_alert, render_update, utf16_len
from tenderbot.notify.webhooks import WebhookSender
from tenderbot.store.chats import ChatRecord
from tenderbot.store.notices import StoredNotice
from tenderbot.store.outbox import Delivery
from tenderbot.store.repos import Store

log = logging.getLogger(__name__)

CONSOLE_CHAT_ID = 0
MAX_ATTEMPTS = 8
DEACTIVATE_AFTER = 3
# A follow-up waits this long while the alert it replies to is still queued.
FOLLOW_UP_WAIT = timedelta(seconds=5)
# Telegram counts a message after parsing its entities, we count the HTML we send; when it still answers
# "message is too long" for a part we measured under the limit, that part is cut shorter and sent again, down to
# parts of this many UTF-16 units (issue #16: a message under 3,000 characters was marked dead).
MIN_RESPLIT = 200


def alert_buttons(notice_id: int, language: str = "zh") -> Buttons:
    """关注 / 不相关 / 屏蔽采购人 — compact callback data that survives restarts (≤ 64 bytes)."""
    if language.startswith("en"):
        labels = ("⭐ Follow", "🙈 Not relevant", "🚫 Block buyer")
    else:
        labels = ("⭐ 关注", "🙈 不相关", "🚫 屏蔽采购人")
    return [[(labels[0], f"f:{notice_id}"), (labels[1], f"h:{notice_id}"), (labels[2], f"b:{notice_id}")]]


# A group whose next slot is further away than this is rescheduled rather than waited for in the batch.
GROUP_HOLD_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Hold:
    """A chat's remaining rows in this batch must wait until ``until`` (None: they are dropped)."""

    until: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class Composed:
    """A row rendered for its chat, with what it tells the chat about the tender (for later "old → new")."""

    text: str
    buttons: Buttons | None = None
    reply_to: int | None = None
    shown: dict[str, Any] | None = None


class Superseded(Exception):
    """This row has nothing left to say (its notice is gone, its reminder moot): settle it as dead, no retry.

    Its own class, not LookupError: a KeyError or IndexError from a rendering bug must be logged with its
    traceback and retried, never taken for "nothing to send" (issue #9).
    """


class Defer(Exception):
    """Not now: try this row again at ``until`` (a follow-up whose alert is still queued)."""

    def __init__(self, reason: str, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


def shown_of(notice: Notice) -> dict[str, Any]:
    """What a message told the chat about a tender: its deadline and budget."""
    return {
        "deadline": notice.tender_deadline.isoformat() if notice.tender_deadline else None,
        "budget": str(notice.budget.amount) if notice.budget else None,
    }


def notice_from_shown(shown: dict[str, Any]) -> Notice:
    """A stand-in for the announcement the chat last saw, enough for render_update's old → new."""
    deadline = datetime.fromisoformat(shown["deadline"]) if shown.get("deadline") else None
    budget = None
    with contextlib.suppress(InvalidOperation, TypeError):
        budget = Money(Decimal(shown["budget"])) if shown.get("budget") else None
    return Notice(tender_deadline=deadline, budget=budget)


class Sender:
    """Claims outbox rows, renders them, sends them and records the outcome."""

    def __init__(
        self,
        store: Store,
        *,
        telegram: Channel | None,
        console: Channel | None,
        limiter: SendLimiter,
        clock: Callable[[], datetime],
        concurrency: int = 16,
        webhooks: WebhookSender | None = None,
        robots: RobotWindow | None = None,
        team: Channel | None = None,
        claim_limit: int = 200,
        max_attempts: int = MAX_ATTEMPTS,
        deactivate_after: int = DEACTIVATE_AFTER,
    ) -> None:
        self.wakeup = asyncio.Event()
        self._store = store
        self._telegram = telegram
        self._console = console
        self._team = team  # web-console teams: their robot or mailbox
        self._limiter = limiter
        self._clock = clock
        self._concurrency = concurrency
        self._robots = RobotDelivery(
            store, webhooks, robots or RobotWindow(), clock=clock, max_attempts=max_attempts, wakeup=self.wakeup
        )
        self._claim_limit = claim_limit
        self._max_attempts = max_attempts
        self._deactivate_after = deactivate_after
        self._notices: dict[int, StoredNotice | None] = {}

    @property
    def store(self) -> Store:
        """The repositories this sender drains (the delivery jobs share them)."""
        return self._store

    async def run_once(self, limit: int | None = None) -> int:
        """Send what is due now; returns how many rows were claimed."""
        batch = await self._store.outbox.claim(self._clock(), limit=limit or self._claim_limit)
        if not batch:
            return 0
        # One announcement usually goes to many chats: decode it once per batch.
        self._notices = {}
        lanes: dict[tuple[str, int], list[Delivery]] = defaultdict(list)
        for delivery in batch:
            # Team robots have their own limits: their rows never wait behind the chat's Telegram rows.
            lanes[("hook" if delivery.kind == "webhook" else "chat", delivery.chat_id)].append(delivery)
        gate = asyncio.Semaphore(self._concurrency)

        async def drain(rows: list[Delivery]) -> None:
            async with gate:
                for position, row in enumerate(rows):
                    hold = await self._deliver_safely(row)
                    if hold is not None:
                        await self._hold_rest(rows[position + 1 :], hold)
                        return

        heartbeat = asyncio.create_task(self._renew_claims([d.id for d in batch]))
        try:
            await asyncio.gather(*(drain(rows) for rows in lanes.values()))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return len(batch)

    async def _renew_claims(self, ids: list[int]) -> None:
        """Keep this batch's claims fresh while it drains, so no other sender takes a row we are sending."""
        interval = max(0.5, self._store.outbox.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._store.outbox.renew(ids, self._clock())
            except Exception:
                log.exception("sender: could not renew claims")

    async def _hold_rest(self, rows: list[Delivery], hold: Hold) -> None:
        """Keep a chat's order: after a failure its later rows wait too (or are dropped with a gone chat)."""
        for row in rows:
            if hold.until is None:
                await self._store.outbox.mark_dead(row.id, hold.reason)
            else:
                await self._store.outbox.mark_retry(row.id, hold.reason, hold.until, count_attempt=False)

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 2.0) -> None:
        """Keep draining until ``stop`` is set; an unexpected error is logged and the loop goes on."""
        while not stop.is_set():
            try:
                claimed = await self.run_once()
            except Exception:
                log.exception("sender: unexpected error; retrying shortly")
                claimed = 0
            if claimed:
                continue
            self.wakeup.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wakeup.wait())]
            await asyncio.wait(waiters, timeout=idle_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    def _channel(self, chat: ChatRecord) -> Channel | None:
        if chat.kind == "team":
            return self._team
        return self._console if chat.kind == "console" else self._telegram

    async def _deliver_safely(self, delivery: Delivery) -> Hold | None:
        """Deliver one row; a bug in rendering one row parks it instead of stopping the batch."""
        try:
            return await self._deliver(delivery)
        except Exception as exc:
            log.exception("delivery %d: unexpected error", delivery.id)
            until = self._clock() + backoff(delivery.attempts)
            if delivery.attempts >= self._max_attempts:
                await self._store.outbox.mark_dead(delivery.id, f"bug: {exc!r}")
                return None
            await self._store.outbox.mark_retry(delivery.id, f"bug: {exc!r}", until)
            return Hold(until, "an earlier message failed")

    async def _deliver(self, delivery: Delivery) -> Hold | None:
        """Send one row and settle it; a Hold tells the drain what to do with the chat's later rows."""
        chat = await self._store.chats.get(delivery.chat_id)
        if chat is None or not chat.active:
            await self._store.outbox.mark_dead(delivery.id, "chat inactive")
            return None
        if delivery.kind == "webhook":
            await self._robots.deliver(delivery, chat)
            return None
        if delivery.kind == "alert":
            # Team robots get their copy whatever happens to the chat message (no token, digest-only).
            await self._robots.fan_out(delivery)
            if not chat.instant:
                # A digest-only chat (/settings): its matches wait for the digest; nothing to render.
                await self._store.outbox.mark_dead(delivery.id, "chat is digest-only")
                return None
        channel = self._channel(chat)
        if channel is None:
            # Console mode has no Telegram channel: keep Telegram rows for when a token is configured.
            until = self._clock() + timedelta(minutes=10)
            await self._store.outbox.mark_retry(delivery.id, "no channel", until, count_attempt=False)
            return Hold(until, "no channel")
        if chat.is_group and channel is self._telegram:
            wait = self._limiter.group_wait(chat.id)
            if wait > GROUP_HOLD_SECONDS:
                # The group's minute is full: come back then, without sleeping in this batch (or counting).
                until = self._clock() + timedelta(seconds=wait)
                reason = "group limit: 20 a minute"
                await self._store.outbox.mark_retry(delivery.id, reason, until, count_attempt=False)
                return Hold(until, reason)
        try:
            composed = await self._compose(delivery, chat)
        except Defer as wait:
            await self._store.outbox.mark_retry(delivery.id, str(wait), wait.until, count_attempt=False)
            return Hold(wait.until, str(wait))
        except Superseded as exc:
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            return None
        try:
            message_id = await self._send(channel, chat, composed, delivery)
        except NotifyError as exc:
            return await self._failed(delivery, chat, exc)
        await self._store.outbox.mark_sent(
            delivery.id, self._clock(), message_id, shown=composed.shown, payload=delivery.payload
        )
        if chat.send_failures:
            await self._store.chats.record_send_success(chat.id)
        return None

    async def _send(self, channel: Channel, chat: ChatRecord, composed: Composed, delivery: Delivery) -> int | None:
        """Send a message in parts split at item boundaries; the first part's id is the message's id.

        Nothing is lost to a length count: a part Telegram finds too long is cut shorter and sent again.
        Nothing Telegram confirmed is sent twice: when a part fails after others went through, the parts
        still to send are saved in the row (``payload["progress"]``) and the retry sends only those. A part
        whose request timed out may or may not have arrived, and the Bot API offers no way to ask (no
        idempotency key; a bot cannot read a chat's history), so that part is sent again: at least once.
        """
        progress = (delivery.payload or {}).get("progress")
        if isinstance(progress, dict) and progress.get("rest"):
            queue = deque(str(p) for p in progress["rest"])
            sent, first = int(progress.get("sent", 1)), progress.get("first")
        else:
            queue, sent, first = deque(split_html(composed.text, MAX_MESSAGE)), 0, None
        while queue:
            part = queue[0]
            try:
                message_id = await self._send_part(
                    channel,
                    chat,
                    part,
                    reply_to=composed.reply_to if sent == 0 else None,
                    buttons=composed.buttons if len(queue) == 1 else None,
                )
            except MessageRejected as exc:
                smaller = self._resplit(part) if "too long" in str(exc).lower() else []
                if len(smaller) > 1:
                    log.warning("chat %d: Telegram found a part too long; sending it in %d", chat.id, len(smaller))
                    queue.popleft()
                    queue.extendleft(reversed(smaller))
                    continue
                raise
            except NotifyError:
                if sent:
                    progress = {"sent": sent, "first": first, "rest": list(queue)}
                    payload = {**(delivery.payload or {}), "progress": progress}
                    await self._store.outbox.save_payload(delivery.id, payload)
                raise
            queue.popleft()
            first = message_id if sent == 0 else first
            sent += 1
        return None if first is None else int(first)

    @staticmethod
    def _resplit(part: str) -> list[str]:
        """A part Telegram refused as too long, cut to ¾ of its length (one piece when it cannot be cut shorter)."""
        length = utf16_len(part)
        if length <= MIN_RESPLIT:
            return [part]
        try:
            return split_html(part, max(MIN_RESPLIT, length * 3 // 4))
        except ValueError:  # markup alone longer than the limit
            return [part]

    async def _send_part(
        self, channel: Channel, chat: ChatRecord, part: str, *, reply_to: int | None, buttons: Buttons | None
    ) -> int | None:
        """One message, within the chat's rate limits."""
        await self._limiter.acquire(chat.id, is_group=chat.is_group)
        try:
            return await channel.send(chat.id, part, reply_to=reply_to, buttons=buttons)
        finally:
            self._limiter.sent(chat.id, is_group=chat.is_group)

    async def _compose(self, delivery: Delivery, chat: ChatRecord) -> Composed:
        """Render a row for its chat: alerts and follow-ups from the stored notice, the rest from payload."""
        now = self._clock()
        tz = ZoneInfo(chat.timezone)
        payload = delivery.payload or {}
        if "text" in payload:
            return Composed(str(payload["text"]), reply_to=delivery.reply_to_message_id)
        if delivery.notice_id is None:
            raise Superseded(f"delivery {delivery.id} has neither a notice nor a text")
        stored = await self._notice(delivery.notice_id)
        if stored is None:
            raise Superseded(f"notice {delivery.notice_id} is gone")
        if delivery.kind == "alert":
            text = render_alert(stored.notice, why=delivery.why, now=now, tz=tz, language=chat.language)
            buttons = None if chat.kind == "console" else alert_buttons(stored.id, chat.language)
            return Composed(text, buttons, None, shown_of(stored.notice))
        if await self._store.outbox.unsent_alert_for_project(chat.id, stored.project_id):
            raise Defer("the alert this replies to is not sent yet", now + FOLLOW_UP_WAIT)
        reply_to = await self._store.outbox.alert_message_for_project(chat.id, stored.project_id)
        if delivery.kind == "reminder":
            return await self._reminder(delivery, stored, chat, reply_to)
        previous = await self._previous(chat.id, stored)
        text = render_update(stored.notice, previous, now=now, tz=tz, language=chat.language)
        return Composed(text, None, reply_to, shown_of(stored.notice))

    async def _notice(self, notice_id: int) -> StoredNotice | None:
        """A stored notice, read once per batch."""
        if notice_id not in self._notices:
            self._notices[notice_id] = await self._store.notices.get(notice_id)
        return self._notices[notice_id]

    async def _reminder(
        self, delivery: Delivery, stored: StoredNotice, chat: ChatRecord, reply_to: int | None
    ) -> Composed:
        """A reminder, unless the tender was terminated or its deadline moved since it was queued."""
        announcements = await self._store.notices.project_notices(stored.project_id)
        if any(s.notice.notice_type in CANCELLING_TYPES for s in announcements):
            raise Superseded("tender terminated; reminder cancelled")
        queued_for = datetime.fromisoformat(str((delivery.payload or {}).get("deadline")))
        latest = current_deadline(announcements)
        if latest is None or latest.notice.tender_deadline != queued_for:
            raise Superseded("deadline changed; reminder superseded")
        if queued_for <= self._clock():
            raise Superseded("deadline passed; reminder too late")
        text = render_reminder(
            stored.notice, queued_for, now=self._clock(), tz=ZoneInfo(chat.timezone), language=chat.language
        )
        return Composed(text, None, reply_to, None)

    async def _previous(self, chat_id: int, stored: StoredNotice) -> Notice | None:
        """What the chat was last told about the project (to say what changed), else the earlier announcement."""
        shown = await self._store.outbox.last_shown(chat_id, stored.project_id)
        if shown is not None:
            return notice_from_shown(shown)
        earlier = [n for n in await self._store.notices.project_notices(stored.project_id) if n.id != stored.id]
        return earlier[-1].notice if earlier else None

    # ---- failures -------------------------------------------------------------------------------

    async def _failed(self, delivery: Delivery, chat: ChatRecord, exc: NotifyError) -> Hold | None:
        """Decide what a failed send means: wait, move, retry, or give up — and log it once."""
        now = self._clock()
        if isinstance(exc, RetryLater) and exc.retry_after is not None:
            self._limiter.pause(exc.retry_after)
            until = now + _secs(exc.retry_after)
            await self._store.outbox.mark_retry(delivery.id, str(exc), until, count_attempt=False)
            log.info("chat %d: flood control, retrying in %.0fs", chat.id, exc.retry_after)
            return Hold(until, "flood control")
        if isinstance(exc, ChatMoved):
            await self._store.chats.migrate(chat.id, exc.new_chat_id, now)
            await self._store.outbox.mark_retry(delivery.id, str(exc), now, count_attempt=False)
            log.info("chat %d became %d; its messages follow it", chat.id, exc.new_chat_id)
            return Hold(now, "chat moved")
        if isinstance(exc, ChatGone):
            if await self._store.chats.record_send_failure(chat.id, self._deactivate_after):
                dropped = await self._store.outbox.cancel_pending(chat.id)
                await self._store.outbox.mark_dead(delivery.id, str(exc))
                log.warning(
                    "chat %d refused delivery %d times (%s); deactivated, %d queued dropped",
                    chat.id,
                    self._deactivate_after,
                    exc,
                    dropped,
                )
                return Hold(None, "chat inactive")
            until = now + backoff(delivery.attempts)
            await self._store.outbox.mark_retry(delivery.id, str(exc), until)
            return Hold(until, "chat refused an earlier message")
        if isinstance(exc, MessageRejected):
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            log.error("chat %d: message %d rejected for good: %s", chat.id, delivery.id, exc)
            return None
        if delivery.attempts >= self._max_attempts:
            await self._store.outbox.mark_dead(delivery.id, str(exc))
            log.error(
                "chat %d: giving up on message %d after %d attempts: %s", chat.id, delivery.id, delivery.attempts, exc
            )
            return None
        until = now + backoff(delivery.attempts)
        await self._store.outbox.mark_retry(delivery.id, str(exc), until)
        log.warning("chat %d: send failed (%s); retrying", chat.id, exc)
        return Hold(until, "an earlier message failed")


def _secs(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
