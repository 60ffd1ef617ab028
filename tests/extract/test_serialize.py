"""The output JSON schema of ``notice_to_dict`` (keys and value shapes are a contract)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from tenderbot.extract import extract_notice, notice_to_dict
from tenderbot.extract.serialize import format_amount, time_to_str
from tenderbot.models import Award, Category, Lot, Money, Notice, NoticeType, Party, ProcurementMethod, Region

KEYS = {"title", "notice_type", "procurement_method", "project_code", "buyer", "agency", "budget", "max_price",
        "lots", "tender_deadline", "opening_time", "published_at", "region", "categories", "category_terms", "award"}


def test_full_notice_shapes() -> None:
    notice = Notice(
        title="某医院CT采购公开招标公告",
        notice_type=NoticeType.TENDER,
        procurement_method=ProcurementMethod.OPEN,
        project_code="ABC-1",
        buyer=Party(name="某医院", address="某路1号", contact="张老师", phone="0571-1234567"),
        budget=Money(Decimal("1.2E+6")),
        max_price=Money(Decimal("1199999.50")),
        lots=(Lot(number="1", name="CT", budget=Money(Decimal("1200000"))),),
        tender_deadline=datetime(2024, 10, 21, 1, 30, tzinfo=UTC),
        region=Region(province="浙江", city="杭州市"),
        categories=(Category.MEDICAL,),
        category_terms=("CT",),
        award=Award(supplier="某公司", amount=None),
    )
    data = notice_to_dict(notice)
    assert set(data) >= KEYS
    assert data["budget"] == {"amount": "1200000", "currency": "CNY"}
    assert data["max_price"] == {"amount": "1199999.5", "currency": "CNY"}
    assert data["tender_deadline"] == "2024-10-21T09:30:00+08:00"  # Beijing time
    assert data["opening_time"] is None and data["agency"] is None
    assert data["buyer"] == {"name": "某医院", "address": "某路1号", "contact": "张老师", "phone": "0571-1234567"}
    assert data["lots"] == [{"number": "1", "name": "CT", "budget": {"amount": "1200000", "currency": "CNY"},
                             "max_price": None}]
    assert data["region"] == {"province": "浙江", "city": "杭州市"}
    assert data["categories"] == ["medical"] and data["category_terms"] == ["CT"]
    assert data["award"] == {"supplier": "某公司", "amount": None}
    json.dumps(data, ensure_ascii=False)  # JSON-ready as is


def test_empty_notice_shapes() -> None:
    data = notice_to_dict(extract_notice("无关的文字"))
    assert set(data) >= KEYS
    assert data["notice_type"] == "other" and data["procurement_method"] is None
    assert data["lots"] == [] and data["categories"] == [] and data["award"] is None


def test_amount_and_time_formats() -> None:
    assert format_amount(Decimal("56.980000") * 10000) == "569800"
    assert format_amount(Decimal("0.50")) == "0.5"
    assert format_amount(Decimal("0")) == "0"
    assert time_to_str(datetime(2025, 6, 27, 17, 52)) == "2025-06-27T17:52:00+08:00"
    assert time_to_str(None) is None
