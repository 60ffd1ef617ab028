"""Feed source: RSS/Atom parsing, conditional polling, per-item failures, backoff."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from tenderbot.models import SourceState
from tenderbot.sources.base import SourceConfig
from tenderbot.sources.feed import FeedSource, parse_feed
from tenderbot.sources.fetch import Fetcher
from tests.replay_server import ReplayServer
from tests.sources.conftest import NOW, fixture_bytes

HTML = {"Content-Type": "text/html; charset=utf-8"}
GUIZHOU = "ccgp-detail-guizhou-zbgg-2025-06-27.html"  # real, 2025-06-27
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def rss(base: str, ids: list[int]) -> str:
    """An RSS 2.0 document with one item per id, newest first, with the junk real feeds carry."""
    items = "".join(
        f"<item><title>医疗设备采购公告&nbsp;{i} &amp; 附件</title><link>{base}/n/{i}.html</link>"
        f"<guid>{base}/n/{i}.html</guid><pubDate>Sun, {19 + min(i, 3):02d} Nov 2026 09:00:00 +0800</pubDate>"
        f"<description><![CDATA[<p>预算金额：{i}万元</p>]]></description></item>"
        for i in ids
    )
    return f"\ufeff\n  <?xml version='1.0'?><rss version='2.0'><channel><title>T & C</title>{items}</channel></rss>"


def make(base: str, **options: object) -> FeedSource:
    return FeedSource(SourceConfig(name="feed-test", kind="feed", options={"url": base + "/feed.xml", **options}))


async def test_first_poll_fetches_each_item_page(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", rss(replay.url, [3, 2, 1]), headers=RSS, etag='"e1"')
    for i in (1, 2, 3):
        replay.add("GET", f"/n/{i}.html", f"<html><body><h1>公告 {i}</h1><p>采购监护仪</p></body></html>",
                   headers=HTML)
    result = await make(replay.url).poll(fetcher, SourceState(name="feed-test"), now=NOW)
    assert result.ok and not result.errors
    assert [n.source_id for n in result.notices] == [f"{replay.url}/n/{i}.html" for i in (1, 2, 3)]
    first = result.notices[0]
    assert first.source == "feed-test" and first.url.endswith("/n/1.html")
    assert "监护仪" in first.text
    assert first.title == "医疗设备采购公告 1 & 附件"
    assert first.published_at is not None and first.published_at.utcoffset() == timedelta(hours=8)
    assert result.state.etag == '"e1"' and result.state.failures == 0
    assert result.state.last_success == NOW and result.state.last_notice_at == NOW
    assert set(result.state.seen) == {n.source_id for n in result.notices}

    again = await make(replay.url).poll(fetcher, result.state, now=NOW + timedelta(minutes=15))
    assert again.ok and again.notices == ()
    assert replay.hits("/feed.xml")[-1].header("If-None-Match") == '"e1"'
    assert len(replay.hits("/n/1.html")) == 1


async def test_new_item_only_and_failed_item_retried(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", rss(replay.url, [2, 1]), headers=RSS, times=1)
    replay.add("GET", "/feed.xml", rss(replay.url, [3, 2, 1]), headers=RSS)
    replay.add("GET", "/n/1.html", "<html><body>一</body></html>", headers=HTML)
    replay.add("GET", "/n/2.html", "gone", status=404, times=1)
    replay.add("GET", "/n/2.html", "<html><body>二</body></html>", headers=HTML)
    replay.add("GET", "/n/3.html", "<html><body>三</body></html>", headers=HTML)
    source = make(replay.url)
    first = await source.poll(fetcher, SourceState(name="feed-test"), now=NOW)
    assert first.ok
    assert [n.source_id.rsplit("/", 1)[-1] for n in first.notices] == ["1.html"]
    assert len(first.errors) == 1 and "404" in first.errors[0]
    second = await source.poll(fetcher, first.state, now=NOW + timedelta(minutes=15))
    assert sorted(n.source_id.rsplit("/", 1)[-1] for n in second.notices) == ["2.html", "3.html"]
    assert len(replay.hits("/n/1.html")) == 1


async def test_listing_failure_backs_off_and_never_raises(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", "oops", status=500)
    source = make(replay.url)
    result = await source.poll(fetcher, SourceState(name="feed-test", failures=2), now=NOW)
    assert not result.ok and result.notices == ()
    assert result.state.failures == 3
    assert result.state.last_error and "500" in result.state.last_error
    assert result.state.backoff_until is not None and result.state.backoff_until > NOW
    hits = len(replay.hits("/feed.xml"))
    during = await source.poll(fetcher, result.state, now=NOW + timedelta(seconds=1))
    assert during.ok and during.notices == () and during.state == result.state
    assert len(replay.hits("/feed.xml")) == hits  # nothing fetched while backing off


async def test_block_page_backs_off_longer(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", "<html><head><title>安全验证</title></head><body></body></html>", headers=HTML)
    replay.add("GET", "/other.xml", "oops", status=503)
    blocked = await make(replay.url).poll(fetcher, SourceState(name="feed-test"), now=NOW)
    failed = await FeedSource(
        SourceConfig(name="f2", kind="feed", options={"url": replay.url + "/other.xml"})
    ).poll(fetcher, SourceState(name="f2"), now=NOW)
    assert not blocked.ok and "Blocked" in (blocked.state.last_error or "")
    assert blocked.state.backoff_until and failed.state.backoff_until
    assert blocked.state.backoff_until - NOW > failed.state.backoff_until - NOW


def test_parse_atom_feed() -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>分析仪采购</title><link rel="alternate" href="/a/2"/><id>urn:2</id>
<updated>2026-11-21T08:00:00Z</updated></entry>
<entry><title>试剂</title><link href="https://x.example/a/1"/><id>urn:1</id>
<published>2026-11-20T08:00:00</published></entry></feed>"""
    items = parse_feed(atom, base_url="https://x.example/feed")
    assert [i.source_id for i in items] == ["urn:2", "urn:1"]
    assert items[0].url == "https://x.example/a/2"
    assert items[1].published_at is not None and items[1].published_at.utcoffset() == timedelta(hours=8)
    assert items[0].key is not None and items[1].key is not None and items[0].key > items[1].key


