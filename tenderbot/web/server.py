"""Serve the console from ``tenderbot run``: uvicorn's Server as a task in the service's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator
from datetime import datetime
from typing import TYPE_CHECKING

import uvicorn

from tenderbot.errors import ConfigError
from tenderbot.notify.email import Mailer, SmtpConfig
from tenderbot.services.teams import TeamService
from tenderbot.sources.base import CheckReport
from tenderbot.store.teams import TeamRepo
from tenderbot.web.app import WebContext, create_app
from tenderbot.web.listen import Listen, check_exposure, parse_listen

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from starlette.applications import Starlette

    from tenderbot.app import TenderBot
    from tenderbot.settings import Settings

log = logging.getLogger(__name__)


class PortTaken(ConfigError):
    """The console's address is already in use (often another ``tenderbot run`` on the same machine)."""


class EmbeddedServer(uvicorn.Server):
    """A uvicorn Server that leaves SIGINT/SIGTERM to ``tenderbot run``, which stops it with the rest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install no signal handlers (uvicorn's would replace the service's own)."""
        yield


def mailer_for(settings: Settings) -> Mailer | None:
    """The SMTP mailer when ``TENDERBOT_SMTP_HOST`` is set (ConfigError for an incomplete setup)."""
    if not settings.smtp_host.strip():
        return None
    return Mailer(
        SmtpConfig(
            host=settings.smtp_host.strip(),
            port=settings.smtp_port,
            sender=settings.smtp_from.strip(),
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
            security=settings.smtp_security.strip().lower(),
        )
    )


def build_context(bot: TenderBot, scheduler: AsyncIOScheduler | None = None) -> WebContext:
    """The console's view of a running service."""
    settings = bot.settings
    synonyms = bot.synonyms
    service = TeamService(
        TeamRepo(bot.engine), bot.store.notices, bot.index, bot.webhooks, bot.mailer, clock=bot.clock,
        synonyms=synonyms, policy=bot.hook_policy,
    )

    async def poll_now(name: str) -> None:
        source = bot.source(name)

        async def poll() -> None:
            # Unscheduled and forced, like `poll --once --force`: now, whatever the schedule or the backoff
            # says; the gate still keeps it from overlapping another poll of the same source.
            try:
                summary = await bot.gate.poll(bot.pipeline, source, scheduled=False, force=True)
            except Exception:
                log.exception("%s: poll from the web console crashed", name)
                return
            if summary is not None and summary.queued:
                bot.sender.wakeup.set()

        task = asyncio.create_task(poll())
        bot.background.add(task)
        task.add_done_callback(bot.background.discard)

    async def check_source(name: str) -> CheckReport:
        return await bot.source(name).check(bot.fetcher, now=bot.clock())

    def next_poll(name: str) -> datetime | None:
        job = scheduler.get_job(f"poll:{name}") if scheduler is not None else None
        return job.next_run_time if job is not None else None

    return WebContext(
        store=bot.store,
        teams=service,
        sources=bot.sources,
        clock=bot.clock,
        tz=settings.tz,
        password=settings.web_password.get_secret_value(),
        poll_now=poll_now,
        check_source=check_source,
        next_poll=next_poll,
        synonyms=synonyms,
        email_enabled=bot.mailer is not None,
    )


def bind(listen: Listen) -> socket.socket:
    """Open the listening socket now, so a taken port is a clear configuration error at start."""
    family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((listen.host, listen.port))
    except OSError as exc:
        sock.close()
        raise PortTaken(
            f"TENDERBOT_WEB_LISTEN={listen.host}:{listen.port}: cannot listen ({exc.strerror or exc}); "
            "choose another port, or set it empty to turn the console off"
        ) from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


class WebConsole:
    """The running console: started in the current loop, stopped with ``stop()``."""

    def __init__(self, app: Starlette, listen: Listen) -> None:
        self.listen = listen
        self._sock = bind(listen)
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False, proxy_headers=False)
        self._server = EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        """Serve in the background; returns once the server accepts connections."""
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        for _ in range(200):
            if self._server.started or self._task.done():
                break
            await asyncio.sleep(0.05)
        if self._task.done():
            await self._task  # surface a start-up failure
            raise ConfigError("the web console stopped as soon as it started")

    async def stop(self) -> None:
        """Stop serving (open requests get uvicorn's graceful shutdown)."""
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sock.close()


def web_settings_check(settings: Settings) -> None:
    """ConfigError when the console may not start as configured (public address without a password)."""
    listen = parse_listen(settings.web_listen)
    if listen is not None:
        check_exposure(listen, settings.web_password.get_secret_value())


async def start_web_console(bot: TenderBot, scheduler: AsyncIOScheduler | None = None) -> WebConsole | None:
    """Start the console per ``TENDERBOT_WEB_LISTEN`` (None when empty); ConfigError when it may not start."""
    settings = bot.settings
    listen = parse_listen(settings.web_listen)
    if listen is None:
        log.info("web console off (TENDERBOT_WEB_LISTEN is empty)")
        return None
    password = settings.web_password.get_secret_value()
    warning = check_exposure(listen, password)
    context = build_context(bot, scheduler)
    context.listen_host = listen.host
    try:
        console = WebConsole(create_app(context), listen)
    except PortTaken as exc:
        # Alerts matter more than the console: several `tenderbot run` processes may share a machine (and a
        # PostgreSQL database), and only the first gets the port. Say so loudly and keep working.
        log.error("web console not started: %s", exc)
        return None
    await console.start()
    if warning:
        log.warning(warning)
    log.info("web console at %s", Listen(listen.host, console.port).url)
    return console
