"""Team subscriptions of the web console: validate, save, keep the matcher index in step, preview, test."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlsplit

from tenderbot.errors import ConfigError, QueryError
from tenderbot.matching.query import parse_query
from tenderbot.notify.email import Mailer, valid_address
from tenderbot.notify.hookguard import HookPolicy, destination_problem
from tenderbot.notify.render import esc, render_alert
from tenderbot.notify.team import deliver
from tenderbot.notify.webhooks import WebhookSender
from tenderbot.services.search import Hit, SortOrder, sort_hits
from tenderbot.store.notices import NoticeRepo
from tenderbot.store.teams import Team, TeamRepo
from tenderbot.subscriptions import SubscriptionIndex

PREVIEW_DAYS = 7
DESTINATION_KINDS = ("wecom", "dingtalk", "feishu", "email")
ROBOT_KINDS = frozenset({"wecom", "dingtalk", "feishu"})
_DIGEST_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class TeamForm:
    """What the console's form submits for a team subscription."""

    name: str
    query: str
    kind: str
    url: str = ""
    secret: str = ""
    email: str = ""
    digest_time: str = ""


def destination_of(form: TeamForm) -> dict[str, Any]:
    """The stored destination for a form; ConfigError when the address or URL is not acceptable."""
    if form.kind == "email":
        address = form.email.strip()
        if not valid_address(address):
            raise ConfigError("请填写一个有效的电子邮件地址 (enter one valid e-mail address)")
        return {"kind": "email", "to": address}
    if form.kind not in ROBOT_KINDS:
        raise ConfigError(f"unknown destination {form.kind!r}")
    url = form.url.strip()
    if not url:
        raise ConfigError("请填写机器人 Webhook 地址 (enter the robot's webhook URL)")
    destination = {"kind": form.kind, "url": url}
    if form.secret.strip():
        destination["secret"] = form.secret.strip()
    return destination


def validate(form: TeamForm) -> tuple[str, dict[str, Any], str | None]:
    """The canonical query, destination and digest time; QueryError or ConfigError for bad input."""
    query = parse_query(form.query).canonical()
    destination = destination_of(form)
    digest = form.digest_time.strip() or None
    if digest is not None and not _DIGEST_TIME.match(digest):
        raise ConfigError("摘要时间请写成 HH:MM，如 08:30 (digest time as HH:MM)")
    if not form.name.strip():
        raise ConfigError("请填写名称 (a name is required)")
    return query, destination, digest


def destination_label(destination: dict[str, Any]) -> str:
    """Where a team's messages go, safe to show: the platform and host, or the address (never the key)."""
    if destination.get("kind") == "email":
        return str(destination.get("to", ""))
    host = urlsplit(str(destination.get("url", ""))).hostname or "?"
    return f"{destination.get('kind', '?')} · {host}"


class TeamService:
    """Create, edit, pause and delete team subscriptions; preview and test them."""

    def __init__(
        self,
        teams: TeamRepo,
        notices: NoticeRepo,
        index: SubscriptionIndex,
        webhooks: WebhookSender,
        mailer: Mailer | None,
        *,
        clock: Callable[[], datetime],
        synonyms: Callable[[str], Iterable[str]] | None = None,
        policy: HookPolicy | None = None,
    ) -> None:
        self.teams = teams
        self._policy = policy or HookPolicy()
        self._notices = notices
        self._index = index
        self._webhooks = webhooks
        self._mailer = mailer
        self._clock = clock
        self._synonyms = synonyms

    async def _checked(self, form: TeamForm) -> tuple[str, dict[str, Any], str | None]:
        """``validate`` plus the hook policy for a robot URL (https to an allowed host, public addresses only)."""
        query, destination, digest = validate(form)
        if destination["kind"] in ROBOT_KINDS:
            problem = await destination_problem(destination["url"], self._policy)
            if problem:
                raise ConfigError(problem)
        return query, destination, digest

    async def create(self, form: TeamForm, language: str = "zh") -> Team:
        """Save a new team subscription and add it to the matcher at once."""
        query, destination, digest = await self._checked(form)
        team = await self.teams.create(
            form.name.strip()[:100], query, destination, self._clock(), language=language, digest_time=digest
        )
        self._index.put(team.subscription)
        return team

    async def edit(self, team_id: int, form: TeamForm) -> bool:
        """Change a team subscription (a blank robot secret keeps the stored one)."""
        current = await self.teams.get(team_id)
        if current is None:
            return False
        if form.kind == current.destination.get("kind") and not form.secret.strip():
            form = replace(form, secret=str(current.destination.get("secret", "")))
        query, destination, digest = await self._checked(form)
        subscription = await self.teams.update(
            team_id, name=form.name.strip()[:100], query=query, destination=destination, digest_time=digest
        )
        if subscription is None:
            return False
        self._index.put(subscription)
        return True

    async def set_active(self, team_id: int, active: bool) -> bool:
        """Pause or resume."""
        subscription = await self.teams.set_active(team_id, active)
        if subscription is None:
            return False
        self._index.put(subscription)  # put drops an inactive one
        return True

    async def delete(self, team_id: int) -> bool:
        """Delete a team and its queued messages."""
        removed = await self.teams.delete(team_id)
        for sub_id in removed:
            self._index.drop(sub_id)
        return bool(removed)

    async def preview(self, query_text: str, *, limit: int = 10) -> tuple[int, list[Hit]]:
        """How many notices of the last 7 days the query would have sent, and the first few by deadline."""
        query = parse_query(query_text)
        now = self._clock()
        # The same reading and rules as /sub's preview (synonyms, follow-up types).
        matched = await self._index.recent_matches(self._notices, query, now - timedelta(days=PREVIEW_DAYS))
        hits = [Hit(stored, terms) for stored, terms in matched]
        return len(hits), sort_hits(hits, SortOrder.DEADLINE, now)[:limit]

    async def send_test(self, team_id: int, tz: tzinfo) -> str:
        """Send the newest matching notice (or a greeting) to the team's destination now; what was sent."""
        team = await self.teams.get(team_id)
        if team is None:
            raise ConfigError("no such team")
        try:
            _count, hits = await self.preview(team.subscription.query, limit=1)
        except QueryError:
            hits = []
        now = self._clock()
        if hits:
            hit = hits[0]
            text = render_alert(hit.stored.notice, why=hit.terms, now=now, tz=tz, language=team.language)
            label = hit.stored.notice.title or ""
        else:
            text = f"<b>tenderbot 测试消息 / test message</b>\n{esc(team.name)}: {esc(team.subscription.query)}"
            label = "test"
        await deliver(team.destination, text, self._webhooks, self._mailer)
        return label

