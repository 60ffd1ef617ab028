"""Domain records shared by every layer: notices, money, parties, sources' state, subscriptions.

Field names follow OCDS in snake_case where the concept exists there. Money is ``Decimal`` yuan,
never float; times are aware datetimes (Beijing time when a portal says nothing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

# Chinese portals mean Beijing time when they say nothing; also the default of TENDERBOT_TIMEZONE.
DEFAULT_TIMEZONE = "Asia/Shanghai"


class NoticeType(StrEnum):
    """What kind of announcement a notice is."""

    INTENTION = "intention"
    PREQUALIFICATION = "prequalification"
    TENDER = "tender"
    AMENDMENT = "amendment"
    AWARD = "award"
    TERMINATION = "termination"
    CONTRACT = "contract"
    OTHER = "other"


class ProcurementMethod(StrEnum):
    """How the buyer procures (采购方式)."""

    OPEN = "open"
    INVITED = "invited"
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"
    COMPETITIVE_CONSULTATION = "competitive_consultation"
    INQUIRY = "inquiry"
    SINGLE_SOURCE = "single_source"
    FRAMEWORK = "framework"
    OTHER = "other"


class Category(StrEnum):
    """The two product categories tenderbot watches."""

    INSTRUMENT = "instrument"
    MEDICAL = "medical"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in yuan."""

    amount: Decimal
    currency: str = "CNY"


@dataclass(frozen=True, slots=True)
class Party:
    """A buyer (采购人) or an agency (采购代理机构)."""

    name: str | None = None
    address: str | None = None
    contact: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Lot:
    """One lot (包 / 标段 / 标项) of a tender."""

    number: str | None = None
    name: str | None = None
    budget: Money | None = None
    max_price: Money | None = None
    quantity: str | None = None


@dataclass(frozen=True, slots=True)
class Region:
    """Where the buyer is: province as its short name (北京, 江苏, 广西 …), city, district."""

    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass(frozen=True, slots=True)
class Award:
    """The winner of a result notice."""

    supplier: str | None = None
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """One procurement announcement, structured and source-independent."""

    source: str = ""
    source_id: str = ""
    url: str = ""
    title: str | None = None
    notice_type: NoticeType = NoticeType.OTHER
    procurement_method: ProcurementMethod | None = None
    project_code: str | None = None
    original_project_code: str | None = None
    buyer: Party | None = None
    agency: Party | None = None
    budget: Money | None = None
    max_price: Money | None = None
    lots: tuple[Lot, ...] = ()
    tender_deadline: datetime | None = None
    opening_time: datetime | None = None
    published_at: datetime | None = None
    region: Region | None = None
    categories: tuple[Category, ...] = ()
    category_terms: tuple[str, ...] = ()
    award: Award | None = None
    attachments: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    text: str = ""

    @property
    def content_hash(self) -> str:
        """A stable hash of what a reader sees: title, key fields and text."""
        parts = [
            self.title or "",
            self.notice_type.value,
            self.project_code or "",
            str(self.budget.amount) if self.budget else "",
            self.tender_deadline.isoformat() if self.tender_deadline else "",
            self.text,
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class ChangeKind(StrEnum):
    """What storing a notice did."""

    NEW = "new"
    UPDATED = "updated"


@dataclass(frozen=True, slots=True)
class Change:
    """A notice that was new or changed when stored, with its database id."""

    kind: ChangeKind
    notice_id: int
    notice: Notice
    previous: Notice | None = None
    project_id: int | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """Bytes fetched from a portal, before parsing."""

    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class SourceState:
    """What a source remembers between polls: cursor, conditional-request validators, health."""

    name: str
    cursor: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = ()
    failures: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    backoff_until: datetime | None = None
    last_notice_at: datetime | None = None
    # Items on the listing's first pages in the last few successful polls, newest last: a listing that
    # suddenly parses to nothing is a changed page or a silent block, not a quiet day.
    listed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's saved query."""

    id: int
    chat_id: int
    query: str
    name: str = ""
    active: bool = True
    instant: bool = True
    excluded_buyers: tuple[str, ...] = ()
    number: int = 0  # the chat's number for it (#3), kept for life; 0 before it is saved
