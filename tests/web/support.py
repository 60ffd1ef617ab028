"""The web console's test world: a service in console mode over SQLite, with a few stored notices."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from tenderbot.app import TenderBot
from tenderbot.models import Category, Money, Notice, NoticeType, Party, ProcurementMethod, Region
from tenderbot.settings import Settings
from tenderbot.store.notices import StoredNotice
from tenderbot.web.app import WebContext, create_app
from tenderbot.web.server import build_context

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
# Portal text is untrusted: a title that would run script if it reached a page unescaped.
HOSTILE_TITLE = '某医院<script>alert("x")</script>液相色谱仪采购项目'


def sources_file(tmp: Path, url: str = "http://127.0.0.1:9/feed.xml") -> Path:
    """One feed source (never polled in these tests unless a test asks)."""
    path = tmp / "sources.yaml"
    path.write_text(
        "sources:\n  - name: test-feed\n    kind: feed\n    interval_seconds: 900\n    jitter_seconds: 0\n"
        f"    options:\n      url: {url}\n",
        encoding="utf-8",
    )
    return path


def web_settings(tmp: Path, *, password: str = PASSWORD, listen: str = "127.0.0.1:0", **extra: Any) -> Settings:
    """Console mode, its own database, the console on a free loopback port."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_token=SecretStr(""),
        database_url=f"sqlite+aiosqlite:///{tmp / 'tenderbot.db'}",
        sources_file=extra.pop("sources", None) or sources_file(tmp),
        web_listen=listen,
        web_password=SecretStr(password),
        **extra,
    )


def sample_notices(now: datetime) -> list[Notice]:
    """A tender, its amendment and result, another open tender, a closed one and an unrelated one."""
    hplc = dict(
        project_code="JXZC-2026-0099",
        buyer=Party(name="江西省人民医院", phone="0791-1234567"),
        region=Region(province="江西", city="南昌"),
        categories=(Category.INSTRUMENT,),
    )
    return [
        Notice(
            source="test-feed", source_id="a1", url="https://www.ccgp.gov.cn/a1.htm", title=HOSTILE_TITLE,
            notice_type=NoticeType.TENDER, procurement_method=ProcurementMethod.OPEN,
            budget=Money(Decimal("1500000")), tender_deadline=now + timedelta(days=12),
            published_at=now - timedelta(days=1), text="采购液相色谱仪一台。预算150万元。", **hplc,  # type: ignore[arg-type]
        ),
        Notice(
            source="test-feed", source_id="a2", url="https://www.ccgp.gov.cn/a2.htm",
            title="液相色谱仪采购项目更正公告",
            notice_type=NoticeType.AMENDMENT, tender_deadline=now + timedelta(days=19),
            published_at=now - timedelta(hours=5), text="更正：截止时间延长。液相色谱仪。", **hplc,  # type: ignore[arg-type]
        ),
        Notice(
            source="test-feed", source_id="b1", url="https://www.ccgp.gov.cn/b1.htm", title="浙江大学质谱仪采购",
            notice_type=NoticeType.TENDER, budget=Money(Decimal("4200000")),
            tender_deadline=now + timedelta(days=3), published_at=now - timedelta(days=2),
            buyer=Party(name="浙江大学"), region=Region(province="浙江", city="杭州"),
            categories=(Category.INSTRUMENT,), text="质谱仪 一套",
        ),
        Notice(
            source="test-feed", source_id="c1", url="https://www.ccgp.gov.cn/c1.htm", title="彩色多普勒超声诊断仪采购",
            notice_type=NoticeType.TENDER, budget=Money(Decimal("800000")),
            tender_deadline=now - timedelta(days=2), published_at=now - timedelta(days=6),
            buyer=Party(name="苏州市立医院"), region=Region(province="江苏", city="苏州"),
            categories=(Category.MEDICAL,), text="彩超 一台",
        ),
        Notice(
            source="test-feed", source_id="d1", url="https://www.ccgp.gov.cn/d1.htm", title="办公楼物业服务采购",
            notice_type=NoticeType.TENDER, budget=Money(Decimal("300000")),
            tender_deadline=now + timedelta(days=8), published_at=now - timedelta(days=1),
            buyer=Party(name="某某区政府"), region=Region(province="北京"), text="物业服务",
        ),
    ]


@asynccontextmanager
async def running_bot(settings: Settings, *, now: datetime = NOW, store_samples: bool = True,
                      transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[TenderBot]:
    """A TenderBot (console mode) over a fresh database, with the sample notices stored."""
    async with TenderBot(settings, clock=lambda: now, transport=transport, fetch_min_delay=0.0) as bot:
        if store_samples:
            await bot.store.notices.upsert(sample_notices(now), now)
        yield bot


@asynccontextmanager
async def client_for(context: WebContext, host: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in this event loop."""
    transport = httpx.ASGITransport(app=create_app(context))
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}", follow_redirects=False) as client:
        yield client


def context_of(bot: TenderBot) -> WebContext:
    """The console's context over a running bot."""
    return build_context(bot)


def csrf_of(page: str) -> str:
    """The CSRF token a page carries in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def log_in(client: httpx.AsyncClient, password: str = PASSWORD) -> httpx.Response:
    """Open the login page, then post the password with its CSRF token."""
    page = await client.get("/login")
    return await client.post("/login", data={"password": password, "csrf_token": csrf_of(page.text)})


def rows_of(payload: bytes) -> list[dict[str, Any]]:
    """A JSON export's rows."""
    rows = json.loads(payload)
    assert isinstance(rows, list)
    return rows


async def stored_notices(bot: TenderBot) -> list[StoredNotice]:
    """Every stored notice, oldest first."""
    found: list[StoredNotice] = []
    async for rows in bot.store.notices.raw_since(datetime(2000, 1, 1, tzinfo=UTC)):
        found += [raw.decode() for raw in rows]
    return found
