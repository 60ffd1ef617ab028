"""Composition root: builds every part once, in order, and tears them down in reverse."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack, suppress
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TextIO

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from tenderbot.bot.handlers import BotDeps, install, publish_commands
from tenderbot.bot.lanes import ChatLanes
from tenderbot.bot.polling import UpdatePoller
from tenderbot.errors import ConfigError, StartupError
from tenderbot.extract.taxonomy import load_taxonomy
from tenderbot.extract.worker import ExtractionPool
from tenderbot.index_cache import IndexCache, file_digest
from tenderbot.jobs import RunningJobs, schedule_jobs
from tenderbot.notify.channels import ConsoleChannel, TelegramChannel
from tenderbot.notify.hookguard import HookPolicy
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import CONSOLE_CHAT_ID, Sender
from tenderbot.notify.team import TeamChannel
from tenderbot.notify.webhooks import WebhookSender
from tenderbot.pipeline import Pipeline, PollSummary
from tenderbot.poll_gate import PollGate
from tenderbot.settings import Settings
from tenderbot.sources.base import Source
from tenderbot.sources.browser import BrowserSession
from tenderbot.sources.fetch import Fetcher
from tenderbot.sources.registry import build_sources, load_source_configs
from tenderbot.startup import check_database, connect_telegram, display_url, migrate
from tenderbot.store.db import make_engine
from tenderbot.store.locks import ProcessLocks
from tenderbot.store.repos import Store
from tenderbot.store.teams import TeamRepo
from tenderbot.subscriptions import SubscriptionIndex
from tenderbot.web.server import WebConsole, mailer_for, start_web_console, web_settings_check

log = logging.getLogger(__name__)
# How long a stop waits for cancelled jobs (a poll rolling back) before closing the database under them.
JOB_STOP_SECONDS = 10.0

# Only one process may call getUpdates for a bot: the holder of this lock (store/locks.py).
UPDATES_LOCK = "telegram-updates"
# How often a standby process checks whether it should receive updates instead.
TAKE_OVER_SECONDS = 15.0


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel a background task and wait for it."""
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


