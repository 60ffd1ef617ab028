"""What runs when: APScheduler job definitions only."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, ParamSpec

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from tenderbot.delivery.digests import DigestService
from tenderbot.delivery.reminders import DEFAULT_OFFSETS, ReminderService
from tenderbot.notify.sender import Sender
from tenderbot.pipeline import Pipeline
from tenderbot.poll_gate import PollGate
from tenderbot.sources.base import Source
from tenderbot.subscriptions import SubscriptionIndex

log = logging.getLogger(__name__)
# APScheduler's executor logs as "apscheduler.executors.<alias>".
SCHEDULER_EXECUTOR_LOGGER = "apscheduler.executors.default"

DIGEST_TICK_SECONDS = 60
REMINDER_TICK_SECONDS = 600
HOUSEKEEPING_HOURS = 24
RETENTION = timedelta(days=90)
PENDING_RETENTION = timedelta(days=7)
BODY_RETENTION = timedelta(days=365)
P = ParamSpec("P")


class RunningJobs:
    """The jobs running now, so that a shutdown waits for their cancellation to finish before closing the database.

    ``AsyncIOScheduler.shutdown(wait=False)`` only cancels the job tasks; without this, the composition root would
    dispose of the engine while a cancelled poll is still rolling its transaction back.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def track(self, job: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
        """``job``, remembering the task that runs it while it runs."""

        @functools.wraps(job)
        async def tracked(*args: P.args, **kwargs: P.kwargs) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await job(*args, **kwargs)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return tracked

    async def wait(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the running (just cancelled) jobs to finish."""
        pending = {task for task in self._tasks if not task.done()}
        if pending:
            _, late = await asyncio.wait(pending, timeout=timeout)
            if late:
                log.warning("%d job(s) still running %.0f s after shutdown; closing anyway", len(late), timeout)


def schedule_jobs(
    scheduler: AsyncIOScheduler,
    sources: Sequence[Source],
    pipeline: Pipeline,
    sender: Sender,
    *,
    clock: Callable[[], datetime],
    index: SubscriptionIndex,
    reminder_offsets: Sequence[timedelta] = DEFAULT_OFFSETS,
    body_retention: timedelta = BODY_RETENTION,
    web_url: str = "",
    running: RunningJobs | None = None,
    gate: PollGate | None = None,
) -> None:
    """Polls per source, plus the delivery ticks: digests every minute, reminders, daily housekeeping."""
    now = clock()
    running = running or RunningJobs()
    for number, source in enumerate(sources):
        config = source.config
        scheduler.add_job(
            running.track(_poll_and_wake),
            "interval",
            args=(pipeline, sender, source, gate),
            seconds=config.interval_seconds,
            jitter=config.jitter,
            id=f"poll:{source.name}",
            name=f"poll {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(60, config.interval_seconds // 2),
            # Stagger the first polls so a start does not hit every portal in the same second.
            next_run_time=now + timedelta(seconds=1 + 3 * number),
        )
    schedule_delivery_jobs(
        scheduler,
        sender,
        index,
        clock=clock,
        reminder_offsets=reminder_offsets,
        body_retention=body_retention,
        web_url=web_url,
        running=running,
    )


def schedule_delivery_jobs(
    scheduler: AsyncIOScheduler,
    sender: Sender,
    index: SubscriptionIndex,
    *,
    clock: Callable[[], datetime],
    reminder_offsets: Sequence[timedelta] = DEFAULT_OFFSETS,
    body_retention: timedelta = BODY_RETENTION,
    web_url: str = "",
    running: RunningJobs | None = None,
) -> tuple[DigestService, ReminderService]:
    """The digest tick (each chat's time in its own zone), the reminder tick and housekeeping."""
    quiet_cancelled_jobs()
    running = running or RunningJobs()
    now = clock()
    digests = DigestService(sender.store, index, clock=clock, web_url=web_url)
    reminders = ReminderService(sender.store, clock=clock, offsets=reminder_offsets)
    # The digest tick must not be skipped by a busy loop: due digests stay due in the database anyway.
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
    scheduler.add_job(
        running.track(_tick_and_wake),
        "interval",
        args=("digest", digests.tick, sender),
        seconds=DIGEST_TICK_SECONDS,
        id="delivery:digest",
        name="digest tick",
        next_run_time=now + timedelta(seconds=5),
        **common,
    )
    scheduler.add_job(
        running.track(_tick_and_wake),
        "interval",
        args=("reminder", reminders.tick, sender),
        seconds=REMINDER_TICK_SECONDS,
        id="delivery:reminders",
        name="reminder tick",
        next_run_time=now + timedelta(seconds=20),
        **common,
    )
    scheduler.add_job(
        running.track(_housekeeping),
        "interval",
        args=(sender, clock, body_retention),
        hours=HOUSEKEEPING_HOURS,
        id="delivery:housekeeping",
        name="housekeeping",
        next_run_time=now + timedelta(minutes=10),
        **common,
    )
    return digests, reminders


class DropCancelledJobs(logging.Filter):
    """Drop APScheduler's 'Job … raised an exception' for a job cancelled at shutdown.

    APScheduler 3.x awaits a coroutine job inside ``except BaseException`` (executors/base.py
    ``run_coroutine_job``), so a job that rightly re-raises CancelledError when ``shutdown()`` cancels it
    would be logged as an error with a traceback; the job has already said in one line that it stopped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record whose exception is a cancellation."""
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def quiet_cancelled_jobs() -> None:
    """Install :class:`DropCancelledJobs` on the scheduler's executor logger, once."""
    logger = logging.getLogger(SCHEDULER_EXECUTOR_LOGGER)
    if not any(isinstance(f, DropCancelledJobs) for f in logger.filters):
        logger.addFilter(DropCancelledJobs())


async def _tick_and_wake(what: str, tick: Callable[[], Awaitable[int]], sender: Sender) -> None:
    """Run one delivery tick and wake the sender for what it queued; an error waits for the next tick."""
    try:
        queued = await tick()
    except asyncio.CancelledError:
        log.info("%s tick stopped by shutdown; it runs again after the next start", what)
        raise  # a swallowed cancellation would break asyncio.timeout() and hide the shutdown from the caller
    except Exception:
        log.exception("%s tick crashed; the next tick will try again", what)
        return
    if queued:
        log.info("%s tick: %d queued", what, queued)
        sender.wakeup.set()


async def _housekeeping(
    sender: Sender, clock: Callable[[], datetime], body_retention: timedelta = BODY_RETENTION
) -> None:
    """Retention: sent and dead deliveries after 90 days, confirmations nobody finished after a week,
    notice body texts after ``body_retention`` (their structured fields are kept for ever)."""
    now = clock()
    try:
        removed = await sender.store.outbox.purge_settled(now - RETENTION)
        abandoned = await sender.store.pending.purge(now - PENDING_RETENTION)
        emptied = await sender.store.notices.drop_bodies(now - body_retention)
    except asyncio.CancelledError:
        log.info("housekeeping stopped by shutdown; the next run does it")
        raise
    except Exception:
        log.exception("housekeeping crashed; tomorrow's run will try again")
        return
    log.info(
        "housekeeping: %d old deliveries and %d abandoned confirmations removed, %d notice texts past retention",
        removed,
        abandoned,
        emptied,
    )


async def _poll_and_wake(pipeline: Pipeline, sender: Sender, source: Source, gate: PollGate | None = None) -> None:
    """Poll one source, then wake the sender for whatever was queued; never let an error kill the job."""
    try:
        summary = await (gate.poll(pipeline, source) if gate is not None else pipeline.poll(source))
    except asyncio.CancelledError:
        # Shutdown mid-poll: the transaction rolled back and the cursor was not advanced, so nothing is lost.
        log.info("%s: poll stopped by shutdown", source.name)
        raise
    except Exception:
        log.exception("%s: poll crashed; the next run will try again", source.name)
        return
    if summary is not None and summary.queued:
        sender.wakeup.set()
