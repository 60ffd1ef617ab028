"""``Notice`` → the JSON-ready dict every consumer (CLI, corpus checks, exports) reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tenderbot.extract.dates import TZ
from tenderbot.models import Award, Lot, Money, Notice, Party, Region


def money_to_dict(money: Money | None) -> dict[str, object] | None:
    """``{"amount": "<decimal yuan>", "currency": "CNY"}`` (plain notation, no exponent)."""
    if money is None:
        return None
    return {"amount": format_amount(money.amount), "currency": money.currency}


def format_amount(amount: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros: 1.2E+6 → '1200000', 569800.50 → '569800.5'."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def time_to_str(moment: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS+08:00`` in Beijing time (naive values are taken as Beijing time)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ).replace(microsecond=0).isoformat()


def party_to_dict(party: Party | None) -> dict[str, object] | None:
    """``{name, address, contact, phone}`` or None."""
    if party is None:
        return None
    return {"name": party.name, "address": party.address, "contact": party.contact, "phone": party.phone}


def lot_to_dict(lot: Lot) -> dict[str, object]:
    """``{number, name, budget, max_price}``."""
    return {"number": lot.number, "name": lot.name, "budget": money_to_dict(lot.budget),
            "max_price": money_to_dict(lot.max_price)}


def region_to_dict(region: Region | None) -> dict[str, object] | None:
    """``{province, city}`` or None."""
    if region is None:
        return None
    return {"province": region.province, "city": region.city}


def award_to_dict(award: Award | None) -> dict[str, object] | None:
    """``{supplier, amount}`` or None."""
    if award is None:
        return None
    return {"supplier": award.supplier, "amount": money_to_dict(award.amount)}


def notice_to_dict(notice: Notice) -> dict[str, object]:
    """The output schema of the extraction engine (keys and value shapes are a contract)."""
    return {
        "title": notice.title,
        "notice_type": notice.notice_type.value,
        "procurement_method": notice.procurement_method.value if notice.procurement_method else None,
        "project_code": notice.project_code,
        "original_project_code": notice.original_project_code,
        "buyer": party_to_dict(notice.buyer),
        "agency": party_to_dict(notice.agency),
        "budget": money_to_dict(notice.budget),
        "max_price": money_to_dict(notice.max_price),
        "lots": [lot_to_dict(lot) for lot in notice.lots],
        "tender_deadline": time_to_str(notice.tender_deadline),
        "opening_time": time_to_str(notice.opening_time),
        "published_at": time_to_str(notice.published_at),
        "region": region_to_dict(notice.region),
        "categories": [category.value for category in notice.categories],
        "category_terms": list(notice.category_terms),
        "award": award_to_dict(notice.award),
        "url": notice.url,
        "attachments": list(notice.attachments),
    }
