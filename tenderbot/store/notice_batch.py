"""Store a poll's notices in a few multi-row statements, with exactly the outcome of storing them one by one.

A poll of 200 new notices took ~7 statements per notice (issue #13). Here the lookups are one query per
kind (known sources, projects by code and by fingerprint, announcements by key), the decisions are made in
memory in batch order — so a notice sees the projects and announcements created by the ones before it,
as ``NoticeRepo._upsert_one`` would — and the inserts are multi-row. Any failure undoes the whole attempt
(the caller runs it under a savepoint) and the caller stores notice by notice instead, quarantining the
one that fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from tenderbot.identity import announcement_key, project_identity
from tenderbot.models import Change, ChangeKind, Notice
from tenderbot.store.codec import decode_notice, join_body
from tenderbot.store.notice_values import row_values, same_buyer, storable
from tenderbot.store.tables import id_chunks, notice_sources, notices, projects

# Values per IN (…) list and rows per INSERT: far below SQLite's and asyncpg's 32,766 bound parameters.
CHUNK = 500


async def _insert_returning_ids(conn: AsyncConnection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows; their new ids in the order of ``rows``."""
    # Executed as multi-row INSERTs by SQLAlchemy's "insertmanyvalues", batched under the drivers' limits.
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return [int(row.id) for row in await conn.execute(statement, rows)]


