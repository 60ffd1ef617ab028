"""What runs when: APScheduler job definitions only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from tenderbot.notify.sender import Sender
from tenderbot.pipeline import Pipeline
from tenderbot.sources.base import Source

log = logging.getLogger(__name__)


def schedule_jobs(
    scheduler: AsyncIOScheduler,
    sources: Sequence[Source],
    pipeline: Pipeline,
    sender: Sender,
    *,
    clock: Callable[[], datetime],
) -> None:
    """One interval job per source (jitter, never two runs of one source at once), first run soon."""
    now = clock()
    for number, source in enumerate(sources):
        config = source.config
        scheduler.add_job(
            _poll_and_wake,
            "interval",
            args=(pipeline, sender, source),
            seconds=config.interval_seconds,
            jitter=config.jitter_seconds,
            id=f"poll:{source.name}",
            name=f"poll {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(60, config.interval_seconds // 2),
            # Stagger the first polls so a start does not hit every portal in the same second.
            next_run_time=now + timedelta(seconds=1 + 3 * number),
        )


async def _poll_and_wake(pipeline: Pipeline, sender: Sender, source: Source) -> None:
    """Poll one source, then wake the sender for whatever was queued; never let an error kill the job."""
    try:
        summary = await pipeline.poll(source)
    except Exception:
        log.exception("%s: poll crashed; the next run will try again", source.name)
        return
    if summary.queued:
        sender.wakeup.set()
