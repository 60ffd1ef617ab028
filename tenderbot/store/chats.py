"""Chats, their settings, subscriptions, followed and hidden projects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tenderbot.models import DEFAULT_TIMEZONE, Subscription
from tenderbot.store.tables import (
    chats,
    deliveries,
    follows,
    hidden_notices,
    id_chunks,
    new_id,
    subscription_revision,
    subscriptions,
)
from tenderbot.store.unit import Database


@dataclass(frozen=True, slots=True)
class ChatRecord:
    """A chat that talks to the bot (private, group, or the console)."""

    id: int
    kind: str = "private"
    title: str | None = None
    language: str = "zh"
    timezone: str = DEFAULT_TIMEZONE
    digest_time: str | None = None
    digest_always: bool = False
    instant: bool = True
    quiet_hours: str | None = None
    active: bool = True
    send_failures: int = 0
    next_digest_at: datetime | None = None

    @property
    def is_group(self) -> bool:
        """True for groups and supergroups (Telegram's group flood limits apply)."""
        return self.kind in ("group", "supergroup") or self.id < 0


_CHAT_FIELDS = tuple(f.name for f in fields(ChatRecord))


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """A subscription to create (from an import or a share), before it has an id."""

    query: str
    name: str = ""
    active: bool = True
    excluded_buyers: tuple[str, ...] = ()


def _chat(row: Row[Any]) -> ChatRecord:
    return ChatRecord(**{name: getattr(row, name) for name in _CHAT_FIELDS})


def _subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        id=row.id,
        chat_id=row.chat_id,
        query=row.query,
        name=row.name,
        active=row.active,
        instant=row.instant,
        excluded_buyers=tuple(row.excluded_buyers or ()),
        number=int(row.number),
    )