async def store_batch(conn: AsyncConnection, batch: Sequence[Notice], now: datetime) -> list[Change] | None:
    """Store a batch; the changes in batch order, or None for a batch this path does not take (a repeat)."""
    pairs = [(n.source, n.source_id) for n in batch]
    if len(set(pairs)) != len(pairs):
        return None  # the same notice twice in one poll: rare, and one by one handles it
    batch = [storable(n) for n in batch]
    results: list[Change | None] = [None] * len(batch)
    row: Any  # rows of several queries below

    # Notices already known by (source, source_id): update those whose content changed.
    wanted = set(pairs)
    known: dict[tuple[str, str], int] = {}
    for chunk in id_chunks(sorted({sid for _, sid in pairs}), CHUNK):
        known_query = select(notice_sources.c.notice_id, notice_sources.c.source, notice_sources.c.source_id)
        for row in await conn.execute(known_query.where(notice_sources.c.source_id.in_(chunk))):
            if (row.source, row.source_id) in wanted:
                known[(row.source, row.source_id)] = int(row.notice_id)
    stored: dict[int, tuple[str, Notice, int]] = {}  # id → (content hash, notice, project), kept current
    for id_chunk in id_chunks(sorted(set(known.values())), CHUNK):
        stored_query = select(
            notices.c.id, notices.c.content_hash, notices.c.data, notices.c.body, notices.c.project_id
        )
        for row in await conn.execute(stored_query.where(notices.c.id.in_(id_chunk))):
            stored[int(row.id)] = (row.content_hash, decode_notice(join_body(row.data, row.body)), int(row.project_id))
    fresh: list[int] = []
    for index, notice in enumerate(batch):
        notice_id = known.get(pairs[index])
        if notice_id is None:
            fresh.append(index)
            continue
        content_hash, previous, project_id = stored[notice_id]
        if content_hash != notice.content_hash:
            # Two portals' versions of one notice in a poll: the later one sees the earlier one's update.
            await conn.execute(notices.update().where(notices.c.id == notice_id).values(**row_values(notice, now)))
            stored[notice_id] = (notice.content_hash, notice, project_id)
            results[index] = Change(ChangeKind.UPDATED, notice_id, notice, previous, project_id)

    # Projects: by code (+ buyer when both sides know it), else by fingerprint; new ones get ids < 0 until inserted.
    identities = {index: project_identity(batch[index]) for index in fresh}
    by_code: dict[str, list[list[Any]]] = defaultdict(list)  # code_key → [[id, buyer_key], …] in id order
    codes = sorted({i.code_key for i in identities.values() if i.code_key})
    for chunk in id_chunks(codes, CHUNK):
        code_query = select(projects.c.id, projects.c.code_key, projects.c.buyer_key).where(
            projects.c.code_key.in_(chunk)
        )
        for row in await conn.execute(code_query.order_by(projects.c.id)):
            by_code[row.code_key].append([int(row.id), row.buyer_key])
    by_fingerprint: dict[str, int] = {}
    fingerprints = sorted({i.fingerprint for i in identities.values() if not i.code_key})
    for chunk in id_chunks(fingerprints, CHUNK):
        fingerprint_query = select(projects.c.id, projects.c.fingerprint).where(projects.c.fingerprint.in_(chunk))
        for row in await conn.execute(fingerprint_query.order_by(projects.c.id)):
            by_fingerprint.setdefault(row.fingerprint, int(row.id))
    new_projects: list[dict[str, Any]] = []
    buyer_updates: dict[int, str] = {}
    project_of: dict[int, int] = {}
    for index in fresh:
        ident = identities[index]
        found: int | None = None
        if ident.code_key:
            for candidate in by_code[ident.code_key]:
                if not same_buyer(candidate[1], ident.buyer_key):
                    continue
                if candidate[1] is None and ident.buyer_key is not None:
                    candidate[1] = ident.buyer_key
                    if candidate[0] > 0:
                        buyer_updates[candidate[0]] = ident.buyer_key
                    else:
                        new_projects[-candidate[0] - 1]["buyer_key"] = ident.buyer_key
                found = candidate[0]
                break
        else:
            found = by_fingerprint.get(ident.fingerprint)
        if found is None:
            new_projects.append(
                {"code_key": ident.code_key, "buyer_key": ident.buyer_key, "fingerprint": ident.fingerprint,
                 "created_at": now}
            )
            found = -len(new_projects)
            if ident.code_key:
                by_code[ident.code_key].append([found, ident.buyer_key])
            by_fingerprint.setdefault(ident.fingerprint, found)
        project_of[index] = found
    for project_id, buyer in buyer_updates.items():
        await conn.execute(projects.update().where(projects.c.id == project_id).values(buyer_key=buyer))
    real = await _insert_returning_ids(conn, projects, new_projects) if new_projects else []
    for index, project_id in project_of.items():
        if project_id < 0:
            project_of[index] = real[-project_id - 1]

    # Announcements: one per key, whatever the portal; a copy only records where else it lives.
    keys = {index: announcement_key(project_of[index], batch[index]) for index in fresh}
    existing: dict[str, int] = {}
    for chunk in id_chunks(sorted(set(keys.values())), CHUNK):
        key_query = select(notices.c.id, notices.c.dedupe_key).where(notices.c.dedupe_key.in_(chunk))
        for row in await conn.execute(key_query):
            existing[row.dedupe_key] = int(row.id)
    new_rows: list[dict[str, Any]] = []
    creator: dict[str, int] = {}  # key → the batch index whose notice creates its row
    for index in fresh:
        key = keys[index]
        if key not in existing and key not in creator:
            creator[key] = index
            values = row_values(batch[index], now)
            new_rows.append({"project_id": project_of[index], "dedupe_key": key, "first_seen_at": now, **values})
    new_ids = await _insert_returning_ids(conn, notices, new_rows) if new_rows else []
    created = dict(zip(creator, new_ids, strict=True))  # key → new notice id (dicts keep insertion order)
    source_rows: list[dict[str, Any]] = []
    for index in fresh:
        notice, key = batch[index], keys[index]
        notice_id = existing[key] if key in existing else created[key]
        source_rows.append(
            {"notice_id": notice_id, "source": notice.source, "source_id": notice.source_id, "url": notice.url,
             "seen_at": now}
        )
        if creator.get(key) == index:
            results[index] = Change(ChangeKind.NEW, notice_id, notice, None, project_of[index])
    if source_rows:
        await conn.execute(notice_sources.insert(), source_rows)
    return [change for change in results if change is not None]
