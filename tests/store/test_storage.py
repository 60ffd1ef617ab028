"""Lean storage: UTF-8 JSON, the body compressed in its own column, emptied after the retention window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from tenderbot.store.repos import Store
from tenderbot.store.tables import notices
from tests.delivery.support import tender

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
BODY = "一、项目基本情况\n项目名称：示例医院液相色谱仪采购\n预算金额：128.5万元\n" * 40


async def test_chinese_is_stored_as_utf8_and_the_body_compressed(store: Store) -> None:
    notice = tender("s-1", title="示例医院液相色谱仪采购项目公开招标公告")
    notice = notice.__class__(**{**{f: getattr(notice, f) for f in notice.__dataclass_fields__}, "text": BODY})
    await store.notices.upsert([notice], NOW)
    async with store.engine.connect() as conn:
        raw_json = (await conn.execute(text("SELECT CAST(data AS TEXT) FROM notices"))).scalar_one()
        body = (await conn.execute(select(notices.c.body))).scalar_one()
    assert "液相色谱仪" in raw_json and "\\u" not in raw_json
    assert "项目基本情况" not in raw_json  # the body lives in its own column …
    assert body is not None and len(body) < len(BODY.encode()) / 5  # … compressed
    [stored] = [row.decode() async for batch in store.notices.raw_since(NOW - timedelta(days=1)) for row in batch]
    assert stored.notice == notice


async def test_retention_empties_old_bodies_and_keeps_the_fields(store: Store) -> None:
    old = tender("old", title="旧医院监护仪采购", code="OLD-1")
    new = tender("new", title="新医院呼吸机采购", code="NEW-1")
    await store.notices.upsert([old], NOW - timedelta(days=400))
    await store.notices.upsert([new], NOW)
    assert await store.notices.drop_bodies(NOW - timedelta(days=365)) == 1
    assert await store.notices.drop_bodies(NOW - timedelta(days=365)) == 0
    kept = {
        row.decode().notice.source_id: row.decode().notice
        async for batch in store.notices.raw_since(NOW - timedelta(days=500))
        for row in batch
    }
    assert kept["old"].text == "" and kept["old"].title == "旧医院监护仪采购" and kept["old"].budget == old.budget
    assert kept["new"] == new


async def test_rows_written_before_the_split_still_decode(store: Store) -> None:
    notice = tender("legacy", title="老格式医院彩超采购")
    await store.notices.upsert([notice], NOW)
    async with store.engine.begin() as conn:
        data = (await conn.execute(select(notices.c.data))).scalar_one()
        await conn.execute(notices.update().values(data={**data, "text": notice.text}, body=None))
    [stored] = [row.decode() async for batch in store.notices.raw_since(NOW - timedelta(days=1)) for row in batch]
    assert stored.notice == notice
