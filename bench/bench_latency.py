"""Benchmark publish → alert latency: a portal publishes tenders at random moments, how long until they print?

Run: ``python bench/bench_latency.py`` (about 4 minutes; options: --interval, --duration, --items, --seed).
A local portal (tests/replay_server.py) serves two RSS feeds with the same schedule of new announcements,
each linking to its own detail page. ``tenderbot`` runs in-process in console mode with two feed sources
at the same interval: one with the scheduler jitter this project used to ship (equal to the interval at
the 60 s default) and one with today's default (a tenth of the interval). Everything else is real: the
scheduler, the polite fetcher (2 s between requests to one host), extraction, the store, matching, the
outbox and the sender. The latency of each announcement is the time from the moment its feed first lists
it to the moment its alert is printed. Target: median ≤ interval / 2 + 10 s.
The registry's 60 s minimum interval is lowered for this run only, so the bench takes minutes, not hours.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tenderbot.sources.registry as registry  # noqa: E402
from tenderbot.app import TenderBot  # noqa: E402
from tests.e2e_support import settings_for  # noqa: E402
from tests.replay_server import Hit, ReplayServer  # noqa: E402

FEEDS = {"old": "jitter equal to the interval (before)", "new": "default jitter, a tenth of the interval (now)"}
DETAIL = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>项目编号：{code}</p>
<p>项目名称：{name}</p>
<p>采购方式：公开招标</p>
<p>预算金额：128.5万元</p>
<p>提交投标文件截止时间：{deadline}</p>
<p>1.采购人信息 名称：{buyer} 地址：江苏省南京市 联系方式：025-83000000</p>
</body></html>"""


class Portal:
    """Feeds that list each announcement from its publication moment on."""

    def __init__(self, server: ReplayServer, schedule: list[float], started: float) -> None:
        self.server = server
        self.schedule = schedule
        self.started = started
        self.listed: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()
        deadline = (datetime.now(UTC) + timedelta(days=20)).astimezone().strftime("%Y年%m月%d日 09:30")
        for feed in FEEDS:
            server.add("GET", f"/{feed}.xml", self._feed(feed), headers={"Content-Type": "application/rss+xml"})
            for number in range(len(schedule)):
                buyer = f"第{number}{feed}人民医院"
                title = f"{buyer}高效液相色谱仪采购项目公开招标公告"
                page = DETAIL.format(title=title, code=f"LAT-{feed}-{number:03d}", name=title[:-6], buyer=buyer,
                                     deadline=deadline)
                server.add("GET", f"/{feed}/{number}.html", page, headers={"Content-Type": "text/html; charset=utf-8"})

    def _feed(self, feed: str) -> Any:
        def body(hit: Hit) -> str:
            now = time.monotonic() - self.started
            items = []
            for number, at in enumerate(self.schedule):
                if at > now:
                    continue
                with self._lock:
                    self.listed.setdefault((feed, number), self.started + at)
                link = f"{host_url(self.server, feed)}/{feed}/{number}.html"
                published = format_datetime(datetime.now(UTC) - timedelta(seconds=now - at))
                items.append(f"<item><title>第{number}{feed}人民医院高效液相色谱仪采购项目公开招标公告</title>"
                             f"<link>{link}</link><guid>{link}</guid><pubDate>{published}</pubDate></item>")
            return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{feed}</title>'
                    f"<link>{self.server.url}/</link>{''.join(reversed(items))}</channel></rss>")

        return body


class Stamped(io.StringIO):
    """The console: remembers when each alert was printed."""

    def __init__(self) -> None:
        super().__init__()
        self.printed: dict[tuple[str, int], float] = {}

    def write(self, text: str) -> int:
        for number, feed in re.findall(r"第(\d+)(old|new)人民医院", text):
            self.printed.setdefault((feed, int(number)), time.monotonic())
        return super().write(text)


def host_url(server: ReplayServer, feed: str) -> str:
    """Each feed on a host of its own (127.0.0.1 / localhost), as two portals are: politeness is per host."""
    return server.url if feed == "old" else server.url.replace("127.0.0.1", "localhost")


def write_sources(path: Path, server: ReplayServer, interval: int) -> Path:
    """Two feed sources at the same interval, with the old and the new jitter."""
    path.write_text(
        "sources:\n"
        f"  - name: old\n    kind: feed\n    interval_seconds: {interval}\n    jitter_seconds: {interval}\n"
        f"    options:\n      url: {host_url(server, 'old')}/old.xml\n"
        f"  - name: new\n    kind: feed\n    interval_seconds: {interval}\n"
        f"    options:\n      url: {host_url(server, 'new')}/new.xml\n",
        encoding="utf-8",
    )
    return path


async def run(args: argparse.Namespace) -> None:
    """Publish on schedule while tenderbot runs; then report latencies."""
    registry._MINIMUM["interval_seconds"] = 5  # this bench only: minutes instead of hours
    rng = random.Random(args.seed)
    warmup = args.interval + 5  # the first polls read the empty feeds (a real deployment has run for a while)
    schedule = sorted(rng.uniform(warmup, args.duration - 2 * args.interval) for _ in range(args.items))
    console = Stamped()
    with tempfile.TemporaryDirectory() as folder, ReplayServer() as server:
        started = time.monotonic()
        portal = Portal(server, schedule, started)
        settings = settings_for(Path(folder), write_sources(Path(folder) / "sources.yaml", server, args.interval),
                                None)
        stop = asyncio.Event()
        async with TenderBot(settings, console_stream=console) as bot:
            runner = asyncio.create_task(bot.run(stop))
            await asyncio.sleep(max(0.0, args.duration - (time.monotonic() - started)))
            stop.set()
            await runner
    print(f"interval {args.interval} s, {args.items} announcements per feed over {args.duration} s")
    medians = {}
    for feed, label in FEEDS.items():
        delays = [console.printed[key] - portal.listed[key] for key in portal.listed if key[0] == feed
                  and key in console.printed]
        missing = sum(1 for key in portal.listed if key[0] == feed and key not in console.printed)
        medians[feed] = statistics.median(delays) if delays else float("nan")
        print(f"  {label}: median {medians[feed]:.1f} s, max {max(delays, default=float('nan')):.1f} s, "
              f"{len(delays)} alerted, {missing} not alerted by the end")
    target = args.interval / 2 + 10
    print(f"ratio: now {medians['old'] / medians['new']:.2f}× faster than before; target median ≤ {target:.0f} s: "
          f"{'met' if medians['new'] <= target else 'MISSED'}")


def main(argv: list[str] | None = None) -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--duration", type=int, default=240)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261208)
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
