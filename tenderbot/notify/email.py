"""E-mail for teams that chose an address instead of a robot: smtplib, run in a worker thread."""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from tenderbot.errors import ConfigError, MessageRejected, NotifyError

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
SECURITY_MODES = ("starttls", "ssl", "none")


def valid_address(address: str) -> bool:
    """A plausible single e-mail address (no display name, no list, no header injection)."""
    return bool(_ADDRESS.match(address)) and len(address) <= 254


def html_to_text(telegram_html: str) -> str:
    """The plain-text part: tags dropped, links written out as "label (url)", entities decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", telegram_html)
    return html.unescape(_TAG.sub("", text))


def html_to_email(telegram_html: str) -> str:
    """The HTML part: Telegram HTML is already escaped; its line breaks are kept with pre-wrap."""
    return (
        '<!doctype html><html><body><div style="white-space:pre-wrap;font-family:sans-serif;line-height:1.5">'
        f"{telegram_html}</div></body></html>"
    )


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send mail (from ``TENDERBOT_SMTP_*``)."""

    host: str
    port: int = 587
    sender: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    timeout: float = 20.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ConfigError(f"TENDERBOT_SMTP_SECURITY: {self.security!r}; use starttls, ssl or none")
        if not valid_address(self.sender):
            raise ConfigError("TENDERBOT_SMTP_FROM must be an e-mail address when TENDERBOT_SMTP_HOST is set")


class Mailer:
    """Sends one message at a time; SMTP is blocking, so each send runs in a thread."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, to: str, subject: str, telegram_html: str) -> None:
        """Send a rendered message; MessageRejected when the server refuses the address, NotifyError otherwise."""
        if not valid_address(to):
            raise MessageRejected(f"not an e-mail address: {to!r}")
        message = EmailMessage()
        message["From"] = formataddr(("tenderbot", self._config.sender))
        message["To"] = to
        message["Subject"] = " ".join(subject.split())[:200]
        message["Message-ID"] = make_msgid(domain=self._config.sender.rsplit("@", 1)[1])
        message.set_content(html_to_text(telegram_html))
        message.add_alternative(html_to_email(telegram_html), subtype="html")
        await asyncio.to_thread(self._send_sync, message)

    def _send_sync(self, message: EmailMessage) -> None:
        config = self._config
        where = f"SMTP {config.host}:{config.port}"
        try:
            client: smtplib.SMTP
            if config.security == "ssl":
                client = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            with client:
                if config.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if config.username:
                    client.login(config.username, config.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise MessageRejected(f"{where} refused the recipient") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise NotifyError(f"{where}: {type(exc).__name__}: {exc}") from exc
