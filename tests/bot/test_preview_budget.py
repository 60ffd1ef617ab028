"""The /sub preview shows the same budget as alerts and digests: the lots' sum when no total is stated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenderbot.bot.preview import PreviewHit, render_preview
from tenderbot.models import Lot, Money, Notice, NoticeType

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_preview_sums_lot_budgets_and_links_the_title() -> None:
    notice = Notice(
        url="https://www.ccgp.gov.cn/x.htm",
        title="某医院彩超<采购>",
        notice_type=NoticeType.TENDER,
        lots=(Lot(number="1", budget=Money(Decimal("800000"))), Lot(number="2", budget=Money(Decimal("700000")))),
        tender_deadline=NOW + timedelta(days=5),
    )
    text = render_preview([PreviewHit(notice, NOW)], NOW, ZoneInfo("Asia/Shanghai"), "zh")
    assert "150万元" in text
    assert '<a href="https://www.ccgp.gov.cn/x.htm">某医院彩超&lt;采购&gt;</a>' in text