async def _allocate_numbers(conn: AsyncConnection, chat_id: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive subscription numbers of a chat, in the caller's transaction; the first.

    The UPDATE comes first so that on PostgreSQL it locks the chat row: two concurrent /sub in one chat
    cannot get the same number.
    """
    bump = chats.c.next_subscription_number + count
    await conn.execute(chats.update().where(chats.c.id == chat_id).values(next_subscription_number=bump))
    following = (
        await conn.execute(select(chats.c.next_subscription_number).where(chats.c.id == chat_id))
    ).scalar()
    if following is None:  # a chat row that does not exist (SQLite without foreign keys): count from its rows
        highest = (
            await conn.execute(select(func.max(subscriptions.c.number)).where(subscriptions.c.chat_id == chat_id))
        ).scalar()
        return int(highest or 0) + 1
    return int(following) - count


class ChatRepo:
    """Reads and writes chats and everything a chat owns."""

    def __init__(self, engine: Database, *, default_timezone: str = DEFAULT_TIMEZONE) -> None:
        self._engine = engine
        self._default_timezone = default_timezone

    async def ensure(
        self, chat_id: int, now: datetime, *, kind: str = "private", title: str | None = None, language: str = "zh"
    ) -> ChatRecord:
        """Return the chat, creating it (or reactivating it) when it talks to us."""
        async with self._engine.begin() as conn:
            row = (await conn.execute(select(chats).where(chats.c.id == chat_id))).one_or_none()
            if row is None:
                await conn.execute(
                    chats.insert().values(
                        id=chat_id,
                        kind=kind,
                        title=title,
                        language=language,
                        timezone=self._default_timezone,
                        digest_always=False,
                        instant=True,
                        active=True,
                        send_failures=0,
                        created_at=now,
                    )
                )
            elif not row.active or row.title != title:
                await conn.execute(
                    chats.update().where(chats.c.id == chat_id).values(active=True, send_failures=0, title=title)
                )
            row = (await conn.execute(select(chats).where(chats.c.id == chat_id))).one()
        return _chat(row)

    async def get(self, chat_id: int) -> ChatRecord | None:
        """One chat, or None."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(chats).where(chats.c.id == chat_id))).one_or_none()
        return None if row is None else _chat(row)

    async def get_many(self, chat_ids: Iterable[int]) -> dict[int, ChatRecord]:
        """Several chats by id, in a few queries (unknown ids are absent)."""
        wanted = sorted(set(chat_ids))
        found: dict[int, ChatRecord] = {}
        for chunk in id_chunks(wanted):
            query = select(chats).where(chats.c.id.in_(chunk))
            async with self._engine.connect() as conn:
                found.update((int(r.id), _chat(r)) for r in (await conn.execute(query)).all())
        return found

    async def all(self, *, active_only: bool = True) -> list[ChatRecord]:
        """All chats."""
        query = select(chats).order_by(chats.c.id)
        if active_only:
            query = query.where(chats.c.active.is_(True))
        async with self._engine.connect() as conn:
            return [_chat(r) for r in (await conn.execute(query)).all()]

    async def update(self, chat_id: int, **values: Any) -> None:
        """Change chat settings (language, timezone, digest_time, instant, quiet_hours …)."""
        unknown = set(values) - set(_CHAT_FIELDS)
        if unknown:
            raise ValueError(f"unknown chat settings: {sorted(unknown)}")
        async with self._engine.begin() as conn:
            await conn.execute(chats.update().where(chats.c.id == chat_id).values(**values))

    async def record_send_failure(self, chat_id: int, deactivate_after: int) -> bool:
        """Count a delivery refused by the chat; deactivate after repeated refusals. True if deactivated."""
        async with self._engine.begin() as conn:
            await conn.execute(
                chats.update().where(chats.c.id == chat_id).values(send_failures=chats.c.send_failures + 1)
            )
            failures = (await conn.execute(select(chats.c.send_failures).where(chats.c.id == chat_id))).scalar()
            if failures is not None and failures >= deactivate_after:
                await conn.execute(chats.update().where(chats.c.id == chat_id).values(active=False))
                return True
        return False

    async def record_send_success(self, chat_id: int) -> None:
        """Reset the refusal counter after a delivery went through."""
        async with self._engine.begin() as conn:
            await conn.execute(
                chats.update().where(chats.c.id == chat_id, chats.c.send_failures != 0).values(send_failures=0)
            )

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None:
        """Move everything a group owns to its new supergroup id (Telegram's ChatMigrated)."""
        async with self._engine.begin() as conn:
            row = (await conn.execute(select(chats).where(chats.c.id == old_id))).one_or_none()
            if row is None:
                return
            exists = (await conn.execute(select(chats.c.id).where(chats.c.id == new_id))).scalar()
            if exists is None:
                values = {name: getattr(row, name) for name in _CHAT_FIELDS if name != "id"}
                values["kind"] = "supergroup"
                await conn.execute(chats.insert().values(id=new_id, created_at=now, **values))
                await conn.execute(
                    chats.update()
                    .where(chats.c.id == new_id)
                    .values(next_subscription_number=row.next_subscription_number)
                )
            else:
                # The supergroup already has subscriptions of its own: the moved ones get numbers after its
                # (the group's numbers would collide), in their old order.
                moved = (
                    await conn.execute(
                        select(subscriptions.c.id)
                        .where(subscriptions.c.chat_id == old_id)
                        .order_by(subscriptions.c.number)
                    )
                ).scalars().all()
                first = await _allocate_numbers(conn, new_id, len(moved)) if moved else 0
                for offset, sub_id in enumerate(moved):
                    await conn.execute(
                        subscriptions.update()
                        .where(subscriptions.c.id == sub_id)
                        .values(chat_id=new_id, number=first + offset)
                    )
            for table in (subscriptions, deliveries, follows, hidden_notices):
                await conn.execute(update(table).where(table.c.chat_id == old_id).values(chat_id=new_id))
            await conn.execute(delete(chats).where(chats.c.id == old_id))

    # --- subscriptions -------------------------------------------------------------------------

    async def add_subscription(
        self, chat_id: int, query: str, now: datetime, *, name: str = "", instant: bool = True
    ) -> Subscription:
        """Save a (validated) query for a chat, under the chat's next subscription number."""
        async with self._engine.begin() as conn:
            number = await _allocate_numbers(conn, chat_id)
            result = await conn.execute(
                subscriptions.insert().values(
                    chat_id=chat_id,
                    number=number,
                    name=name,
                    query=query,
                    active=True,
                    instant=instant,
                    excluded_buyers=[],
                    created_at=now,
                )
            )
            sub_id = new_id(result)
        return Subscription(id=sub_id, chat_id=chat_id, query=query, name=name, instant=instant, number=number)

    async def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions by number (which is creation order)."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(subscriptions).where(subscriptions.c.chat_id == chat_id).order_by(subscriptions.c.number)
                )
            ).all()
        return [_subscription(r) for r in rows]

    async def subscription_by_number(self, chat_id: int, number: int) -> Subscription | None:
        """A chat's subscription by the number it was given (#3), or None."""
        query = select(subscriptions).where(subscriptions.c.chat_id == chat_id, subscriptions.c.number == number)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _subscription(row)

    async def active_subscriptions_of(self, chat_ids: Iterable[int]) -> dict[int, list[Subscription]]:
        """The active subscriptions of several chats, each chat's in creation order."""
        wanted = sorted(set(chat_ids))
        found: dict[int, list[Subscription]] = {c: [] for c in wanted}
        for chunk in id_chunks(wanted):
            query = (
                select(subscriptions)
                .where(subscriptions.c.chat_id.in_(chunk), subscriptions.c.active.is_(True))
                .order_by(subscriptions.c.id)
            )
            async with self._engine.connect() as conn:
                for r in (await conn.execute(query)).all():
                    found[int(r.chat_id)].append(_subscription(r))
        return found

    async def subscription(self, sub_id: int) -> Subscription | None:
        """One subscription by id."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id))).one_or_none()
        return None if row is None else _subscription(row)

    async def active_subscriptions(self) -> list[Subscription]:
        """Every active subscription of every active chat."""
        query = (
            select(subscriptions)
            .join(chats, chats.c.id == subscriptions.c.chat_id)
            .where(subscriptions.c.active.is_(True), chats.c.active.is_(True))
            .order_by(subscriptions.c.id)
        )
        async with self._engine.connect() as conn:
            return [_subscription(r) for r in (await conn.execute(query)).all()]

    async def subscriptions_version(self) -> tuple[str, int]:
        """(this database's id, a counter every change to subscriptions or to a chat's active flag bumps).

        Database triggers keep the counter (migration 0008), so no write path can forget it: the matcher
        knows when to recompile, and a cached compiled index when it is stale.
        """
        query = select(subscription_revision.c.database_id, subscription_revision.c.revision).where(
            subscription_revision.c.id == 1
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one()
        return str(row.database_id), int(row.revision)

    async def delete_subscription(self, chat_id: int, sub_id: int) -> bool:
        """Delete a chat's subscription; False if it is not theirs."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(subscriptions).where(subscriptions.c.id == sub_id, subscriptions.c.chat_id == chat_id)
            )
        return bool(result.rowcount)

    async def remove_subscription(self, chat_id: int, sub_id: int) -> dict[str, Any] | None:
        """Delete a chat's subscription and return everything it was (JSON-safe), for an undo; None if not theirs."""
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    select(subscriptions).where(subscriptions.c.id == sub_id, subscriptions.c.chat_id == chat_id)
                )
            ).one_or_none()
            if row is None:
                return None
            await conn.execute(delete(subscriptions).where(subscriptions.c.id == sub_id))
        # Plain str keys: column names are quoted_name (a str subclass), which orjson refuses as keys.
        snapshot = {str(key): value for key, value in row._mapping.items()}
        snapshot["created_at"] = row.created_at.isoformat()
        snapshot["excluded_buyers"] = list(row.excluded_buyers or ())
        return snapshot

    async def restore_subscription(self, snapshot: dict[str, Any]) -> Subscription | None:
        """Put back a removed subscription with its id and number; None when its chat or number is taken."""
        values = dict(snapshot)
        values["created_at"] = datetime.fromisoformat(str(values["created_at"]))
        chat_id, number = int(values["chat_id"]), int(values["number"])
        async with self._engine.begin() as conn:
            taken = (
                await conn.execute(
                    select(func.count())
                    .select_from(subscriptions)
                    .where(
                        (subscriptions.c.id == int(values["id"]))
                        | ((subscriptions.c.chat_id == chat_id) & (subscriptions.c.number == number))
                    )
                )
            ).scalar_one()
            known = (await conn.execute(select(chats.c.id).where(chats.c.id == chat_id))).scalar()
            if taken or known is None:
                return None
            # Same id as before: alerts already sent name it (屏蔽采购人 finds it again), and a robot binding
            # lives on the row.
            await conn.execute(subscriptions.insert().values(**values))
            row = (await conn.execute(select(subscriptions).where(subscriptions.c.id == int(values["id"])))).one()
        return _subscription(row)

    async def update_subscription(self, chat_id: int, sub_id: int, **values: Any) -> bool:
        """Change a chat's subscription (active, instant, query, name, excluded_buyers)."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                subscriptions.update()
                .where(subscriptions.c.id == sub_id, subscriptions.c.chat_id == chat_id)
                .values(**values)
            )
        return bool(result.rowcount)

    # --- follows and hidden projects -------------------------------------------------------------

    async def follow(self, chat_id: int, project_id: int, notice_id: int, now: datetime) -> bool:
        """Follow a project (reminders and updates); False when already followed."""
        async with self._engine.begin() as conn:
            found = (
                await conn.execute(
                    select(follows.c.chat_id).where(follows.c.chat_id == chat_id, follows.c.project_id == project_id)
                )
            ).scalar()
            if found is not None:
                return False
            await conn.execute(
                follows.insert().values(chat_id=chat_id, project_id=project_id, notice_id=notice_id, created_at=now)
            )
        return True

    async def followers(self, project_id: int) -> list[int]:
        """Chats following a project."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(follows.c.chat_id).where(follows.c.project_id == project_id))
            return [int(r) for r in rows.scalars()]

    async def followed(self) -> list[tuple[int, int]]:
        """Every (chat, project) follow of active chats."""
        query = select(follows.c.chat_id, follows.c.project_id).join(chats, chats.c.id == follows.c.chat_id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query.where(chats.c.active.is_(True)))).all()
        return [(int(r.chat_id), int(r.project_id)) for r in rows]

    async def hide(self, chat_id: int, project_id: int, now: datetime) -> None:
        """Hide a project from a chat (不相关)."""
        async with self._engine.begin() as conn:
            found = (
                await conn.execute(
                    select(hidden_notices.c.chat_id).where(
                        hidden_notices.c.chat_id == chat_id, hidden_notices.c.project_id == project_id
                    )
                )
            ).scalar()
            if found is None:
                await conn.execute(
                    hidden_notices.insert().values(chat_id=chat_id, project_id=project_id, created_at=now)
                )

    async def hidden_projects(self) -> set[tuple[int, int]]:
        """All (chat, project) pairs hidden by chats."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(hidden_notices.c.chat_id, hidden_notices.c.project_id))).all()
        return {(int(r.chat_id), int(r.project_id)) for r in rows}

    async def follow_count(self, chat_id: int) -> int:
        """How many projects a chat follows."""
        query = select(func.count()).select_from(follows).where(follows.c.chat_id == chat_id)
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    # --- what an alert was about -----------------------------------------------------------------

    async def alert_subscription_ids(self, chat_id: int, notice_id: int) -> tuple[int, ...] | None:
        """The subscriptions that produced a chat's alert about a notice; None when no alert is known."""
        query = (
            select(deliveries.c.subscription_ids)
            .where(deliveries.c.chat_id == chat_id, deliveries.c.notice_id == notice_id)
            .order_by(deliveries.c.id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).scalars().all()
        if not rows:
            return None
        return tuple(dict.fromkeys(int(i) for ids in rows for i in (ids or ())))

    async def alerts_sent_since(self, chat_id: int, since: datetime) -> int:
        """Alerts delivered to a chat since a time (for /status)."""
        query = (
            select(func.count())
            .select_from(deliveries)
            .where(
                deliveries.c.chat_id == chat_id,
                deliveries.c.kind == "alert",
                deliveries.c.state == "sent",
                deliveries.c.sent_at >= since,
            )
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    # --- imports ---------------------------------------------------------------------------------

    async def replace_subscriptions(
        self, chat_id: int, add: list[NewSubscription], remove_ids: list[int], now: datetime
    ) -> list[Subscription]:
        """Add and delete a chat's subscriptions in one transaction (an import applies all or nothing)."""
        created: list[Subscription] = []
        async with self._engine.begin() as conn:
            first = await _allocate_numbers(conn, chat_id, len(add)) if add else 0
            if remove_ids:
                await conn.execute(
                    delete(subscriptions).where(subscriptions.c.chat_id == chat_id, subscriptions.c.id.in_(remove_ids))
                )
            for number, item in enumerate(add, start=first):
                result = await conn.execute(
                    subscriptions.insert().values(
                        chat_id=chat_id,
                        number=number,
                        name=item.name,
                        query=item.query,
                        active=item.active,
                        instant=True,
                        excluded_buyers=list(item.excluded_buyers),
                        created_at=now,
                    )
                )
                created.append(
                    Subscription(
                        id=new_id(result),
                        chat_id=chat_id,
                        query=item.query,
                        name=item.name,
                        active=item.active,
                        excluded_buyers=item.excluded_buyers,
                        number=number,
                    )
                )
        return created
