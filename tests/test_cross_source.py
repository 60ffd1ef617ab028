"""One project, one notice: the same tender on two portals is stored and alerted once; its amendment,
published on only one of them, reaches the chat as a reply to the original alert."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from tenderbot.app import TenderBot
from tests.e2e_support import BJ, E2E, settings_for
from tests.fake_telegram import FakeTelegram
from tests.replay_server import Hit, ReplayServer

USER = 6161


def feed(base: str, links: list[str], published: datetime) -> str:
    """A minimal RSS feed listing some pages."""
    items = "".join(
        f"<item><title>公告</title><link>{base}{link}</link><guid>{base}{link}</guid>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
        for link in links
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


async def test_one_notice_across_portals_and_the_amendment_replies_to_the_alert(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    local = now.astimezone(BJ)
    deadline = (local + timedelta(days=20)).replace(hour=9, minute=30, second=0, microsecond=0)
    new_deadline = deadline + timedelta(days=7)
    values = {
        "published": f"{local:%Y-%m-%d}",
        "published_cn": f"{local:%Y年%m月%d日}",
        "deadline_cn": f"{deadline:%Y年%m月%d日}",
        "new_deadline_cn": f"{new_deadline:%Y年%m月%d日}",
        "sale_start_cn": f"{local + timedelta(days=1):%Y年%m月%d日}",
        "sale_end_cn": f"{local + timedelta(days=6):%Y年%m月%d日}",
        "amended": f"{local + timedelta(days=1):%Y-%m-%d}",
        "amended_cn": f"{local + timedelta(days=1):%Y年%m月%d日}",
    }
    tender = (E2E / "lc-tender.html.tmpl").read_text("utf-8").format(**values)
    amendment = (E2E / "lc-amendment.html.tmpl").read_text("utf-8").format(**values)
    amended = threading.Event()
    html = {"Content-Type": "text/html; charset=utf-8"}
    rss = {"Content-Type": "application/rss+xml; charset=utf-8"}
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        # The national portal and a provincial one publish the same tender under different URLs.
        server.add("GET", "/a/feed.xml", feed(server.url, ["/a/notice/1.html"], now), headers=rss)
        server.add("GET", "/a/notice/1.html", tender, headers=html)

        def portal_b(hit: Hit) -> str:
            links = ["/b/detail/9.html"] + (["/b/detail/10.html"] if amended.is_set() else [])
            return feed(server.url, links, now)

        server.add("GET", "/b/feed.xml", portal_b, headers=rss)
        server.add("GET", "/b/detail/9.html", tender, headers=html)
        server.add("GET", "/b/detail/10.html", amendment, headers=html)
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            "sources:\n"
            + "".join(
                f"  - name: portal-{name}\n    kind: feed\n    options:\n      url: {server.url}/{name}/feed.xml\n"
                for name in ("a", "b")
            ),
            encoding="utf-8",
        )
        settings = settings_for(tmp_path, sources, fake.server_url)
        async with TenderBot(settings, fetch_min_delay=0.0) as app:
            await app.start_bot()
            fake.push_update(fake.command(USER, USER, "/sub 液相色谱"))
            await fake.wait_for(lambda: any("已订阅" in str(m["text"]) for m in fake.sent("sendMessage", USER)))
            summaries = await app.poll_once()
            assert [(s.source, s.found, s.new) for s in summaries] == [("portal-a", 1, 1), ("portal-b", 1, 0)]
            assert await app.store.notices.count() == 1
            await app.drain()
            alerts = [m for m in fake.messages(USER) if "f:" in str(m.get("reply_markup", ""))]
            assert len(alerts) == 1
            amended.set()
            summaries = await app.poll_once()
            assert [(s.source, s.new) for s in summaries] == [("portal-a", 0), ("portal-b", 1)]
            await app.drain()
        follow_ups = [m for m in fake.messages(USER) if m.get("reply_to_message_id") == alerts[0]["message_id"]]
        assert len(follow_ups) == 1
        text = str(follow_ups[0]["text"])
        assert "更正" in text
        assert f"{deadline:%Y-%m-%d %H:%M}" in text and f"{new_deadline:%Y-%m-%d %H:%M}" in text
