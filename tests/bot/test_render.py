"""render_alert: every field, 万元, days left, and valid Telegram HTML whatever the portal wrote."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenderbot.models import Lot, Money, Notice, NoticeType, Party, ProcurementMethod, Region
from tenderbot.notify.render import MAX_MESSAGE, render_alert, utf16_len
from tests.bot.conftest import NOW
from tests.fake_telegram import parse_html

BJ = ZoneInfo("Asia/Shanghai")


def test_alert_fields_in_chinese_and_english() -> None:
    notice = Notice(
        url="https://example.gov.cn/a?x=1&y=\"2\"",
        title="医院<彩超>采购 & 安装",
        notice_type=NoticeType.TENDER,
        procurement_method=ProcurementMethod.OPEN,
        buyer=Party(name="某市<第一>医院"),
        lots=(Lot(budget=Money(Decimal("300000"))), Lot(budget=Money(Decimal("950000")))),
        tender_deadline=NOW + timedelta(days=10),
        region=Region(province="江苏", city="南京"),
        project_code="JS-2026<01>",
    )
    text, _ = parse_html(render_alert(notice, why=("彩超", "<安装>"), now=NOW, tz=BJ))
    for part in ("【招标】医院<彩超>采购 & 安装", "预算：125万元", "还剩10天", "采购人：某市<第一>医院",
                 "地区：江苏 南京", "公开招标 · 招标", "JS-2026<01>", "匹配：彩超、<安装>", "查看原文"):
        assert part in text, part
    english, entities = parse_html(render_alert(notice, why=("彩超",), now=NOW, tz=BJ, language="en"))
    assert "Budget: 125万元" in english and "10 days left" in english and "open · Tender" in english
    assert any(e.get("url") == notice.url for e in entities)


def test_huge_portal_text_stays_under_the_limit_and_valid() -> None:
    notice = Notice(
        title="<&>" * 3000,
        buyer=Party(name="&" * 5000),
        notice_type=NoticeType.AMENDMENT,
        url="javascript:alert(1)",
    )
    rendered = render_alert(notice, why=tuple("<词>" for _ in range(500)), now=NOW, tz=BJ)
    text, _ = parse_html(rendered)
    assert utf16_len(rendered) <= MAX_MESSAGE
    assert "javascript" not in rendered  # only http(s) links are linked
    assert text.startswith("【更正】<&>")