def test_rss_dates_keep_their_stated_zone() -> None:
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>https://x.example/a</link><pubDate>Mon, 23 Nov 2026 02:00:00 -0000</pubDate></item>
<item><title>b</title><link>https://x.example/b</link><pubDate>Mon, 23 Nov 2026 02:00:00 GMT</pubDate></item>
<item><title>c</title><link>https://x.example/c</link><pubDate>Mon, 23 Nov 2026 10:00:00 +0800</pubDate></item>
<item><title>d</title><link>https://x.example/d</link><pubDate>Mon, 23 Nov 2026 10:00:00</pubDate></item>
<item><title>e</title><link>https://x.example/e</link><pubDate>Mon, 23 Nov 2026 10:00:00 CST</pubDate></item>
</channel></rss>"""
    items = parse_feed(rss, base_url="https://x.example/feed")
    instant = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    # -0000 is UTC (RFC 5322 §3.3), not 8 hours early; a date without a zone is Beijing time; a Chinese
    # feed's CST is China Standard Time, not US Central.
    assert [i.published_at for i in items] == [instant] * 5


def test_parse_broken_xml_falls_back_to_tag_scan() -> None:
    broken = "<rss><channel><item><title>监护仪 <b>new</title><link>http://x/1</link></item></channel>"
    items = parse_feed(broken)
    assert [i.url for i in items] == ["http://x/1"]


def test_parse_rejects_non_feed() -> None:
    from tenderbot.errors import ParseError

    with pytest.raises(ParseError):
        parse_feed("<html><body>not a feed</body></html>")


async def test_description_mode_needs_no_page(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", rss(replay.url, [7]), headers=RSS)
    result = await make(replay.url, fetch_pages=False).poll(fetcher, SourceState(name="feed-test"), now=NOW)
    assert result.ok and "预算金额" in result.notices[0].text
    assert replay.hits("/n/7.html") == []


async def test_real_ccgp_page_behind_feed_item(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", rss(replay.url, [5]), headers=RSS)
    replay.add("GET", "/n/5.html", fixture_bytes(GUIZHOU), headers=HTML)
    result = await make(replay.url).poll(fetcher, SourceState(name="feed-test"), now=NOW)
    assert result.ok and "江苏新煦光电科技有限公司" in result.notices[0].text


async def test_backoff_doubles_per_failure_and_is_capped(replay: ReplayServer, fetcher: Fetcher) -> None:
    replay.add("GET", "/feed.xml", "gone", status=404)
    config = SourceConfig(name="f", kind="feed", interval_seconds=600, options={"url": replay.url + "/feed.xml"})
    source = FeedSource(config)
    state = SourceState(name="f")
    waits = []
    for _ in range(8):
        result = await source.poll(fetcher, state, now=NOW)
        assert result.state.backoff_until is not None
        waits.append(result.state.backoff_until - NOW)
        state = dataclasses.replace(result.state, backoff_until=None)  # pretend the wait has passed
    assert waits[:4] == [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40), timedelta(minutes=80)]
    assert max(waits) == timedelta(hours=6)
    assert state.failures == 8
