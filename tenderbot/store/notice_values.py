"""Column values of a stored notice, and the guards that make any notice storable (shared by both write paths)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tenderbot.models import Notice
from tenderbot.store.codec import encode_notice, split_body

log = logging.getLogger("tenderbot.store.notices")


# Times within this margin of datetime.min/max cannot be moved between zones: ``datetime(1, 1, 1, tzinfo=+08:00)``
# (a deadline written 〇〇〇一年一月一日) raises OverflowError when converted to UTC, stored or compared (issue #16).
_TIME_MARGIN = timedelta(days=2)
_TIME_FIELDS = ("tender_deadline", "opening_time", "published_at")


def _representable(moment: datetime) -> bool:
    """True when a time can be converted to UTC and any zone, and compared, without overflowing."""
    try:
        utc = moment.astimezone(UTC)
        return utc - _TIME_MARGIN < utc + _TIME_MARGIN
    except (OverflowError, ValueError):
        return False


def storable(notice: Notice) -> Notice:
    """The notice with any time that cannot be stored or compared dropped (and logged), everything else kept."""
    dropped = [
        name for name in _TIME_FIELDS if (value := getattr(notice, name)) is not None and not _representable(value)
    ]
    if not dropped:
        return notice
    log.warning(
        "notice %s/%s: dropped unrepresentable %s (%s)",
        notice.source,
        notice.source_id,
        ", ".join(dropped),
        ", ".join(repr(getattr(notice, name)) for name in dropped),
    )
    cleared: dict[str, Any] = dict.fromkeys(dropped)
    return replace(notice, **cleared)


def row_values(notice: Notice, now: datetime) -> dict[str, object]:
    """Column values for a notice row (the body text compressed in its own column)."""
    data, body = split_body(encode_notice(notice))
    return {
        "source": notice.source,
        "source_id": notice.source_id,
        "url": notice.url,
        "title": notice.title,
        "notice_type": notice.notice_type.value,
        "procurement_method": notice.procurement_method.value if notice.procurement_method else None,
        "project_code": notice.project_code,
        "buyer_name": notice.buyer.name if notice.buyer else None,
        "province": notice.region.province if notice.region else None,
        "budget": notice.budget.amount if notice.budget else None,
        "tender_deadline": notice.tender_deadline,
        "published_at": notice.published_at,
        "categories": ",".join(c.value for c in notice.categories),
        "content_hash": notice.content_hash,
        "data": data,
        "body": body,
        "updated_at": now,
    }


def same_buyer(stored: str | None, incoming: str | None) -> bool:
    """Buyers agree when either is unknown or one name contains the other (某医院 / 某市某医院)."""
    if stored is None or incoming is None:
        return True
    return stored in incoming or incoming in stored
