"""The console in real headless Chromium (Playwright, Debian's chromium): log in, search, open a notice,
export, create a WeCom robot subscription and see a matching alert reach a local stand-in of the robot.

Set TENDERBOT_SCREENSHOTS=docs/screenshots to (re)take the README's screenshots while the test runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenderbot.app import TenderBot
from tests.e2e_support import PortalWorld
from tests.replay_server import ReplayServer
from tests.web.support import PASSWORD, sample_notices, web_settings

CHROMIUM = os.environ.get("TENDERBOT_CHROMIUM", "/usr/bin/chromium")
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=browser-test-key"


def require_browser() -> Any:
    """Playwright's async API with a system Chromium; skip without them, but fail under CI=true."""
    problem = None
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')"
    if problem is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set TENDERBOT_CHROMIUM)"
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {problem}")
        pytest.skip(problem)
    return async_playwright


class RobotStandIn:
    """A local HTTP server standing in for the WeCom robot endpoint: records each JSON post, answers errcode 0."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.arrived = threading.Event()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                standin.paths.append(self.path)
                standin.posts.append(json.loads(body))
                standin.arrived.set()
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @contextlib.contextmanager
    def serving(self) -> Iterator[RobotStandIn]:
        """Serve until the block ends."""
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


class RobotHostsToStandIn(httpx.AsyncBaseTransport):
    """The service's HTTP transport: the robot's real https host is answered by the local stand-in.

    The subscription keeps the real WeCom URL (the console only accepts https to the platform's host), and
    nothing leaves the machine.
    """

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite requests for qyapi.weixin.qq.com; pass the rest (the replayed portal) through."""
        if request.url.host == "qyapi.weixin.qq.com":
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until(predicate: Any, timeout: float = 20.0) -> None:
    """Poll a condition without blocking the loop the service runs in."""
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out waiting")


async def test_console_in_chromium(tmp_path: Path) -> None:
    async_playwright = require_browser()
    shots = os.environ.get("TENDERBOT_SCREENSHOTS")
    robot = RobotStandIn()
    with ReplayServer() as portal, robot.serving():
        now = datetime.now(UTC)
        world = PortalWorld(portal, now)
        port = free_port()
        settings = web_settings(tmp_path, listen=f"127.0.0.1:{port}",
                                sources=world.write_sources(tmp_path / "sources.yaml"))
        base = f"http://127.0.0.1:{port}"
        async with TenderBot(settings, fetch_min_delay=0.0, transport=RobotHostsToStandIn(robot.port),
                             console_stream=io.StringIO()) as bot:
            samples = sample_notices(now)
            samples[0] = dataclasses.replace(samples[0], title="江西省人民医院液相色谱仪采购项目")
            await bot.store.notices.upsert(samples, now)
            stop = asyncio.Event()
            running = asyncio.create_task(bot.run(stop))
            try:
                async with httpx.AsyncClient() as probe:
                    for _ in range(100):
                        with contextlib.suppress(httpx.TransportError):
                            if (await probe.get(f"{base}/healthz")).status_code == 200:
                                break
                        await asyncio.sleep(0.1)
                async with async_playwright() as p:
                    browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
                    page = await (await browser.new_context(locale="zh-CN", accept_downloads=True,
                                                            viewport={"width": 1280, "height": 860})).new_page()
                    await drive(page, base, tmp_path, robot, world, shots)
                    await browser.close()
            finally:
                stop.set()
                await asyncio.wait_for(running, 30)


async def drive(page: Any, base: str, tmp: Path, robot: RobotStandIn, world: PortalWorld, shots: str | None) -> None:
    """The user's path through the console."""

    async def shoot(name: str) -> None:
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)

    # Log in.
    await page.goto(f"{base}/notices")
    assert page.url.endswith("/login")
    await shoot("login")
    await page.fill("input[name=password]", "wrong")
    await page.click("button[type=submit]")
    assert "密码不正确" in await page.inner_text("main")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/notices")

    # Search (htmx swaps the results in place and pushes the URL).
    await page.fill("input[name=q]", "类别:仪器|医疗")
    await page.click("#search button[type=submit]")
    await page.wait_for_url("**/notices?q=*")
    await page.wait_for_selector("#notice-table")
    titles = await page.locator(".notice-title").all_inner_texts()
    assert titles[0] == "浙江大学质谱仪采购"  # deadline soonest first
    assert "彩色多普勒超声诊断仪采购" in titles and "办公楼物业服务采购" not in titles
    assert "已截止" in await page.inner_text("#notice-table")
    await shoot("notices")
    await page.select_option("select[name=sort]", "budget")
    await page.wait_for_url("**sort=budget*")
    await wait_for_text(page, ".notice-title >> nth=0", "浙江大学质谱仪采购")

    # Export what is on screen.
    async with page.expect_download() as download_info:
        await page.click("#export-csv")
    download = await download_info.value
    saved = tmp / "export.csv"
    await download.save_as(str(saved))
    exported = saved.read_text("utf-8-sig")
    assert exported.startswith("title,notice_type,budget_yuan,deadline,buyer,province,city,url")
    assert "浙江大学质谱仪采购" in exported and "办公楼物业服务采购" not in exported

    # Open a notice.
    await page.click("text=江西省人民医院液相色谱仪采购项目")
    await page.wait_for_selector("#notice-title")
    body = await page.inner_text("main")
    assert "150万元" in body and "JXZC-2026-0099" in body and "液相色谱仪采购项目更正公告" in body
    assert await page.get_attribute("#original-link", "href") == "https://www.ccgp.gov.cn/a1.htm"
    await shoot("notice")

    # Create a WeCom robot subscription; the live preview shows the last 7 days' matches.
    await page.goto(f"{base}/teams")
    await page.fill("input[name=name]", "色谱销售组")
    await page.fill("input[name=query]", "液相色谱 类别:仪器")
    await page.wait_for_selector("#preview-count")
    assert "最近 7 天可匹配 1 条" in await page.inner_text("#preview")
    await page.select_option("select[name=kind]", "wecom")
    await page.fill("input[name=url]", WECOM_URL)
    await shoot("team-new")
    await page.click("#new-team button[type=submit]")
    await page.wait_for_url("**/teams?flash=saved")
    row = await page.inner_text("#team-table")
    assert "色谱销售组" in row and "qyapi.weixin.qq.com" in row and "browser-test-key" not in row
    await shoot("teams")

    # News arrives on the portal; "poll now" on the sources page fetches it and the alert reaches the robot.
    world.publish()
    await page.goto(f"{base}/sources")
    await page.click("button:has-text('立即抓取')")
    await page.wait_for_url("**/sources?flash=poll_started")
    await wait_until(lambda: robot.posts)
    content = robot.posts[0]["markdown"]["content"]
    assert "高效液相色谱仪" in content and robot.paths[0] == "/cgi-bin/webhook/send?key=browser-test-key"
    await asyncio.sleep(1.0)
    assert len(robot.posts) == 1  # the coal tender and the Shandong lots do not match
    await page.goto(f"{base}/sources")
    assert "test-feed" in await page.inner_text("#source-table")
    await page.click("button:has-text('在线检查')")
    await page.wait_for_selector("#check-1 .card")
    assert "OK" in await page.inner_text("#check-1")
    await shoot("sources")

    # Delete the subscription (the page asks first; the CSP allows console.js, no inline script).
    await page.goto(f"{base}/teams")
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.click("#team-table button.danger")
    await page.wait_for_url("**/teams?flash=deleted")
    assert await page.locator("#team-table").count() == 0

    # Phone width: the listing turns into cards and stays readable.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{base}/notices?q=%E7%B1%BB%E5%88%AB%3A%E4%BB%AA%E5%99%A8%7C%E5%8C%BB%E7%96%97")
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await shoot("notices-phone")


async def wait_for_text(page: Any, selector: str, text: str) -> None:
    """Wait until an element shows a text (after an htmx swap)."""
    for _ in range(100):
        if (await page.inner_text(selector)) == text:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{selector} never showed {text!r}")
