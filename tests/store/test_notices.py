"""Storing notices: new, unchanged, updated, and one announcement across portals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenderbot.models import ChangeKind, Money, Notice, NoticeType, Party, Region
from tenderbot.store.repos import Store

BJ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def tender(source: str = "ccgp", source_id: str = "1", **kw: object) -> Notice:
    """A tender as a portal would yield it."""
    base: dict[str, object] = dict(
        source=source,
        source_id=source_id,
        url=f"http://{source}.example/{source_id}",
        title="某市人民医院液相色谱仪采购项目公开招标公告",
        notice_type=NoticeType.TENDER,
        project_code="GXZC2026-G1-000123-GXZB",
        buyer=Party(name="某市人民医院"),
        budget=Money(Decimal("1200000")),
        tender_deadline=datetime(2026, 12, 10, 9, 30, tzinfo=BJ),
        region=Region(province="广西"),
        text="预算金额:120万元",
    )
    base.update(kw)
    return Notice(**base)  # type: ignore[arg-type]


async def test_new_then_unchanged_then_updated(store: Store) -> None:
    changes = await store.notices.upsert([tender()], NOW)
    assert [c.kind for c in changes] == [ChangeKind.NEW]
    assert await store.notices.upsert([tender()], NOW) == []
    later = NOW + timedelta(hours=1)
    updated = await store.notices.upsert([tender(budget=Money(Decimal("1300000")))], later)
    assert [c.kind for c in updated] == [ChangeKind.UPDATED]
    assert updated[0].previous is not None and updated[0].previous.budget == Money(Decimal("1200000"))
    stored = await store.notices.get(changes[0].notice_id)
    assert stored is not None
    assert stored.notice.budget == Money(Decimal("1300000"))
    assert stored.notice.tender_deadline == datetime(2026, 12, 10, 9, 30, tzinfo=BJ)


async def test_same_notice_on_two_portals_is_stored_once(store: Store) -> None:
    first = await store.notices.upsert([tender("ccgp", "t1")], NOW)
    # The provincial portal writes the code with spaces and the buyer with its city prefix.
    copy = tender("zcy-guangxi", "abc==", project_code="GXZC2026 G1 000123 GXZB", buyer=Party(name="广西某市人民医院"))
    assert await store.notices.upsert([copy], NOW) == []
    assert await store.notices.count() == 1
    assert await store.notices.counts_by_source_since(NOW - timedelta(days=1)) == {"ccgp": 1, "zcy-guangxi": 1}
    amendment = tender(
        "zcy-guangxi",
        "amend==",
        title="某市人民医院液相色谱仪采购项目更正公告",
        notice_type=NoticeType.AMENDMENT,
        project_code=None,
        original_project_code="GXZC2026-G1-000123-GXZB",
        published_at=datetime(2026, 12, 1, 10, 0, tzinfo=BJ),
    )
    changed = await store.notices.upsert([amendment], NOW)
    assert [c.kind for c in changed] == [ChangeKind.NEW]
    assert changed[0].project_id == first[0].project_id


async def test_notices_without_code_use_a_fingerprint(store: Store) -> None:
    a = tender("feed", "a", project_code=None)
    b = tender("other", "b", project_code=None)
    c = tender("other", "c", project_code=None, title="某县卫生院彩超采购项目公开招标公告")
    changes = await store.notices.upsert([a, b, c], NOW)
    assert [ch.notice.source_id for ch in changes] == ["a", "c"]
    assert changes[0].project_id != changes[1].project_id
