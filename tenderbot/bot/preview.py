"""Pure ranking and rendering of /sub's preview: which recent notices a new subscription would have sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from tenderbot.models import Notice, NoticeType
from tenderbot.notify.render import TYPE_NAMES, budget_of, esc, money_text, title_link
from tenderbot.texts import t

PREVIEW_DAYS = 7
PREVIEW_BEST = 3
# Announcements a bid team can still act on when their deadline has not passed.
OPEN_TYPES = frozenset({NoticeType.TENDER, NoticeType.PREQUALIFICATION, NoticeType.AMENDMENT})
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
_LONG_AGO = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PreviewHit:
    """A recent notice a query matches, with when we first saw it."""

    notice: Notice
    first_seen_at: datetime


def is_open(notice: Notice, now: datetime) -> bool:
    """Whether a bid can still be made: an open type whose deadline (if known) is still ahead."""
    deadline = notice.tender_deadline
    return notice.notice_type in OPEN_TYPES and (deadline is None or deadline > now)


def rank(hits: Sequence[PreviewHit], now: datetime) -> list[PreviewHit]:
    """Best first: open tenders, then the nearest deadline, then the newest."""

    def key(hit: PreviewHit) -> tuple[int, datetime, float]:
        notice = hit.notice
        open_now = is_open(notice, now)
        deadline = notice.tender_deadline if open_now and notice.tender_deadline else _FAR_FUTURE
        published = notice.published_at or hit.first_seen_at or _LONG_AGO
        return (0 if open_now else 1, deadline, -published.timestamp())

    return sorted(hits, key=key)


def render_preview(hits: Sequence[PreviewHit], now: datetime, tz: tzinfo, lang: str) -> str:
    """The preview block: how many notices matched in the window, and the best three."""
    lines = [t(lang, "preview_count", days=PREVIEW_DAYS, count=len(hits))]
    best = rank(hits, now)[:PREVIEW_BEST]
    if best:
        lines.append(t(lang, "preview_best"))
    for hit in best:
        notice = hit.notice
        parts = [money_text(budget_of(notice), lang)]
        if is_open(notice, now) and notice.tender_deadline is not None:
            days = (notice.tender_deadline.astimezone(tz).date() - now.astimezone(tz).date()).days
            parts.append(t(lang, "preview_open", days=days))
        if notice.region and notice.region.province:
            parts.append(notice.region.province)
        kind = TYPE_NAMES[lang][notice.notice_type]
        lines.append(f"• 【{esc(kind)}】{title_link(notice)} — {esc(' · '.join(parts))}")
    return "\n".join(lines)
