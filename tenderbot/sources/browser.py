"""Optional browser fetch: a headless system Chromium passes a portal's JavaScript challenge, then the
plain HTTP client carries on with the cookies it earned.

Portals behind Alibaba Cloud WAF (``acw_sc__v2``), jiasule (HTTP 521) or similar answer a plain client
with a script that computes a cookie and reloads. A 2026 crawler of the national platform does the
same dance (chenhw7/hongtu docs §3.4 and scraper/ggzy_national/api.py: plain httpx first, Playwright
only when blocked, then httpx again with the browser's cookies), and research/sources.md §2.4 reports
b.zhengcaiyun.cn answering only a real Chrome.

Needs the ``browser`` extra (``pip install tenderbot[browser]``, i.e. Playwright) and a Chromium from
the system's packages (Debian: ``apt-get install chromium``): Playwright's own browser download is not
used. ``TENDERBOT_CHROMIUM`` overrides the path (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tenderbot.errors import BlockedError, ConfigError
from tenderbot.sources.pages import block_reason

log = logging.getLogger(__name__)

DEFAULT_CHROMIUM = "/usr/bin/chromium"
_POLL_SECONDS = 0.25


def chromium_path() -> str | None:
    """The Chromium executable to drive (``TENDERBOT_CHROMIUM`` or the system one), None when absent."""
    configured = os.environ.get("TENDERBOT_CHROMIUM") or DEFAULT_CHROMIUM
    if Path(configured).is_file() and os.access(configured, os.X_OK):
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_unavailable() -> str | None:
    """Why a browser fetch cannot run here (Playwright or Chromium missing), or None when it can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install 'tenderbot[browser]')"
    if chromium_path() is None:
        return f"no Chromium at {os.environ.get('TENDERBOT_CHROMIUM') or DEFAULT_CHROMIUM} (apt-get install chromium)"
    return None


class BrowserSession:
    """One headless Chromium, started on first use, shared by every source with ``fetch: browser``."""

    def __init__(self, client: httpx.AsyncClient, *, user_agent: str, timeout: float = 30.0) -> None:
        self._client = client
        self._user_agent = user_agent
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None

    async def _ensure(self) -> Any:
        """The browser context, launching Chromium the first time."""
        if self._context is not None:
            return self._context
        problem = browser_unavailable()
        if problem:
            raise ConfigError(f"fetch: browser is configured but {problem}")
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        self._context = await self._browser.new_context(user_agent=self._user_agent, locale="zh-CN")
        return self._context

    async def solve(self, url: str) -> int:
        """Open ``url`` until it is no longer a challenge page; copy its cookies to the HTTP client.

        Returns how many cookies were shared. BlockedError when the page stays a challenge (a CAPTCHA
        a script cannot pass) within the timeout.
        """
        async with self._lock:
            context = await self._ensure()
            page = await context.new_page()
            try:
                await page.goto(url, wait_until="load", timeout=self._timeout * 1000)
                reason = await self._wait_until_clear(page)
                if reason is not None:
                    raise BlockedError(f"{url}: still a challenge in the browser after {self._timeout:.0f}s: {reason}")
                cookies = await context.cookies()
            finally:
                await page.close()
        for cookie in cookies:
            self._client.cookies.set(cookie["name"], cookie["value"], domain=cookie.get("domain") or
                                     urlsplit(url).hostname or "", path=cookie.get("path") or "/")
        log.info("browser passed the challenge at %s; %d cookies shared with the HTTP client", url, len(cookies))
        return len(cookies)

    async def _wait_until_clear(self, page: Any) -> str | None:
        """Wait while the page is a challenge (it reloads itself); the last block reason, or None when clear."""
        deadline = time.monotonic() + self._timeout
        reason: str | None = "not loaded"
        while time.monotonic() < deadline:
            try:
                reason = block_reason(await page.content())
            except Exception:  # the page navigated while being read: look again
                reason = "navigating"
            if reason is None:
                return None
            await asyncio.sleep(_POLL_SECONDS)
        return reason

    async def aclose(self) -> None:
        """Close Chromium and Playwright (nothing to do when never started)."""
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._playwright = self._browser = self._context = None
