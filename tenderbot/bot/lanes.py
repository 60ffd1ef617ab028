"""Updates of one chat are handled in order, different chats at the same time (issue 16).

Before, updates ran one at a time: the 20-a-minute group limit (AIORateLimiter) slept inside the
handler of a busy group, and after 45 ``/help`` in a group a private ``/help`` waited 120 s. Now every
chat has a lane: its updates run in arrival order (the guided /sub, an edit and an import confirmation
read what the previous update wrote), so a group that must wait for its flood limit only delays
itself. PTB's ``BaseUpdateProcessor`` holds its semaphore while ``do_process_update`` runs, so this
processor only files the update into its lane there and returns; lane workers run the handlers,
at most ``max_running`` at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Handlers mostly wait on Telegram or the database; this bounds memory and connections, not CPU.
MAX_RUNNING = 64
# At shutdown, queued handlers get this long to finish before the rest are dropped (and logged).
DRAIN_SECONDS = 5.0


def lane_of(update: object) -> Hashable:
    """The lane an update belongs to: its chat, else its user, else a lane of its own (no order needed)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("update", id(update))


class ChatLanes(BaseUpdateProcessor):
    """An update processor: per-chat order, concurrency across chats."""

    def __init__(self, max_running: int = MAX_RUNNING) -> None:
        super().__init__(max_concurrent_updates=max_running)
        self._running = asyncio.Semaphore(max_running)
        self._lanes: dict[Hashable, deque[Awaitable[Any]]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """File the update's handling into its chat's lane; start the lane's worker when it was idle."""
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(coroutine)
            return
        self._lanes[key] = deque([coroutine])
        worker = asyncio.create_task(self._drain(key), name=f"tenderbot:lane:{key}")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def _drain(self, key: Hashable) -> None:
        """Run a lane's updates one after another until it is empty."""
        lane = self._lanes[key]
        try:
            while lane:
                coroutine = lane[0]
                try:
                    async with self._running:
                        await coroutine
                except Exception:  # Application.process_update reports handler errors itself; this is a bug
                    log.exception("bot: an update in lane %s failed outside its handlers", key)
                finally:
                    lane.popleft()
        finally:
            del self._lanes[key]
            for pending in lane:  # cancelled at shutdown: do not leave never-awaited coroutines behind
                if isinstance(pending, asyncio.Future):
                    pending.cancel()
                else:
                    with contextlib.suppress(AttributeError):
                        pending.close()  # type: ignore[attr-defined]

    @property
    def waiting(self) -> int:
        """Updates filed but not yet finished, over all lanes."""
        return sum(len(lane) for lane in self._lanes.values())

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Let queued updates finish for a moment, then drop what is left (said in the log)."""
        if not self._workers:
            return
        _done, pending = await asyncio.wait(set(self._workers), timeout=DRAIN_SECONDS)
        if pending:
            log.warning("bot: stopping with %d updates still queued; they are not answered", self.waiting)
            for worker in pending:
                worker.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
