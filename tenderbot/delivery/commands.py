"""``tenderbot digest --chat ID (--now | --dry-run)``: one chat's digest sent at once, or printed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TextIO

from tenderbot.delivery.digests import DigestService
from tenderbot.notify.channels import html_to_console
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex


async def digest_command(
    store: Store,
    index: SubscriptionIndex,
    chat_id: int,
    *,
    now: datetime,
    dry_run: bool,
    drain: Callable[[], Awaitable[int]],
    out: TextIO,
) -> int:
    """Build the last 24 hours' digest for a chat (even an empty one); print it, or queue and send it."""
    service = DigestService(store, index, clock=lambda: now)
    if await store.chats.get(chat_id) is None:
        out.write(f"tenderbot: no chat {chat_id}\n")
        return 2
    since = now - timedelta(days=1)
    if dry_run:
        parts = await service.build(chat_id, since=since, now=now, force=True)
        for part in parts:
            out.write("─" * 60 + "\n" + html_to_console(part) + "\n")
        return 0
    queued = await service.queue(chat_id, since=since, now=now, key=f"manual{now:%Y%m%dT%H%M%S}", force=True)
    await drain()
    counts = await store.outbox.counts(chat_id)
    out.write(f"digest for chat {chat_id}: {queued} message(s) queued; outbox now {counts}\n")
    return 0
