"""Locks between processes on one database, and the poll gate built on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.models import SourceState
from tenderbot.pipeline import PollSummary
from tenderbot.poll_gate import PollGate
from tenderbot.store.db import make_engine
from tenderbot.store.locks import ProcessLocks
from tenderbot.store.repos import Store

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


async def test_a_lock_held_by_one_process_is_refused_to_another(engine: AsyncEngine) -> None:
    other_engine = make_engine(str(engine.url.render_as_string(hide_password=False)))
    mine, theirs = ProcessLocks(engine), ProcessLocks(other_engine)
    try:
        assert await mine.acquire("telegram-updates")
        assert await mine.acquire("telegram-updates")  # re-entrant for its holder
        assert not await theirs.acquire("telegram-updates")
        assert await theirs.acquire("poll:ccgp")  # other names are independent
        await mine.release("telegram-updates")
        assert await theirs.acquire("telegram-updates")
        async with mine.holding("poll:ccgp") as held:
            assert not held
    finally:
        await mine.close()
        await theirs.close()
        await other_engine.dispose()


class _Source:
    """Just what the gate reads of a source."""

    def __init__(self, name: str, interval: int) -> None:
        self.name = name
        self.config = type("Config", (), {"interval_seconds": interval})()


class _Pipeline:
    """Counts polls."""

    def __init__(self) -> None:
        self.polls: list[str] = []

    async def poll(self, source: _Source, *, force: bool = False) -> PollSummary:
        self.polls.append(source.name)
        return PollSummary(source.name, True, 0, 0, 0, 0)


async def test_the_gate_skips_a_source_polled_by_another_process(store: Store, engine: AsyncEngine) -> None:
    clock = [NOW]
    gate = PollGate(ProcessLocks(engine), store.sources, clock=lambda: clock[0])
    pipeline, source = _Pipeline(), _Source("feed", 600)
    await store.sources.save(SourceState(name="feed"), NOW - timedelta(seconds=5))  # another process polled
    assert await gate.poll(pipeline, source) is not None  # type: ignore[arg-type]  # this process's first
    await store.sources.save(SourceState(name="feed"), NOW)  # what a poll records
    clock[0] = NOW + timedelta(minutes=4)
    assert await gate.poll(pipeline, source) is None  # type: ignore[arg-type]  # polled 4 of 10 minutes ago
    assert await gate.poll(pipeline, source, scheduled=False) is not None  # type: ignore[arg-type]  # poll --once
    clock[0] = NOW + timedelta(minutes=6)
    assert await gate.poll(pipeline, source) is not None  # type: ignore[arg-type]
    other_engine = make_engine(str(engine.url.render_as_string(hide_password=False)))
    other = ProcessLocks(other_engine)
    assert await other.acquire("poll:feed")  # another process is polling it right now
    clock[0] = NOW + timedelta(hours=1)
    assert await gate.poll(pipeline, source, scheduled=False) is None  # type: ignore[arg-type]
    await other.close()
    await other_engine.dispose()
    assert pipeline.polls == ["feed", "feed", "feed"]
