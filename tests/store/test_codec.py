"""The stored notice codec is lossless: every field survives encode → JSON → decode."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tenderbot.models import Award, Category, Lot, Money, Notice, NoticeType, Party, ProcurementMethod, Region
from tenderbot.store.codec import decode_notice, encode_notice

BJ = ZoneInfo("Asia/Shanghai")


def _through_json(notice: Notice) -> Notice:
    """What a row gives back: the encoded dict goes through the JSON column as text."""
    return decode_notice(json.loads(json.dumps(encode_notice(notice))))


def _assert_same(decoded: Notice, original: Notice) -> None:
    """Field by field (a clearer failure than one dataclass comparison), offsets included."""
    for field in dataclasses.fields(Notice):
        assert getattr(decoded, field.name) == getattr(original, field.name), field.name
    for name in ("tender_deadline", "opening_time", "published_at"):
        before, after = getattr(original, name), getattr(decoded, name)
        assert (after and after.utcoffset()) == (before and before.utcoffset()), name
    assert decoded.content_hash == original.content_hash


FULL = Notice(
    source="zcy-zhejiang",
    source_id="abc==/7",
    url="https://zfcg.czt.zj.gov.cn/site/detail?id=7",
    title="某医院液相色谱质谱联用仪采购项目中标（成交）结果公告",
    notice_type=NoticeType.AWARD,
    procurement_method=ProcurementMethod.COMPETITIVE_CONSULTATION,
    project_code="ZJ-2026-0001",
    original_project_code="ZJ-2026-0001-old",
    buyer=Party(name="某市人民医院", address="某市某路1号", contact="王老师", phone="0571-12345678"),
    agency=Party(name="某招标代理有限公司", address=None, contact="李工", phone=None),
    budget=Money(Decimal("1285000.50")),
    max_price=Money(Decimal("1.2E+6"), "USD"),
    lots=(
        Lot(number="1", name="液相色谱仪", budget=Money(Decimal("800000")), max_price=None, quantity="2台"),
        Lot(number="2", name=None, budget=None, max_price=Money(Decimal("0.01")), quantity=None),
    ),
    tender_deadline=datetime(2026, 12, 10, 9, 30, tzinfo=BJ),
    opening_time=datetime(2026, 12, 10, 1, 30, 15, 250, tzinfo=UTC),
    published_at=datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=-5))),
    region=Region(province="浙江", city="杭州", district="西湖区"),
    categories=(Category.INSTRUMENT, Category.MEDICAL),
    category_terms=("液相色谱", "质谱"),
    award=Award(supplier="某科技有限公司", amount=Money(Decimal("1190000"))),
    attachments=("https://example.gov.cn/a.pdf",),
    links=("https://example.gov.cn/b.html", "https://example.gov.cn/c.html"),
    text="预算金额：128.50万元\n提交投标文件截止时间：2026年12月10日09时30分",
)


def test_every_field_of_a_full_notice_round_trips() -> None:
    assert all(getattr(FULL, f.name) not in (None, (), "") for f in dataclasses.fields(Notice)), "fill every field"
    _assert_same(_through_json(FULL), FULL)


def test_an_empty_notice_round_trips() -> None:
    _assert_same(_through_json(Notice()), Notice())


_text = st.text(max_size=20)
_opt_text = st.none() | _text
_money = st.none() | st.builds(
    Money, st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**12, min_value=-(10**12)),
    st.sampled_from(["CNY", "USD"]),
)
_party = st.none() | st.builds(Party, _opt_text, _opt_text, _opt_text, _opt_text)
_time = st.none() | st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30),
    timezones=st.sampled_from([UTC, BJ, timezone(timedelta(hours=-9, minutes=-30))]),
    # A wall time skipped by Shanghai's 1940s summer time names no instant, so it cannot round-trip.
    allow_imaginary=False,
)
_notices = st.builds(
    Notice,
    source=_text,
    source_id=_text,
    url=_text,
    title=_opt_text,
    notice_type=st.sampled_from(NoticeType),
    procurement_method=st.none() | st.sampled_from(ProcurementMethod),
    project_code=_opt_text,
    original_project_code=_opt_text,
    buyer=_party,
    agency=_party,
    budget=_money,
    max_price=_money,
    lots=st.lists(st.builds(Lot, _opt_text, _opt_text, _money, _money, _opt_text), max_size=3).map(tuple),
    tender_deadline=_time,
    opening_time=_time,
    published_at=_time,
    region=st.none() | st.builds(Region, _opt_text, _opt_text, _opt_text),
    categories=st.lists(st.sampled_from(Category), unique=True).map(tuple),
    category_terms=st.lists(_text, max_size=3).map(tuple),
    award=st.none() | st.builds(Award, _opt_text, _money),
    attachments=st.lists(_text, max_size=2).map(tuple),
    links=st.lists(_text, max_size=2).map(tuple),
    text=st.text(max_size=200),
)


@settings(max_examples=200, deadline=None)
@given(_notices)
def test_any_notice_round_trips(notice: Notice) -> None:
    _assert_same(_through_json(notice), notice)
