"""Notices and projects: store once per announcement, whatever the portal; report what changed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from tenderbot.identity import ProjectIdentity, announcement_key, project_identity
from tenderbot.models import Change, ChangeKind, Notice
from tenderbot.store.codec import decode_notice, encode_notice, join_body
from tenderbot.store.notice_batch import store_batch
from tenderbot.store.notice_values import row_values, same_buyer, storable
from tenderbot.store.tables import id_chunks, new_id, notice_sources, notices, projects, quarantine
from tenderbot.store.unit import Database, start_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RawNotice:
    """A stored notice not yet decoded (decoding is CPU work a caller may want off the event loop)."""

    id: int
    project_id: int
    data: Any
    body: bytes | None
    first_seen_at: datetime

    def decode(self) -> StoredNotice:
        """The decoded notice with its ids."""
        notice = decode_notice(join_body(self.data, self.body))
        return StoredNotice(self.id, self.project_id, notice, self.first_seen_at)


@dataclass(frozen=True, slots=True)
class StoredNotice:
    """A notice with its database ids."""

    id: int
    project_id: int
    notice: Notice
    first_seen_at: datetime


# What a notice row is read as: ids, the structured fields and the compressed body.
_ROW = (notices.c.id, notices.c.project_id, notices.c.data, notices.c.body, notices.c.first_seen_at)


def _raw(row: Any) -> RawNotice:
    return RawNotice(row.id, row.project_id, row.data, row.body, row.first_seen_at)


@dataclass(frozen=True, slots=True)
class QuarantinedNotice:
    """A notice a poll could not store, kept for the operator with the reason."""

    source: str
    source_id: str
    url: str | None
    error: str
    data: dict[str, Any] | None
    created_at: datetime


class NoticeRepo:
    """Stores notices, deduplicating across sources, and reads them back."""

    def __init__(self, engine: Database) -> None:
        self._engine = engine

    async def upsert(self, batch: Iterable[Notice], now: datetime) -> list[Change]:
        """Store a batch in one transaction; return the new and changed notices.

        The batch is first stored in a few multi-row statements (``notice_batch``); when that fails, notice
        by notice, each under its own savepoint: one that fails (a value the database refuses, a bug) is
        logged, quarantined and skipped, and the others are stored all the same.
        """
        notices_in = list(batch)
        async with self._engine.begin() as conn:
            await start_transaction(conn)
            try:
                async with conn.begin_nested():
                    changes = await store_batch(conn, notices_in, now)
            except Exception:
                # Some notice in the batch cannot be stored: the attempt left nothing; find it one by one.
                log.warning("%d notices could not be stored together; storing them one by one", len(notices_in))
                changes = None
            if changes is not None:
                return changes
            return await self._upsert_each(conn, notices_in, now)

    async def _upsert_each(self, conn: AsyncConnection, batch: Sequence[Notice], now: datetime) -> list[Change]:
        """Store notice by notice, each under a savepoint; a failing one is quarantined and skipped."""
        changes: list[Change] = []
        for notice in batch:
            try:
                async with conn.begin_nested():
                    change = await self._upsert_one(conn, storable(notice), now)
            except Exception as exc:
                await self._quarantine(conn, notice, exc, now)
                continue
            if change is not None:
                changes.append(change)
        return changes

    async def _quarantine(self, conn: AsyncConnection, notice: Notice, exc: Exception, now: datetime) -> None:
        """Keep a notice that could not be stored where an operator sees it; never fail the batch for it."""
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.error("notice %s/%s could not be stored; quarantined: %s", notice.source, notice.source_id, error,
                  exc_info=exc)
        try:
            data: dict[str, Any] | None = encode_notice(notice)
        except Exception:  # the notice may be broken in a way its encoding trips on too
            data = None
        try:
            async with conn.begin_nested():
                where = (quarantine.c.source == notice.source) & (quarantine.c.source_id == notice.source_id)
                await conn.execute(quarantine.delete().where(where))
                await conn.execute(
                    quarantine.insert().values(
                        source=notice.source[:100], source_id=notice.source_id, url=notice.url, error=error,
                        data=data, created_at=now,
                    )
                )
        except Exception:
            log.exception("notice %s/%s: could not record it in quarantine either", notice.source, notice.source_id)

    async def quarantined(self, limit: int = 100) -> list[QuarantinedNotice]:
        """Notices that could not be stored, newest first (for the operator)."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(quarantine).order_by(quarantine.c.created_at.desc(), quarantine.c.id.desc()).limit(limit)
                )
            ).all()
        return [QuarantinedNotice(r.source, r.source_id, r.url, r.error, r.data, r.created_at) for r in rows]

    async def _upsert_one(self, conn: AsyncConnection, notice: Notice, now: datetime) -> Change | None:
        """Store one notice; None when it was already known unchanged (or is a cross-portal copy)."""
        known = (
            await conn.execute(
                select(notice_sources.c.notice_id).where(
                    notice_sources.c.source == notice.source, notice_sources.c.source_id == notice.source_id
                )
            )
        ).scalar_one_or_none()
        if known is not None:
            return await self._update_if_changed(conn, known, notice, now)
        project_id = await self._project_for(conn, project_identity(notice), now)
        key = announcement_key(project_id, notice)
        existing = (await conn.execute(select(notices.c.id).where(notices.c.dedupe_key == key))).scalar_one_or_none()
        if existing is not None:
            # The same announcement from another portal: remember where else it lives, alert nobody.
            await self._add_source(conn, existing, notice, now)
            log.debug("notice %s/%s is a copy of notice %d", notice.source, notice.source_id, existing)
            return None
        values = row_values(notice, now)
        inserted = await conn.execute(
            notices.insert().values(project_id=project_id, dedupe_key=key, first_seen_at=now, **values)
        )
        notice_id = new_id(inserted)
        await self._add_source(conn, notice_id, notice, now)
        return Change(ChangeKind.NEW, notice_id, notice, None, project_id)

    async def _update_if_changed(
        self, conn: AsyncConnection, notice_id: int, notice: Notice, now: datetime
    ) -> Change | None:
        """Update a re-fetched notice when what a reader sees has changed."""
        row = (
            await conn.execute(
                select(notices.c.content_hash, notices.c.data, notices.c.body, notices.c.project_id).where(
                    notices.c.id == notice_id
                )
            )
        ).one()
        if row.content_hash == notice.content_hash:
            return None
        await conn.execute(notices.update().where(notices.c.id == notice_id).values(**row_values(notice, now)))
        previous = decode_notice(join_body(row.data, row.body))
        return Change(ChangeKind.UPDATED, notice_id, notice, previous, row.project_id)

    async def _add_source(self, conn: AsyncConnection, notice_id: int, notice: Notice, now: datetime) -> None:
        """Record that a portal publishes this notice."""
        await conn.execute(
            notice_sources.insert().values(
                notice_id=notice_id, source=notice.source, source_id=notice.source_id, url=notice.url, seen_at=now
            )
        )

    async def _project_for(self, conn: AsyncConnection, ident: ProjectIdentity, now: datetime) -> int:
        """Find the project by code (+ buyer when both sides know it) or fingerprint, or create it."""
        if ident.code_key:
            candidates = (
                await conn.execute(
                    select(projects.c.id, projects.c.buyer_key)
                    .where(projects.c.code_key == ident.code_key)
                    .order_by(projects.c.id)
                )
            ).all()
            for found in candidates:
                if not same_buyer(found.buyer_key, ident.buyer_key):
                    continue
                if found.buyer_key is None and ident.buyer_key is not None:
                    await conn.execute(
                        projects.update().where(projects.c.id == found.id).values(buyer_key=ident.buyer_key)
                    )
                return int(found.id)
        else:
            found_id = (
                await conn.execute(
                    select(projects.c.id).where(projects.c.fingerprint == ident.fingerprint).order_by(projects.c.id)
                )
            ).scalar()
            if found_id is not None:
                return int(found_id)
        inserted = await conn.execute(
            projects.insert().values(
                code_key=ident.code_key, buyer_key=ident.buyer_key, fingerprint=ident.fingerprint, created_at=now
            )
        )
        return new_id(inserted)

    async def get(self, notice_id: int) -> StoredNotice | None:
        """One stored notice by id."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(*_ROW).where(
                        notices.c.id == notice_id
                    )
                )
            ).one_or_none()
        return None if row is None else _raw(row).decode()

    async def raw_since(self, since: datetime, batch: int = 2000) -> AsyncIterator[list[RawNotice]]:
        """Every notice first seen since a time, oldest first, in batches (keyset paging: no cap, no OFFSET)."""
        after: tuple[datetime, int] | None = None
        while True:
            query = select(*_ROW).where(notices.c.first_seen_at >= since)
            if after is not None:
                query = query.where(
                    or_(
                        notices.c.first_seen_at > after[0],
                        and_(notices.c.first_seen_at == after[0], notices.c.id > after[1]),
                    )
                )
            query = query.order_by(notices.c.first_seen_at, notices.c.id).limit(batch)
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).all()
            if not rows:
                return
            yield [_raw(r) for r in rows]
            if len(rows) < batch:
                return
            after = (rows[-1].first_seen_at, rows[-1].id)

    async def projects_raw(self, project_ids: Iterable[int]) -> dict[int, list[RawNotice]]:
        """Every announcement of each project, oldest first and not yet decoded, in a few queries."""
        wanted = sorted(set(project_ids))
        found: dict[int, list[RawNotice]] = {p: [] for p in wanted}
        for chunk in id_chunks(wanted):
            query = (
                select(*_ROW)
                .where(notices.c.project_id.in_(chunk))
                .order_by(notices.c.id)
            )
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).all()
            for r in rows:
                found[int(r.project_id)].append(_raw(r))
        return found

    async def project_notices(self, project_id: int) -> Sequence[StoredNotice]:
        """Every announcement of a project, oldest first."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(*_ROW)
                    .where(notices.c.project_id == project_id)
                    .order_by(notices.c.id)
                )
            ).all()
        return [_raw(r).decode() for r in rows]

    async def drop_bodies(self, before: datetime) -> int:
        """Empty the body text of notices first seen before a time (retention); returns notices emptied."""
        statement = (
            notices.update()
            .where(notices.c.first_seen_at < before, notices.c.body.is_not(None))
            .values(body=None)
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(statement)
        return max(result.rowcount, 0)

    async def count(self) -> int:
        """How many announcements are stored."""
        async with self._engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(notices))).scalar_one())

    async def counts_by_source_since(self, since: datetime) -> dict[str, int]:
        """Announcements seen per source since a time (for health: notices in the last 24 h)."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(notice_sources.c.source, func.count())
                    .where(notice_sources.c.seen_at >= since)
                    .group_by(notice_sources.c.source)
                )
            ).all()
        return {str(source): int(n) for source, n in rows}
