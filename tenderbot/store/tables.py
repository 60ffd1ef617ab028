"""Table definitions (SQLAlchemy Core), the single source for the Alembic history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite keeps no zone, so we normalise both ways."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store any aware datetime as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes whatever the backend gave."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DecimalString(TypeDecorator[Decimal]):
    """Money as an exact decimal string: SQLite has no decimal type and floats lose yuan."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        """Store the exact decimal text."""
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Read it back as Decimal."""
        return None if value is None else Decimal(str(value))


# Large id lists are sent in chunks: SQLite and asyncpg cap the number of bound parameters.
ID_CHUNK = 5000

_T = TypeVar("_T")


def id_chunks(ids: Sequence[_T], size: int = ID_CHUNK) -> Iterator[Sequence[_T]]:
    """``ids`` in slices of at most ``size``, one per chunked ``IN (...)`` query."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just added."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("INSERT returned no primary key")
    return int(key[0])


projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    # No length limits on what a portal writes: a 采购人 listing 29 hospitals (280 chars) overflowed
    # VARCHAR(200) on PostgreSQL and blinded the source (issue #16). Long codes are hashed (identity.code_key).
    Column("code_key", Text, index=True),
    Column("buyer_key", Text),
    Column("fingerprint", String(64), index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False, index=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("source", String(100), nullable=False),
    Column("source_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("notice_type", String(30), nullable=False),
    Column("procurement_method", String(40)),
    Column("project_code", Text),
    Column("buyer_name", Text),
    Column("province", String(20)),
    Column("budget", DecimalString),
    Column("tender_deadline", UTCDateTime),
    Column("published_at", UTCDateTime),
    Column("categories", String(60), nullable=False, default=""),
    Column("content_hash", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    # The body text, zlib-compressed; emptied after TENDERBOT_RETENTION_DAYS (structured fields stay).
    Column("body", LargeBinary),
    Column("first_seen_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

notice_sources = Table(
    "notice_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", Integer, ForeignKey("notices.id"), nullable=False, index=True),
    Column("source", String(100), nullable=False),
    Column("source_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "source_id", name="uq_notice_sources_source_id"),
)

# Notices a poll could not store: kept for the operator (``tenderbot`` logs each with its source id), while
# the rest of the poll is stored and the cursor advances. One row per (source, source_id), the latest error.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(100), nullable=False),
    Column("source_id", Text, nullable=False),
    Column("url", Text),
    Column("error", Text, nullable=False),
    Column("data", JSON),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("source", "source_id", name="uq_quarantine_source_id"),
)

chats = Table(
    "chats",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False, default="private"),
    Column("title", String(300)),
    Column("language", String(10), nullable=False, default="zh"),
    Column("timezone", String(60), nullable=False, default="Asia/Shanghai"),
    Column("digest_time", String(5)),
    Column("digest_always", Boolean, nullable=False, default=False),
    Column("instant", Boolean, nullable=False, default=True),
    Column("quiet_hours", String(11)),
    Column("active", Boolean, nullable=False, default=True),
    Column("send_failures", Integer, nullable=False, default=0),
    Column("next_digest_at", UTCDateTime, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The number the chat's next subscription gets: numbers are never reused, so "/unsub 8" always means
    # the subscription the chat was shown as #8 (issue 9).
    Column("next_subscription_number", Integer, nullable=False, default=1, server_default="1"),
    # Teams from the web console (kind "team"): where their messages go, a robot or an e-mail address.
    Column("destination", JSON),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False, default=""),
    Column("query", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("instant", Boolean, nullable=False, default=True),
    Column("excluded_buyers", JSON, nullable=False, default=list),
    Column("webhook", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    Column("number", Integer, nullable=False),
    UniqueConstraint("chat_id", "number", name="uq_subscriptions_chat_id_number"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    Column("notice_id", Integer, ForeignKey("notices.id"), index=True),
    Column("kind", String(20), nullable=False),
    Column("dedupe_key", String(120), nullable=False),
    Column("state", String(10), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("not_before", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("message_id", BigInteger),
    Column("reply_to_message_id", BigInteger),
    Column("subscription_ids", JSON, nullable=False, default=list),
    Column("why", JSON, nullable=False, default=list),
    Column("payload", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("chat_id", "dedupe_key", name="uq_deliveries_chat_key"),
    Index("ix_deliveries_state_not_before", "state", "not_before"),
)

follows = Table(
    "follows",
    metadata,
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), primary_key=True),
    Column("notice_id", Integer, ForeignKey("notices.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

hidden_notices = Table(
    "hidden_notices",
    metadata,
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

source_state = Table(
    "source_state",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("cursor", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("seen", JSON, nullable=False, default=list),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_success", UTCDateTime),
    Column("last_error", Text),
    Column("backoff_until", UTCDateTime),
    Column("last_notice_at", UTCDateTime),
    Column("last_poll_at", UTCDateTime),
    Column("reported_at", UTCDateTime),
    Column("listed", JSON),
)

# One row: a counter that database triggers (migration 0008) bump on every change to subscriptions or to
# a chat's active flag, and a random id of this database. Together they say whether a cached compiled
# index (tenderbot/index_cache.py) still stands for exactly the active subscriptions.
subscription_revision = Table(
    "subscription_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", BigInteger, nullable=False),
    Column("database_id", String(32), nullable=False),
)

shares = Table(
    "shares",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("query", Text, nullable=False),
    Column("created_by", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

pending_actions = Table(
    "pending_actions",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
