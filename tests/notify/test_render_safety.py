"""Portal strings never break a chat message: escaping, lone surrogates, hostile titles."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tenderbot.extract.text import normalize
from tenderbot.models import Money, Notice, NoticeType, Party, Region
from tenderbot.notify.render import esc, render_alert
from tests.fake_telegram import parse_html

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
BJ = ZoneInfo("Asia/Shanghai")


def test_esc_escapes_markup_and_replaces_lone_surrogates() -> None:
    assert esc('<b>A&B</b> "x"') == '&lt;b&gt;A&amp;B&lt;/b&gt; "x"'
    assert esc("彩超\ud800") == "彩超\ufffd"
    assert normalize("预算\udfff金额") == "预算\ufffd金额"


@given(st.text(max_size=400), st.text(max_size=80), st.text(max_size=200))
def test_any_portal_strings_give_html_telegram_accepts(title: str, buyer: str, url_tail: str) -> None:
    notice = Notice(
        source="x",
        source_id="1",
        url="https://example.cn/" + url_tail,
        title=title,
        notice_type=NoticeType.TENDER,
        buyer=Party(name=buyer),
        budget=Money(Decimal("1285000")),
        tender_deadline=datetime(2026, 12, 12, 9, 30, tzinfo=BJ),
        region=Region(province=buyer[:3] or None),
        project_code=title[:20] or None,
    )
    text = render_alert(notice, why=(title[:10],), now=NOW, tz=BJ)
    plain, _entities = parse_html(text)  # raises like Telegram's "can't parse entities" on bad markup
    assert len(plain.encode("utf-16-le")) // 2 <= 4096
