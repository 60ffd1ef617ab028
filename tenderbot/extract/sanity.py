"""Sanity ranges of extracted values: an amount or a date outside its range is blank, never shown.

Issue 15's fuzz run found budgets above 10¹² yuan (a 50-digit figure, ``1E+50亿``), amounts written
``负…`` and deadlines in year 1, 1900 or 9999 (``〇〇〇一年一月一日`` even crashed the store with
OverflowError). Money and date parsing consult these rules where they produce a value, and
``sane_notice`` checks the finished ``Notice`` once more (sums of lots, hints, JSON fields).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenderbot.models import Award, Money, Notice

__all__ = ["EARLIEST", "MAX_YUAN", "MAX_YUAN_IN_YI", "MIN_YUAN", "plausible_amount", "plausible_date", "sane_notice"]

_TZ = ZoneInfo("Asia/Shanghai")
# A procurement amount below one yuan is a fee rate or a unit price misread (0.5元/页), not a budget.
MIN_YUAN = Decimal(1)
# 10¹¹ yuan (1,000亿, the ceiling issue 15 set) is 60 times the largest amount in the corpus (the
# 16.1亿 Guangxi PPP of zcy-prequal-guangxi-ppp-content.html); a larger bare figure is an ID or a typo.
MAX_YUAN = Decimal(10**11)
# Written with an explicit 亿 the figure is deliberate: allow a mantissa up to 10,000亿 (10¹²),
# e.g. a 1,500亿 programme total, but never ``1E+50亿``.
MAX_YUAN_IN_YI = Decimal(10**12)
# Online procurement announcements start around 2000 (ccgp.gov.cn opened in 2000); an earlier date
# in a notice is a typo or a founding year, not a deadline or a publication date.
EARLIEST = datetime(2000, 1, 1, tzinfo=_TZ)
# Deadlines and openings lie weeks, at most a few years after publication (multi-year framework
# agreements); five years ahead of today, or of the publication date, is the outer edge.
_AHEAD = timedelta(days=5 * 366)
# Result and amendment notices restate the original deadline or opening: up to a year before publication.
_BEFORE_PUBLICATION = timedelta(days=366)


def plausible_amount(yuan: Decimal, *, in_yi: bool = False) -> bool:
    """True when ``yuan`` can be a procurement amount (``in_yi``: the text wrote an explicit 亿)."""
    if not yuan.is_finite():
        return False
    ceiling = MAX_YUAN_IN_YI if in_yi else MAX_YUAN
    return MIN_YUAN <= yuan <= ceiling


def plausible_date(value: datetime, *, now: datetime | None = None, published: datetime | None = None) -> bool:
    """True when ``value`` lies in 2000-01-01 … today + 5 years (and near ``published`` when given)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_TZ)
    latest = (now or datetime.now(_TZ)) + _AHEAD
    earliest = EARLIEST
    if published is not None:
        earliest = max(earliest, published - _BEFORE_PUBLICATION)
        latest = min(latest, published + _AHEAD)
    return earliest <= value <= latest


def _money(value: Money | None) -> Money | None:
    """The money, or None when its amount is out of range (亿 is allowed here: the parser decided)."""
    return value if value is None or plausible_amount(value.amount, in_yi=True) else None


def _when(value: datetime | None, now: datetime, published: datetime | None = None) -> datetime | None:
    """The date, or None when it is out of its window."""
    return value if value is None or plausible_date(value, now=now, published=published) else None


def sane_notice(notice: Notice, *, now: datetime | None = None) -> Notice:
    """The notice with every amount and date outside its sanity range blanked (None)."""
    now = now or datetime.now(_TZ)
    published = _when(notice.published_at, now)
    lots = tuple(
        dataclasses.replace(lot, budget=_money(lot.budget), max_price=_money(lot.max_price))
        if lot.budget is not None or lot.max_price is not None
        else lot
        for lot in notice.lots
    )
    award: Award | None = notice.award
    if award is not None and award.amount is not None:
        award = dataclasses.replace(award, amount=_money(award.amount))
    return dataclasses.replace(
        notice,
        budget=_money(notice.budget),
        max_price=_money(notice.max_price),
        lots=lots,
        award=award,
        published_at=published,
        tender_deadline=_when(notice.tender_deadline, now, published),
        opening_time=_when(notice.opening_time, now, published),
    )

