"""The repositories bundled for injection."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.store.chats import ChatRepo
from tenderbot.store.digests import DigestRepo
from tenderbot.store.notices import NoticeRepo
from tenderbot.store.outbox import OutboxRepo
from tenderbot.store.pending import PendingRepo
from tenderbot.store.sources import SourceStateRepo


@dataclass(frozen=True, slots=True)
class Store:
    """Every repository over one engine."""

    engine: AsyncEngine
    notices: NoticeRepo
    chats: ChatRepo
    outbox: OutboxRepo
    sources: SourceStateRepo
    pending: PendingRepo
    digests: DigestRepo

    @classmethod
    def over(cls, engine: AsyncEngine) -> Store:
        """Build the repositories over an engine."""
        return cls(
            engine,
            NoticeRepo(engine),
            ChatRepo(engine),
            OutboxRepo(engine),
            SourceStateRepo(engine),
            PendingRepo(engine),
            DigestRepo(engine),
        )
