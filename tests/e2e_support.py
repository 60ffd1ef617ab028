"""Builds the offline world for end-to-end tests: a replayed feed of announcement pages and settings."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from tenderbot.settings import Settings
from tests.replay_server import Hit, ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
E2E = FIXTURES / "e2e"
CORPUS = FIXTURES / "corpus"
BJ = ZoneInfo("Asia/Shanghai")
TOKEN = "123456:TEST-fake-token"


class PortalWorld:
    """A replay server with a feed that is empty until ``publish()`` (so a test controls when news arrives)."""

    def __init__(self, server: ReplayServer, now: datetime) -> None:
        self.server = server
        self.published = threading.Event()
        local = now.astimezone(BJ)
        self.deadline = (local + timedelta(days=20)).replace(hour=9, minute=30, second=0, microsecond=0)
        values = {
            "published": f"{local:%Y-%m-%d}",
            "published_cn": f"{local:%Y年%m月%d日}",
            "deadline_cn": f"{self.deadline:%Y年%m月%d日}",
            "sale_start_cn": f"{local + timedelta(days=1):%Y年%m月%d日}",
            "sale_end_cn": f"{local + timedelta(days=6):%Y年%m月%d日}",
            "published_rfc822": format_datetime(local),
            "base": server.url,
        }
        self._feed = (E2E / "feed.xml.tmpl").read_text("utf-8").format(**values)
        self._empty_feed = self._feed.split("<item>")[0] + "</channel>\n</rss>\n"
        page = (E2E / "lc-tender.html.tmpl").read_text("utf-8").format(**values)
        server.add("GET", "/feed.xml", self._feed_body, headers={"Content-Type": "application/rss+xml; charset=utf-8"})
        server.add("GET", "/notice/lc-tender.html", page, headers={"Content-Type": "text/html; charset=utf-8"})
        server.add_file("/notice/shandong-lots.html", CORPUS / "medtext-tender-shandong-lots-wanyuan-table.html")
        server.add_file("/notice/hebei-coal.html", CORPUS / "medtext-tender-hebei-hospital-coal.html")

    def _feed_body(self, hit: Hit) -> str:
        return self._feed if self.published.is_set() else self._empty_feed

    def publish(self) -> None:
        """From now on the feed lists the announcements."""
        self.published.set()

    def write_sources(self, path: Path, *, interval_seconds: int = 900) -> Path:
        """A sources.yaml with one feed source pointing at this server."""
        path.write_text(
            "sources:\n"
            "  - name: test-feed\n"
            "    kind: feed\n"
            f"    interval_seconds: {interval_seconds}\n"
            "    jitter_seconds: 0\n"
            "    options:\n"
            f"      url: {self.server.url}/feed.xml\n",
            encoding="utf-8",
        )
        return path


def settings_for(tmp: Path, sources_file: Path, api_url: str | None) -> Settings:
    """Settings for a test run: its own database, the test sources, the fake Bot API (or console mode)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_token=SecretStr(TOKEN if api_url else ""),
        telegram_api_url=api_url or "https://api.telegram.invalid",
        database_url=f"sqlite+aiosqlite:///{tmp / 'tenderbot.db'}",
        sources_file=sources_file,
        admin_chat_ids="",
    )
