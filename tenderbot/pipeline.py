"""One polling pass: fetch a source, store what it found, match, and queue the messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tenderbot.models import Change, ChangeKind, NoticeType, SourceState
from tenderbot.notify.render import esc
from tenderbot.sources.base import Source
from tenderbot.sources.common import BEIJING
from tenderbot.sources.fetch import Fetcher
from tenderbot.store.outbox import OutboxItem
from tenderbot.store.repos import Store
from tenderbot.subscriptions import FOLLOW_UP_TYPES, SubscriptionIndex

log = logging.getLogger(__name__)

# Tell the admins after this many failed polls in a row, or when a productive source is silent this long.
FAILURES_BEFORE_REPORT = 3
SILENCE_BEFORE_REPORT = timedelta(days=3)
UPDATE_KINDS = {
    NoticeType.AMENDMENT: "amendment",
    NoticeType.AWARD: "result",
    NoticeType.TERMINATION: "termination",
    NoticeType.CONTRACT: "result",
}


@dataclass(frozen=True, slots=True)
class PollSummary:
    """What one pass over one source did."""

    source: str
    ok: bool
    found: int
    new: int
    updated: int
    queued: int
    error: str | None = None
    # "ok", "failed", "suspect" (an empty listing where there used to be items) or "skipped" (backing off).
    status: str = "ok"


def zone_label(tz: ZoneInfo) -> str:
    """How operator output names a zone: 北京时间 for China's zone, else its IANA name."""
    return "北京时间" if tz.key in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC") else tz.key


def _closed(change: Change, now: datetime) -> bool:
    """A tender whose deadline has passed is kept but not alerted: nobody can act on it any more."""
    deadline = change.notice.tender_deadline
    return deadline is not None and deadline < now and change.notice.notice_type not in FOLLOW_UP_TYPES


