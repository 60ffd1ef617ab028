"""The channel of web-console teams: every message of a team (alerts, updates, digests, reminders) goes
to the team's destination, a WeCom / DingTalk / Feishu robot or an e-mail address."""

from __future__ import annotations

import html
import re
from typing import Any, Protocol

from tenderbot.errors import ChatGone, ConfigError, NotifyError, RetryLater
from tenderbot.notify.channels import Buttons
from tenderbot.notify.email import Mailer
from tenderbot.notify.markdown import telegram_html_to_markdown
from tenderbot.notify.webhooks import WebhookSender, WebhookTarget

_TAG = re.compile(r"<[^>]+>")


class Destinations(Protocol):
    """Looks up where a team's messages go."""

    async def destination(self, team_id: int) -> dict[str, Any] | None:
        """The stored destination, or None when the team is gone."""


def heading_and_body(telegram_html: str) -> tuple[str, str]:
    """A message's first line as a plain-text heading, and the rest (still Telegram HTML)."""
    first, _, rest = telegram_html.partition("\n")
    heading = html.unescape(_TAG.sub("", first)).strip() or "tenderbot"
    return heading, rest if rest.strip() else telegram_html


class TeamChannel:
    """Delivers a rendered message to a team's robot or mailbox; maps failures onto the sender's errors."""

    def __init__(self, teams: Destinations, webhooks: WebhookSender, mailer: Mailer | None) -> None:
        self._teams = teams
        self._webhooks = webhooks
        self._mailer = mailer

    async def send(
        self, chat_id: int, text: str, *, reply_to: int | None = None, buttons: Buttons | None = None
    ) -> int | None:
        """Send one message (buttons and replies do not exist on robots or in mail: they are dropped)."""
        destination = await self._teams.destination(chat_id)
        if not destination:
            raise ChatGone(f"team {chat_id} has no destination")
        await deliver(destination, text, self._webhooks, self._mailer)
        return None


async def deliver(destination: dict[str, Any], text: str, webhooks: WebhookSender, mailer: Mailer | None) -> None:
    """Post Telegram-HTML ``text`` to one destination (also used by the console's "send a test message")."""
    heading, body = heading_and_body(text)
    if destination.get("kind") == "email":
        if mailer is None:
            raise NotifyError("e-mail is not configured (TENDERBOT_SMTP_HOST)")
        await mailer.send(str(destination.get("to", "")), heading, text)
        return
    try:
        target = WebhookTarget.from_config(destination)
    except ConfigError as exc:
        raise ChatGone(f"team destination unusable: {exc}") from exc
    try:
        await webhooks.send(target, heading, telegram_html_to_markdown(body))
    except RetryLater as exc:
        # The robot's own throttle must not pause the Telegram limiter: retry this row on its own backoff.
        raise RetryLater(str(exc), None) from exc
