"""Lossless Notice ↔ JSON-compatible dict, for the ``notices.data`` column."""

from __future__ import annotations

import zlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from tenderbot.models import (
    Award,
    Category,
    Lot,
    Money,
    Notice,
    NoticeType,
    Party,
    ProcurementMethod,
    Region,
)


def _money(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": value.currency}


def _unmoney(value: Any) -> Money | None:
    return None if not value else Money(Decimal(value["amount"]), value.get("currency", "CNY"))


def _party(value: Party | None) -> dict[str, str | None] | None:
    if value is None:
        return None
    return {"name": value.name, "address": value.address, "contact": value.contact, "phone": value.phone}


def _unparty(value: Any) -> Party | None:
    return None if not value else Party(**value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _untime(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)


def encode_notice(notice: Notice) -> dict[str, Any]:
    """Encode every field of a notice as JSON-compatible values."""
    return {
        "source": notice.source,
        "source_id": notice.source_id,
        "url": notice.url,
        "title": notice.title,
        "notice_type": notice.notice_type.value,
        "procurement_method": notice.procurement_method.value if notice.procurement_method else None,
        "project_code": notice.project_code,
        "original_project_code": notice.original_project_code,
        "buyer": _party(notice.buyer),
        "agency": _party(notice.agency),
        "budget": _money(notice.budget),
        "max_price": _money(notice.max_price),
        "lots": [
            {
                "number": lot.number,
                "name": lot.name,
                "budget": _money(lot.budget),
                "max_price": _money(lot.max_price),
                "quantity": lot.quantity,
            }
            for lot in notice.lots
        ],
        "tender_deadline": _time(notice.tender_deadline),
        "opening_time": _time(notice.opening_time),
        "published_at": _time(notice.published_at),
        "region": None
        if notice.region is None
        else {
            "province": notice.region.province,
            "city": notice.region.city,
            "district": notice.region.district,
        },
        "categories": [c.value for c in notice.categories],
        "category_terms": list(notice.category_terms),
        "award": None
        if notice.award is None
        else {"supplier": notice.award.supplier, "amount": _money(notice.award.amount)},
        "attachments": list(notice.attachments),
        "links": list(notice.links),
        "text": notice.text,
    }


def decode_notice(data: dict[str, Any]) -> Notice:
    """Rebuild a notice from ``encode_notice`` output."""
    award = data.get("award")
    region = data.get("region")
    method = data.get("procurement_method")
    return Notice(
        source=data.get("source", ""),
        source_id=data.get("source_id", ""),
        url=data.get("url", ""),
        title=data.get("title"),
        notice_type=NoticeType(data.get("notice_type", "other")),
        procurement_method=ProcurementMethod(method) if method else None,
        project_code=data.get("project_code"),
        original_project_code=data.get("original_project_code"),
        buyer=_unparty(data.get("buyer")),
        agency=_unparty(data.get("agency")),
        budget=_unmoney(data.get("budget")),
        max_price=_unmoney(data.get("max_price")),
        lots=tuple(
            Lot(
                number=lot.get("number"),
                name=lot.get("name"),
                budget=_unmoney(lot.get("budget")),
                max_price=_unmoney(lot.get("max_price")),
                quantity=lot.get("quantity"),
            )
            for lot in data.get("lots", [])
        ),
        tender_deadline=_untime(data.get("tender_deadline")),
        opening_time=_untime(data.get("opening_time")),
        published_at=_untime(data.get("published_at")),
        region=Region(**region) if region else None,
        categories=tuple(Category(c) for c in data.get("categories", [])),
        category_terms=tuple(data.get("category_terms", [])),
        award=Award(award.get("supplier"), _unmoney(award.get("amount"))) if award else None,
        attachments=tuple(data.get("attachments", [])),
        links=tuple(data.get("links", [])),
        text=data.get("text", ""),
    )


def split_body(data: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
    """Take the body text out of an encoded notice, compressed (zlib): it is most of a notice's bytes.

    The structured fields stay readable JSON for ever; the body can be dropped after the retention window.
    """
    text = data.get("text")
    rest = _compact({key: value for key, value in data.items() if key != "text"})
    return rest, (zlib.compress(text.encode("utf-8"), 6) if text else None)


def _compact(value: Any) -> Any:
    """Drop null and empty members (``decode_notice`` reads every key with a default): a third of a row."""
    if isinstance(value, dict):
        return {key: _compact(item) for key, item in value.items() if item is not None and item != []}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def join_body(data: dict[str, Any], body: bytes | None) -> dict[str, Any]:
    """An encoded notice with its body text back (rows written before the split keep ``text`` inline)."""
    if body is None or "text" in data:
        return data
    return {**data, "text": zlib.decompress(body).decode("utf-8")}
