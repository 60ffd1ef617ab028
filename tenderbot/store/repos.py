"""The repositories bundled for injection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.models import DEFAULT_TIMEZONE
from tenderbot.store.chats import ChatRepo
from tenderbot.store.digests import DigestRepo
from tenderbot.store.notices import NoticeRepo
from tenderbot.store.outbox import OutboxRepo
from tenderbot.store.pending import PendingRepo
from tenderbot.store.sources import SourceStateRepo
from tenderbot.store.unit import Database, unit_of_work


@dataclass(frozen=True, slots=True)
class Store:
    """Every repository over one engine (or over one transaction: see ``unit``)."""

    engine: AsyncEngine
    notices: NoticeRepo
    chats: ChatRepo
    outbox: OutboxRepo
    sources: SourceStateRepo
    pending: PendingRepo
    digests: DigestRepo
    default_timezone: str = DEFAULT_TIMEZONE  # TENDERBOT_TIMEZONE, for chats created through these repositories

    @classmethod
    def over(
        cls, engine: AsyncEngine, db: Database | None = None, *, default_timezone: str = DEFAULT_TIMEZONE
    ) -> Store:
        """Build the repositories over an engine (or over ``db``, a unit of work on that engine).

        New chats start in ``default_timezone`` (TENDERBOT_TIMEZONE).
        """
        handle: Database = engine if db is None else db
        return cls(
            engine,
            NoticeRepo(handle),
            ChatRepo(handle, default_timezone=default_timezone),
            OutboxRepo(handle),
            SourceStateRepo(handle),
            PendingRepo(handle),
            DigestRepo(handle, default_timezone=default_timezone),
            default_timezone,
        )

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Store]:
        """The repositories inside one transaction: everything done through them commits together, or not at all."""
        async with unit_of_work(self.engine) as shared:
            yield Store.over(self.engine, shared, default_timezone=self.default_timezone)
