"""Polite HTTP for every source: per-host pacing, retries, conditional requests, block detection."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

from tenderbot.errors import BlockedError, FetchError, NotModified
from tenderbot.extract.bounds import load_json
from tenderbot.models import RawPage
from tenderbot.sources.pages import block_reason, decode_content

if TYPE_CHECKING:
    from tenderbot.sources.browser import BrowserSession

log = logging.getLogger(__name__)
FETCH_MODES = ("http", "browser")

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Jitter = Callable[[], float]

# Statuses a firewall uses for "slow down / prove you are human" (research/sources.md §1.4). 521 is
# jiasule's (加速乐) JavaScript challenge: retrying the same request only earns the same page.
_BLOCK_STATUSES = frozenset({403, 412, 429, 503, 521})
_RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 522, 524})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_POST_HOPS = 3
# What a person's browser sends; portals' firewalls treat library User-Agents as bots (every 2025-26
# crawler we read sends a Chrome UA, e.g. chenhw7/hongtu scraper/ggzy_national/api.py).
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class HttpStatusError(FetchError):
    """A portal answered a client error (4xx); ``status`` and the start of the body say which."""

    def __init__(self, message: str, *, url: str, status: int, snippet: str) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.snippet = snippet


@dataclass
class _Host:
    """Pacing state of one host, shared by every source using the same Fetcher."""

    limit: asyncio.Semaphore
    gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = float("-inf")


class Fetcher:
    """The only way sources touch the network: one per process, shared by all sources.

    Per host: requests start at least ``min_delay`` seconds apart (plus up to half that again as
    jitter) and at most ``max_in_flight`` run at once. Timeouts, connection errors and 5xx are retried
    ``retries`` times after the first attempt, waiting ``backoff_base * 2**n`` (plus jitter).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        user_agent: str,
        min_delay: float = 2.0,
        max_in_flight: int = 1,
        retries: int = 3,
        backoff_base: float = 1.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        jitter: Jitter = random.random,
        browser: BrowserSession | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._client = client
        self._user_agent = user_agent
        self._min_delay = max(0.0, min_delay)
        self._max_in_flight = max_in_flight
        self._retries = max(0, retries)
        self._backoff_base = max(0.0, backoff_base)
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._hosts: dict[str, _Host] = {}
        self._browser = browser
        self._use_browser = False

    def for_options(self, options: Mapping[str, Any]) -> Fetcher:
        """This fetcher, or (``fetch: browser``) a view of it that passes challenges in the browser.

        The view shares the client (so its cookies), the per-host pacing and the browser session.
        """
        if options.get("fetch", "http") != "browser":
            return self
        view = copy.copy(self)
        view._use_browser = True
        return view

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> RawPage:
        """GET a page; raise NotModified on 304, BlockedError on a block page, FetchError otherwise."""
        extra = dict(headers or {})
        if etag:
            extra["If-None-Match"] = etag
        if last_modified:
            extra["If-Modified-Since"] = last_modified
        return await self._request("GET", url, params=params, headers=extra)

    async def post(
        self,
        url: str,
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> RawPage:
        """POST a form, a JSON document or raw bytes; errors as for ``get``."""
        return await self._request("POST", url, json=json, data=data, content=content, headers=dict(headers or {}))

    def json(self, page: RawPage) -> Any:
        """The page decoded as JSON; ParseError (the site changed, or answered HTML) when it is not."""
        # load_json refuses over-deep and over-large answers too (json.loads recursed: issue 15).
        return load_json(self.text(page), what=f"{page.url}: answer")

    def text(self, page: RawPage) -> str:
        """The page decoded with the right encoding (see ``pages.decode_content``)."""
        if page.encoding:
            try:
                return page.content.decode(page.encoding)
            except (UnicodeDecodeError, LookupError):
                pass
        return decode_content(page.content, page.headers)[0]

    async def _request(self, method: str, url: str, *, headers: dict[str, str], **kwargs: Any) -> RawPage:
        """Send with retries on timeouts, connection errors and 5xx; classify the final answer."""
        headers.setdefault("User-Agent", self._user_agent)
        attempt = 0
        hops = 0
        solved = False
        while True:
            try:
                async with self._slot(url):
                    # Portals move between http and https and add trailing slashes: GETs follow redirects.
                    # A POST does not: httpx would replay a 301/302/303 as a GET, which an API answers
                    # with an HTML page or nothing, and the poll would look empty instead of failing.
                    response = await self._client.request(method, url, headers=headers,
                                                          follow_redirects=method == "GET", **kwargs)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__} for {method} {url}"
                if attempt >= self._retries:
                    raise FetchError(f"{problem} (gave up after {attempt + 1} attempts)") from exc
            else:
                page = self._to_page(url, response)
                if method != "GET" and page.status in _REDIRECTS:
                    location = urljoin(url, page.headers.get("location", ""))
                    if page.status in (307, 308) and hops < _MAX_POST_HOPS:
                        hops += 1  # 307/308 keep the method and body: the same POST, elsewhere
                        url = location
                        continue
                    raise FetchError(
                        f"HTTP {page.status}: {method} {url} was redirected to {location}; a redirected {method} "
                        "is not replayed as GET: point the source's base_url (or path) at the new address"
                    )
                try:
                    retry = self._classify(method, page)
                except BlockedError:
                    if solved or not self._use_browser or self._browser is None:
                        raise
                    # Pass the challenge once in the browser (the page itself for a GET, the page the
                    # API belongs to for a POST), then ask again with the cookies it earned.
                    solved = True
                    await self._browser.solve(url if method == "GET" else headers.get("Referer") or _origin(url))
                    continue
                if retry is None:
                    return page
                problem = retry
                if attempt >= self._retries:
                    raise FetchError(f"{problem} (gave up after {attempt + 1} attempts)")
            wait = self._backoff_base * (2**attempt) * (1.0 + self._jitter())
            log.debug("retrying %s %s in %.1fs: %s", method, url, wait, problem)
            attempt += 1
            await self._sleep(wait)

    def _classify(self, method: str, page: RawPage) -> str | None:
        """Return a reason to retry, None to accept the page; raise for block pages and 4xx."""
        status = page.status
        if status == 304:
            raise NotModified(f"{page.url} not modified")
        text = self.text(page) if page.content else ""
        if status < 300 or status in _BLOCK_STATUSES:
            reason = block_reason(text, status)
            if reason:
                raise BlockedError(f"{page.url}: {reason}")
        if status < 300:
            return None
        if status in _RETRY_STATUSES:
            return f"HTTP {status} for {method} {page.url}"
        if 400 <= status < 500:
            raise HttpStatusError(f"HTTP {status} for {method} {page.url}", url=page.url, status=status,
                                  snippet=" ".join(text[:300].split()))
        raise FetchError(f"HTTP {status} for {method} {page.url}")

    @staticmethod
    def _to_page(url: str, response: httpx.Response) -> RawPage:
        """Copy what sources need out of an httpx response."""
        headers = {key.lower(): value for key, value in response.headers.items()}
        content = response.content
        encoding = decode_content(content, headers)[1] if content else None
        return RawPage(url=str(response.url) or url, status=response.status_code, content=content,
                       headers=headers, encoding=encoding)

    def _host(self, url: str) -> _Host:
        """The pacing state for the URL's host (created on first use)."""
        host = urlsplit(url).netloc.lower()
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = _Host(limit=asyncio.Semaphore(self._max_in_flight))
        return slot

    def _slot(self, url: str) -> _HostSlot:
        """An async context that waits for this host's turn and holds one in-flight permit."""
        return _HostSlot(self, self._host(url))


def _origin(url: str) -> str:
    """``scheme://host/`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


class _HostSlot:
    """Acquire: in-flight permit, then wait until min_delay (+ jitter) since the previous start."""

    def __init__(self, fetcher: Fetcher, host: _Host) -> None:
        self._fetcher = fetcher
        self._host = host

    async def __aenter__(self) -> None:
        await self._host.limit.acquire()
        try:
            async with self._host.gate:
                fetcher = self._fetcher
                wait = self._host.next_start - fetcher._clock()
                if wait > 0:
                    await fetcher._sleep(wait)
                start = fetcher._clock()
                spacing = fetcher._min_delay * (1.0 + 0.5 * fetcher._jitter())
                self._host.next_start = start + spacing
        except BaseException:
            self._host.limit.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._host.limit.release()
