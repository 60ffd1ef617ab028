"""Several processes, one database: a source is polled by one process at a time, and not twice in a row.

Every ``tenderbot run`` schedules every source; without this, two processes would poll each portal twice as
often as configured. A poll takes the source's lock (see store/locks.py), and a scheduled poll (after this
process's first) also skips a source that another process finished polling less than half an interval ago.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from tenderbot.pipeline import Pipeline, PollSummary
from tenderbot.sources.base import Source
from tenderbot.store.locks import ProcessLocks
from tenderbot.store.sources import SourceStateRepo

log = logging.getLogger(__name__)

# A scheduled poll is skipped when the source was polled more recently than this share of its interval.
RECENT_SHARE = 0.5


class PollGate:
    """Runs a pipeline poll only when this process may poll the source now."""

    def __init__(self, locks: ProcessLocks, states: SourceStateRepo, *, clock: Callable[[], datetime]) -> None:
        self._locks = locks
        self._states = states
        self._clock = clock
        # Sources this process has polled: its first scheduled poll after a start always runs (a restart
        # should look at once, whoever polled last).
        self._polled: set[str] = set()

    async def poll(
        self, pipeline: Pipeline, source: Source, *, scheduled: bool = True, force: bool = False
    ) -> PollSummary | None:
        """Poll ``source``; None when another process is polling it or (scheduled) just did.

        ``force`` (``poll --once --force``) ignores the source's backoff, not another process's lock.
        """
        async with self._locks.holding(f"poll:{source.name}") as mine:
            if not mine:
                log.info("%s: another process is polling it now; skipped", source.name)
                return None
            # Read under the lock, so a poll another process finished just before we took it is seen.
            if scheduled and source.name in self._polled and await self._polled_recently(source):
                return None
            self._polled.add(source.name)
            return await pipeline.poll(source, force=force)

    async def _polled_recently(self, source: Source) -> bool:
        """Whether any process finished polling ``source`` less than ``RECENT_SHARE`` of its interval ago."""
        last = await self._states.last_poll(source.name)
        recent = timedelta(seconds=source.config.interval_seconds * RECENT_SHARE)
        if last is None or self._clock() - last >= recent:
            return False
        log.debug("%s: polled %s ago by another process; skipped", source.name, self._clock() - last)
        return True