class Pipeline:
    """Poll → store → match → outbox, for any source."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        index: SubscriptionIndex,
        *,
        clock: Callable[[], datetime],
        admin_ids: Iterable[int] = (),
        tz: ZoneInfo = BEIJING,
    ) -> None:
        self._tz = tz
        self._store = store
        self._fetcher = fetcher
        self._index = index
        self._clock = clock
        self._admins = tuple(admin_ids)

    def operator_time(self, moment: datetime) -> str:
        """``HH:MM (zone)`` in the operator's zone, the one zone of all operator output."""
        return f"{moment.astimezone(self._tz):%H:%M} ({zone_label(self._tz)})"

    async def poll(self, source: Source, *, force: bool = False) -> PollSummary:
        """Run one pass of a source (``force``: even while it backs off); problems are logged, never raised."""
        now = self._clock()
        state = await self._store.sources.load(source.name)
        result = await source.poll(self._fetcher, state, now=now, force=force)
        if result.skipped:
            until = result.state.backoff_until
            when = self.operator_time(until) if until else "later"
            # Nothing was fetched: say so, never "0 found".
            log.info("%s: skipped: backing off until %s", source.name, when)
            return PollSummary(source=source.name, ok=True, found=0, new=0, updated=0, queued=0,
                               error=result.state.last_error, status="skipped")
        # Compile the matcher before the transaction: with many subscriptions it takes seconds.
        await self._index.refresh()
        try:
            # One transaction: the notices, the cursor and the messages they cause are kept together or
            # not at all. Stored-but-unqueued notices would look known to the next poll and their alerts
            # would be lost for good (issue #9); a notice that cannot be stored is quarantined inside
            # (NoticeRepo.upsert), so one bad record never holds back the others or the cursor (issue #16).
            async with self._store.unit() as unit:
                changes = await unit.notices.upsert(result.notices, now)
                await unit.sources.save(result.state, now)
                queued = await self.queue_for(changes, now, store=unit)
        except Exception as exc:
            log.exception("%s: storing the poll failed; nothing of it was kept, the next poll fetches it again",
                          source.name)
            return PollSummary(source.name, False, len(result.notices), 0, 0, 0, f"{type(exc).__name__}: {exc}",
                               status="failed")
        # Each skipped item was logged by the source where it happened; a failed listing gets one line below.
        await self._report_health(source, result.state, result.ok, now, suspect=result.suspect)
        new = sum(1 for c in changes if c.kind is ChangeKind.NEW)
        summary = PollSummary(
            source=source.name,
            ok=result.ok,
            found=len(result.notices),
            new=new,
            updated=len(changes) - new,
            queued=queued,
            error=None if result.ok else (result.state.last_error or "failed"),
            status="ok" if result.ok else ("suspect" if result.suspect else "failed"),
        )
        if result.suspect:
            log.warning("%s: suspect: %s", source.name, result.suspect)
        elif result.ok:
            log.info(
                "%s: %d found, %d new, %d updated, %d messages queued",
                source.name,
                summary.found,
                summary.new,
                summary.updated,
                queued,
            )
        else:
            retry = result.state.backoff_until
            when = f"; next try after {self.operator_time(retry)}" if retry else ""
            log.warning("%s: unreachable (%s)%s", source.name, summary.error, when)
        return summary

    async def queue_for(self, changes: Sequence[Change], now: datetime, *, store: Store | None = None) -> int:
        """Queue alerts for new matching notices and follow-ups for chats that know the project.

        ``store`` is the unit of work the changes were stored in (default: this pipeline's store).
        """
        if not changes:
            return 0
        store = store or self._store
        if store is self._store:
            await self._index.refresh()
        hidden = await store.chats.hidden_projects()
        items: list[OutboxItem] = []
        for change in changes:
            if change.kind is ChangeKind.NEW and not _closed(change, now):
                items += self._alerts(change, hidden)
            items += await self._follow_ups(change, store)
        return await store.outbox.enqueue(items, now)

    def _alerts(self, change: Change, hidden: set[tuple[int, int]]) -> list[OutboxItem]:
        """One alert per chat, however many of its subscriptions matched."""
        per_chat: dict[int, tuple[list[int], list[str]]] = {}
        for match in self._index.match(change.notice):
            subscription = match.subscription
            if not subscription.instant or (subscription.chat_id, change.project_id) in hidden:
                continue
            sub_ids, terms = per_chat.setdefault(subscription.chat_id, ([], []))
            sub_ids.append(subscription.id)
            terms.extend(t for t in match.terms if t not in terms)
        return [
            OutboxItem(
                chat_id=chat_id,
                kind="alert",
                dedupe_key=f"alert:{change.notice_id}",
                notice_id=change.notice_id,
                subscription_ids=tuple(sub_ids),
                why=tuple(terms),
            )
            for chat_id, (sub_ids, terms) in per_chat.items()
        ]

    async def _follow_ups(self, change: Change, store: Store) -> list[OutboxItem]:
        """Amendments, results and terminations — and changed deadlines — for chats that know the project."""
        notice = change.notice
        if change.project_id is None:
            return []
        if change.kind is ChangeKind.NEW and notice.notice_type in FOLLOW_UP_TYPES:
            kind = UPDATE_KINDS[notice.notice_type]
        elif (
            change.kind is ChangeKind.UPDATED
            and change.previous is not None
            and (change.previous.tender_deadline != notice.tender_deadline or change.previous.budget != notice.budget)
        ):
            kind = "amendment"
        else:
            return []
        chats = set(await store.outbox.alerted_chats(change.project_id))
        chats |= set(await store.chats.followers(change.project_id))
        key = f"{kind}:{change.notice_id}:{notice.content_hash[:10]}"
        return [
            OutboxItem(chat_id=chat_id, kind=kind, dedupe_key=key, notice_id=change.notice_id)
            for chat_id in sorted(chats)
        ]

    async def _report_health(
        self, source: Source, state: SourceState, ok: bool, now: datetime, *, suspect: str | None = None
    ) -> None:
        """Tell the admin chats once when a source keeps failing, lists nothing suspiciously, or falls silent."""
        if not self._admins:
            return
        problem: str | None = None
        if suspect:
            problem = f"列表解析为 0 条，而最近几次都有公告：页面可能已改版或被静默拦截（{suspect}）"
        elif not ok and state.failures >= FAILURES_BEFORE_REPORT:
            problem = f"连续 {state.failures} 次抓取失败：{state.last_error or '未知错误'}"
        elif ok and state.last_notice_at and now - state.last_notice_at > SILENCE_BEFORE_REPORT:
            problem = f"已 {(now - state.last_notice_at).days} 天没有新公告，页面结构可能已变化"
        reported = await self._store.sources.reported_at(source.name)
        if problem is None:
            if reported is not None:
                await self._store.sources.mark_reported(source.name, None)
            return
        if reported is not None and now - reported < timedelta(hours=24):
            return
        text = f"⚠️ <b>数据源 {esc(source.name)}</b>\n{esc(problem)}\n用 <code>tenderbot sources check</code> 诊断。"
        day = now.date().isoformat()
        items = [
            OutboxItem(chat_id=admin, kind="health", dedupe_key=f"health:{source.name}:{day}", payload={"text": text})
            for admin in self._admins
        ]
        await self._store.outbox.enqueue(items, now)
        await self._store.sources.mark_reported(source.name, now)
