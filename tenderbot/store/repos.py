"""The repositories bundled for injection."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from tenderbot.models import DEFAULT_TIMEZONE
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
    def over(cls, engine: AsyncEngine, *, default_timezone: str = DEFAULT_TIMEZONE) -> Store:
        """Build the repositories over an engine; new chats start in ``default_timezone`` (TENDERBOT_TIMEZONE)."""
        return cls(
            engine,
            NoticeRepo(engine),
            ChatRepo(engine, default_timezone=default_timezone),
            OutboxRepo(engine),
            SourceStateRepo(engine),
            PendingRepo(engine),
            DigestRepo(engine, default_timezone=default_timezone),
        )
