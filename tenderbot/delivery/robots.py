"""Team robots beside Telegram: fan an alert out to the robots its subscriptions are bound to, then post it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tenderbot.errors import ChatGone, NotifyError, RetryLater
from tenderbot.notify.hookguard import HookRefused
from tenderbot.notify.markdown import telegram_html_to_markdown
from tenderbot.notify.ratelimit import RobotWindow, backoff
from tenderbot.notify.render import render_alert
from tenderbot.notify.webhooks import WebhookSender, WebhookTarget
from tenderbot.store.chats import ChatRecord
from tenderbot.store.outbox import Delivery, OutboxItem
from tenderbot.store.repos import Store

log = logging.getLogger(__name__)


class RobotDelivery:
    """Outbox rows of kind "webhook": one per (subscription, notice), sent in the robot's Markdown."""

    def __init__(
        self,
        store: Store,
        webhooks: WebhookSender | None,
        window: RobotWindow,
        *,
        clock: Callable[[], datetime],
        max_attempts: int,
        wakeup: asyncio.Event,
    ) -> None:
        self._store = store
        self._repo = store.digests
        self._webhooks = webhooks
        self._window = window
        self._clock = clock
        self._max_attempts = max_attempts
        self._wakeup = wakeup

    async def fan_out(self, alert: Delivery) -> int:
        """Queue an alert for the robots its subscriptions are bound to (idempotent); returns rows added."""
        if self._webhooks is None or alert.notice_id is None:
            return 0
        bound = await self._repo.webhook_subscriptions(list(alert.subscription_ids))
        items = [
            OutboxItem(
                chat_id=alert.chat_id,
                kind="webhook",
                dedupe_key=f"webhook:{sub_id}:{alert.notice_id}",
                notice_id=alert.notice_id,
                subscription_ids=(sub_id,),
                why=alert.why,
            )
            for sub_id in bound
        ]
        added = await self._store.outbox.enqueue(items, self._clock())
        if added:
            self._wakeup.set()
        return added

    async def deliver(self, delivery: Delivery, chat: ChatRecord) -> None:
        """Post one row to its robot; errcode and the robot's minute decide what happens next."""
        now = self._clock()
        if self._webhooks is None:
            until = now + timedelta(minutes=10)
            await self._store.outbox.mark_retry(delivery.id, "no webhook sender", until, count_attempt=False)
            return
        bound = await self._repo.webhook(delivery.subscription_ids[0]) if delivery.subscription_ids else None
        stored = await self._store.notices.get(delivery.notice_id) if delivery.notice_id is not None else None
        if bound is None or stored is None:
            await self._store.outbox.mark_dead(delivery.id, "robot unbound or notice gone")
            return
        target, _name = bound
        html_text = render_alert(
            stored.notice, why=delivery.why, now=now, tz=ZoneInfo(chat.timezone), language=chat.language
        )
        title = stored.notice.title or "招标公告"
        # The robot shows the title as the message heading: the body starts after the alert's title line.
        markdown = telegram_html_to_markdown(html_text.split("\n", 1)[1] if "\n" in html_text else html_text)
        throttled = self._webhooks.throttled_for(target)
        if throttled > 0:
            # The robot told us to wait (DingTalk throttles for 10 minutes): waiting is no failed attempt.
            until = now + timedelta(seconds=throttled)
            await self._store.outbox.mark_retry(
                delivery.id, f"{target.kind} robot throttled", until, count_attempt=False
            )
            return
        wait = self._window.reserve(target.url, len(self._webhooks.payloads(target, title, markdown)))
        if wait > 0:
            until = now + timedelta(seconds=wait)
            await self._store.outbox.mark_retry(delivery.id, f"{target.kind} robot busy", until, count_attempt=False)
            return
        try:
            await self._webhooks.send(target, title, markdown)
        except NotifyError as exc:
            await self._failed(delivery, target, exc)
            return
        await self._store.outbox.mark_sent(delivery.id, self._clock(), None)

    async def _failed(self, delivery: Delivery, target: WebhookTarget, exc: NotifyError) -> None:
        """Robot gone or destination refused: stop; anything else: wait or back off, then give up.

        Every failed POST counts as an attempt, RetryLater included: a robot that keeps answering
        "too fast" or 5xx is given up after ``max_attempts`` (issue #16: attempts 15 of 8, still
        pending). The reason stays in ``last_error`` for /status and the operator.
        """
        now = self._clock()
        final = isinstance(exc, ChatGone | HookRefused)
        if final or delivery.attempts >= self._max_attempts:
            reason = str(exc) if final else f"gave up after {delivery.attempts} attempts: {exc}"
            await self._store.outbox.mark_dead(delivery.id, reason)
            log.error("%s robot: giving up on delivery %d: %s", target.kind, delivery.id, reason)
        elif isinstance(exc, RetryLater):
            until = now + (timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(delivery.attempts))
            await self._store.outbox.mark_retry(delivery.id, str(exc), until)
            log.info("%s robot: %s; retrying at %s", target.kind, exc, until)
        else:
            await self._store.outbox.mark_retry(delivery.id, str(exc), now + backoff(delivery.attempts))
            log.warning("%s robot refused delivery %d: %s; retrying", target.kind, delivery.id, exc)
