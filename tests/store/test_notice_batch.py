"""Storing a batch in multi-row statements ends exactly as storing it notice by notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tenderbot.models import Award, Change, Money, Notice, NoticeType, Party
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.notices import NoticeRepo
from tenderbot.store.repos import Store
from tenderbot.store.tables import notice_sources, notices, projects
from tenderbot.store.unit import start_transaction
from tests.store.test_notices import BJ, NOW, tender


def _batches() -> list[list[Notice]]:
    """Polls that exercise every decision: copies, shared projects, buyer learnt later, updates, repeats."""
    x = dict(project_code="GX-2026-001", buyer=Party(name="某市人民医院"))
    first = tender("ccgp", "x1", **x)
    return [
        [
            first,
            # The same announcement on a provincial portal (code spaced, buyer with its city): a copy.
            tender("zcy", "x1==", project_code="GX 2026 001", buyer=Party(name="广西某市人民医院")),
            tender("feed", "f1", project_code=None, title="某县卫生院彩超采购项目公开招标公告"),
            tender("other", "f1b", project_code=None, title="某县卫生院彩超采购项目招标公告"),  # same fingerprint
            tender("ccgp", "y1", project_code="Y-0001", buyer=None),
            tender("ccgp", "y2", project_code="Y-0001", buyer=Party(name="某医院"),
                   tender_deadline=datetime(2026, 12, 20, 9, 30, tzinfo=BJ)),  # buyer learnt within the batch
            tender("ccgp", "x-amend", notice_type=NoticeType.AMENDMENT, project_code=None,
                   original_project_code="GX-2026-001", title="某市人民医院液相色谱仪采购项目更正公告",
                   published_at=datetime(2026, 12, 1, 10, 0, tzinfo=BJ)),
        ],
        [
            tender("ccgp", "x1", budget=Money(Decimal("1300000")), **x),  # re-fetched, changed
            tender("zcy", "x1==", project_code="GX 2026 001", buyer=Party(name="广西某市人民医院")),  # unchanged
            tender("ccgp", "z1", project_code="Z-0001", buyer=Party(name="甲医院")),
            tender("ccgp", "z2", project_code="Z-0001", buyer=Party(name="乙医院")),  # another buyer: another project
            tender("ccgp", "w1", project_code="W-0001", buyer=None),
        ],
        [
            tender("ccgp", "w-award", project_code="W-0001", buyer=Party(name="丙医院"), notice_type=NoticeType.AWARD,
                   award=Award("某公司", Money(Decimal("99")))),  # names the buyer of a stored project
            tender("ccgp", "w-award-copy", project_code="W-0001", buyer=Party(name="丙医院"),
                   notice_type=NoticeType.AWARD, award=Award("某公司", Money(Decimal("99")))),
            tender("ccgp", "late", project_code="GX-2026-001", buyer=Party(name="某市人民医院"),
                   tender_deadline=datetime(2027, 1, 5, 9, 30, tzinfo=BJ)),  # a re-tender of an old project
        ],
        [tender("ccgp", "dup"), tender("ccgp", "dup")],  # the same notice twice in one poll
    ]


def _summary(changes: list[Change]) -> list[tuple[Any, ...]]:
    return [
        (c.kind, c.notice_id, c.notice.source_id, c.project_id, c.previous.budget if c.previous else None)
        for c in changes
    ]


async def _tables(store: Store) -> list[list[tuple[Any, ...]]]:
    async with store.engine.connect() as conn:
        return [
            [tuple(r) for r in await conn.execute(select(*columns).order_by(columns[0]))]
            for columns in (
                (projects.c.id, projects.c.code_key, projects.c.buyer_key, projects.c.fingerprint),
                (notices.c.id, notices.c.project_id, notices.c.dedupe_key, notices.c.source, notices.c.source_id,
                 notices.c.content_hash, notices.c.budget),
                (notice_sources.c.id, notice_sources.c.notice_id, notice_sources.c.source, notice_sources.c.source_id),
            )
        ]


async def _one_by_one(repo: NoticeRepo, engine: Any, batch: list[Notice], now: datetime) -> list[Change]:
    async with engine.begin() as conn:
        await start_transaction(conn)
        return await repo._upsert_each(conn, batch, now)


async def test_bulk_and_one_by_one_agree(store: Store, tmp_path: Path) -> None:
    reference_engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}")
    await upgrade(reference_engine)
    reference = Store.over(reference_engine)
    try:
        for step, batch in enumerate(_batches()):
            now = NOW + timedelta(hours=step)
            bulk = await store.notices.upsert(batch, now)
            expected = await _one_by_one(reference.notices, reference_engine, batch, now)
            assert _summary(bulk) == _summary(expected), step
            assert await _tables(store) == await _tables(reference), step
        assert await store.notices.count() == 11
        assert await store.notices.quarantined() == []
    finally:
        await reference_engine.dispose()