def settings_offsets(settings: Settings) -> tuple[timedelta, ...]:
    """Reminder offsets before a deadline, from ``TENDERBOT_REMINDER_DAYS``."""
    return tuple(timedelta(days=days) for days in settings.reminder_day_list)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class TenderBot:
    """The running service: store, sources, matcher, pipeline, sender and (with a token) the bot."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        transport: httpx.AsyncBaseTransport | None = None,
        console_stream: TextIO | None = None,
        fetch_min_delay: float = 2.0,
        fetch_backoff: float = 1.0,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._transport = transport
        self._console_stream = console_stream
        self._fetch_min_delay = fetch_min_delay
        self._fetch_backoff = fetch_backoff
        self._stack = AsyncExitStack()
        self.application: Application | None = None  # type: ignore[type-arg]

    async def __aenter__(self) -> TenderBot:
        """Open the database (migrating it), the HTTP client, the sources and the channels.

        If any step fails, what was already opened is closed again, in reverse order (as PTB's
        ``Application.__aenter__`` does), and the error is raised.
        """
        try:
            await self._open()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def _open(self) -> None:
        """Every start-up step; each resource registers its closing before the next step runs."""
        settings = self.settings
        configs = load_source_configs(settings.sources_file)
        taxonomy = self.taxonomy = load_taxonomy(settings.taxonomy_file)
        self.sources: list[Source] = build_sources((c for c in configs if c.enabled), taxonomy=taxonomy)
        # Pages are extracted in a worker process: a pathological one cannot stall the bot (issue 16).
        self.extraction = ExtractionPool()
        self._stack.push_async_callback(self.extraction.aclose)
        for source in self.sources:
            source.extraction = self.extraction
        try:
            self.engine = make_engine(settings.database_url)
        except OSError as exc:  # the SQLite file's folder cannot be created
            raise StartupError(
                f"cannot create the folder of the SQLite database {display_url(settings.database_url)}: {exc}",
                "check the path in TENDERBOT_DATABASE_URL and that its folder is writable",
            ) from exc
        self._stack.push_async_callback(self.engine.dispose)
        await check_database(self.engine, settings.database_url)
        await migrate(self.engine, settings.database_url)
        self.store = Store.over(self.engine, default_timezone=settings.timezone)
        self.locks = ProcessLocks(self.engine)
        self._stack.push_async_callback(self.locks.close)
        self.gate = PollGate(self.locks, self.store.sources, clock=self.clock)
        self.http = httpx.AsyncClient(transport=self._transport, timeout=httpx.Timeout(30.0), follow_redirects=True)
        self._stack.push_async_callback(self.http.aclose)
        # Started only when a source with ``fetch: browser`` meets a challenge (tenderbot/sources/browser.py).
        self.browser = BrowserSession(self.http, user_agent=settings.user_agent)
        self._stack.push_async_callback(self.browser.aclose)
        self.fetcher = Fetcher(
            self.http,
            user_agent=settings.user_agent,
            min_delay=self._fetch_min_delay,
            backoff_base=self._fetch_backoff,
            browser=self.browser,
        )
        self.index = SubscriptionIndex(
            self.store.chats,
            taxonomy.synonyms,
            cache=IndexCache(settings.index_cache_dir),
            cache_salt=file_digest(settings.taxonomy_file),
        )
        admins = settings.admin_ids
        now = self.clock()
        for admin in admins:
            await self.store.chats.ensure(admin, now)
        self.pipeline = Pipeline(
            self.store, self.fetcher, self.index, clock=self.clock, admin_ids=admins, tz=settings.tz
        )
        telegram = None
        if not settings.console_mode:
            telegram = TelegramChannel(await self._sender_bot())
        else:
            await self._ensure_console_subscription(now)
        self.hook_policy = HookPolicy.from_setting(settings.webhook_allowed_hosts)
        self.webhooks = WebhookSender(self.http, policy=self.hook_policy)
        self.mailer = mailer_for(settings)
        self.background: set[asyncio.Task[object]] = set()
        self.sender = Sender(
            self.store,
            telegram=telegram,
            console=ConsoleChannel(self._console_stream),
            limiter=SendLimiter(overall_per_second=settings.send_rate_per_second),
            clock=self.clock,
            webhooks=self.webhooks,
            team=TeamChannel(TeamRepo(self.engine), self.webhooks, self.mailer),
        )

    @property
    def synonyms(self) -> Callable[[str], frozenset[str]]:
        """The taxonomy's synonyms (the web console expands queries with them)."""
        return self.taxonomy.synonyms

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Release everything opened, in reverse order."""
        await self._stack.aclose()

    def _request(self, pool: int) -> HTTPXRequest:
        """A Bot API request object (through TENDERBOT_TELEGRAM_PROXY when set); tests pass a transport."""
        kwargs = {"transport": self._transport} if self._transport is not None else {}
        proxy = self.settings.telegram_proxy or None
        return HTTPXRequest(connection_pool_size=pool, proxy=proxy, httpx_kwargs=kwargs)

    async def _sender_bot(self) -> Bot:
        """A plain Bot for the sender, which paces and retries itself (no AIORateLimiter in the way)."""
        bot = Bot(
            self.settings.telegram_token.get_secret_value(),
            base_url=self.settings.telegram_base_url,
            base_file_url=self.settings.telegram_base_file_url,
            request=self._request(32),
        )
        # Registered before initialize: a failed getMe has already opened the request objects.
        self._stack.push_async_callback(bot.shutdown)
        await connect_telegram(bot.initialize, self.settings.telegram_api_url)
        return bot

    async def _ensure_console_subscription(self, now: datetime) -> None:
        """Console mode: a pseudo-chat whose one subscription is the default watch list."""
        await self.store.chats.ensure(CONSOLE_CHAT_ID, now, kind="console", title="console")
        wanted = self.settings.console_query
        existing = await self.store.chats.subscriptions(CONSOLE_CHAT_ID)
        if [s.query for s in existing] != [wanted]:
            for subscription in existing:
                await self.store.chats.delete_subscription(CONSOLE_CHAT_ID, subscription.id)
            await self.store.chats.add_subscription(CONSOLE_CHAT_ID, wanted, now)
        self.index.invalidate()

    def source(self, name: str) -> Source:
        """A configured, enabled source by name."""
        for source in self.sources:
            if source.name == name:
                return source
        names = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no enabled source named {name!r} (enabled: {names})")

    async def poll_once(self, source_name: str | None = None, *, force: bool = False) -> list[PollSummary]:
        """One polling pass over every enabled source (or one), then console alerts; ``force`` ignores backoff."""
        sources = [self.source(source_name)] if source_name else self.sources
        summaries = []
        for source in sources:
            summary = await self.gate.poll(self.pipeline, source, scheduled=False, force=force)
            if summary is not None:  # None: a running `tenderbot run` is polling it right now
                summaries.append(summary)
        if self.settings.console_mode:
            await self.drain()
        return summaries

    async def drain(self) -> int:
        """Send everything that is due now."""
        total = 0
        while claimed := await self.sender.run_once():
            total += claimed
        return total

    async def start_bot(self) -> None:
        """Build the bot application, initialise it, publish menus and start polling for updates."""
        settings = self.settings
        application = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_base_url)
            .base_file_url(settings.telegram_base_file_url)
            .request(self._request(8))
            .get_updates_request(self._request(1))
            .rate_limiter(AIORateLimiter(max_retries=2))
            .concurrent_updates(ChatLanes())  # a busy group waits for its flood limit alone (issue 16)
            .updater(None)  # UpdatePoller polls
            .build()
        )
        deps = BotDeps(self.store, self.index, self.clock, settings.admin_ids, self.hook_policy, tz=settings.tz)
        install(application, deps)
        # The bot's own shutdown first: Application.shutdown does nothing when initialize failed half-way.
        self._stack.push_async_callback(application.bot.shutdown)
        await connect_telegram(application.initialize, settings.telegram_api_url)
        self._stack.push_async_callback(application.shutdown)
        await publish_commands(application)
        await application.start()
        self._stack.push_async_callback(application.stop)
        # Our poller, not Updater.start_polling: PTB's stops for good on a single 401 (issue 16).
        self.poller = UpdatePoller(application, report_to=settings.admin_ids)
        await self.poller.start()
        self._stack.push_async_callback(self.poller.stop)
        self.application = application

    async def _lead_or_stand_by(self, stop: asyncio.Event) -> None:
        """Receive Telegram updates when no other process does (one getUpdates per bot); else take over later."""
        if await self.locks.acquire(UPDATES_LOCK):
            log.info("this process receives Telegram updates")
            await self.start_bot()
            return
        log.info("another process receives Telegram updates; this one polls sources and sends alerts")
        standby = asyncio.create_task(self._take_over_updates(stop))
        self._stack.push_async_callback(_cancel, standby)

    async def _take_over_updates(self, stop: asyncio.Event) -> None:
        """Stand by: when the process receiving updates stops (its lock frees), receive them here."""
        while not stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=TAKE_OVER_SECONDS)
            if not stop.is_set() and await self.locks.acquire(UPDATES_LOCK):
                log.info("the process receiving Telegram updates is gone; this one receives them now")
                await self.start_bot()
                return

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """The main job: scheduled polls, the bot (with a token) and the sender, until stopped."""
        stop = stop or asyncio.Event()
        web_settings_check(self.settings)  # refuse a public console without a password before starting anything
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        if self.settings.console_mode:
            log.info(
                "no TENDERBOT_TELEGRAM_TOKEN: console mode, alerts for %r are printed here", self.settings.console_query
            )
        else:
            await self._lead_or_stand_by(stop)
        scheduler = AsyncIOScheduler(timezone=UTC)
        running = RunningJobs()
        schedule_jobs(
            scheduler,
            self.sources,
            self.pipeline,
            self.sender,
            clock=self.clock,
            index=self.index,
            reminder_offsets=settings_offsets(self.settings),
            body_retention=timedelta(days=self.settings.retention_days),
            web_url=self.settings.web_public_url,
            running=running,
            gate=self.gate,
        )
        scheduler.start()
        web: WebConsole | None = None
        try:
            web = await start_web_console(self, scheduler)
            log.info("tenderbot running: %d sources; Ctrl-C to stop", len(self.sources))
            await self.sender.run_forever(stop)
        finally:
            if web is not None:
                await web.stop()
            scheduler.shutdown(wait=False)  # cancels the running jobs …
            await running.wait(JOB_STOP_SECONDS)  # … and lets them finish that before anything is closed
            for sig in (signal.SIGINT, signal.SIGTERM):
                with suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
            log.info("tenderbot stopping")
