"""Start-up checks: each way start-up fails outside the process becomes one StartupError line with a hint.

Only the connection step is translated (the database's first connection, the bot's ``getMe``): a fault
after that is a bug and keeps its traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from tenderbot.errors import StartupError
from tenderbot.store.db import upgrade

T = TypeVar("T")

# PostgreSQL SQLSTATE codes seen when connecting (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_HINTS = {
    "28000": "the role in the URL does not exist: create it (createuser NAME) or put an existing user in the URL",
    "28P01": "the password in the URL is wrong for that role",
    "3D000": "that database does not exist: create it (createdb -O USER NAME), tenderbot then creates its tables",
    "57P03": "the server is starting up or shutting down; try again in a moment",
    "53300": "the server has too many connections; raise max_connections or stop other clients",
}
TELEGRAM_PROXY_HINT = (
    "check the network; where Telegram is blocked (mainland China) set TENDERBOT_TELEGRAM_PROXY "
    "(e.g. http://127.0.0.1:7890 or socks5://127.0.0.1:1080) or TENDERBOT_TELEGRAM_API_URL to a Bot API "
    "server you can reach; or leave TENDERBOT_TELEGRAM_TOKEN empty to run in console mode"
)


def display_url(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def _first_line(exc: BaseException) -> str:
    """The exception's own message on one line, without SQLAlchemy's "(Background on this error…)" tail."""
    text = str(exc).split("\n(Background on this error")[0]
    return " ".join(text.split()) or type(exc).__name__


def database_failure(exc: BaseException, url: str) -> StartupError | None:
    """The StartupError for a failed first connection, or None when ``exc`` is not a connection failure."""
    where = display_url(url)
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        reason = _first_line(exc.orig) if exc.orig is not None else _first_line(exc)
        hint = _PG_HINTS.get(str(code)) if code else None
        if hint is None and "unable to open database file" in reason:
            hint = "the SQLite file cannot be created there: check the path in the URL and that its folder is writable"
        return StartupError(
            f"cannot open the database {where}: {reason}",
            hint or "check TENDERBOT_DATABASE_URL (user, password, host, port and database name)",
        )
    if isinstance(exc, TimeoutError | OSError):
        return StartupError(
            f"cannot connect to the database {where}: {type(exc).__name__}: {_first_line(exc)}",
            "is the database server running, and are the host and port in TENDERBOT_DATABASE_URL right? "
            "(PostgreSQL listens on 5432 by default)",
        )
    return None


async def check_database(engine: AsyncEngine, url: str, *, timeout: float = 30.0) -> None:
    """Connect once, so that a wrong URL, role, password, database or port is reported in one line."""
    try:
        async with asyncio.timeout(timeout), engine.connect():
            pass
    except Exception as exc:
        failure = database_failure(exc, url)
        if failure is None:
            raise
        raise failure from exc


async def migrate(engine: AsyncEngine, url: str) -> None:
    """Apply the migrations; a database written by a newer tenderbot (an unknown revision) is one line."""
    try:
        await upgrade(engine)
    except CommandError as exc:
        if "Can't locate revision" not in str(exc):
            raise
        raise StartupError(
            f"the database {display_url(url)} is at a schema revision this tenderbot does not know ({exc})",
            "it was written by a newer tenderbot: run that version, or point TENDERBOT_DATABASE_URL at another "
            "database",
        ) from exc


def telegram_failure(exc: BaseException, api_url: str) -> StartupError | None:
    """The StartupError for a failed first Bot API call, or None when ``exc`` is something else."""
    if isinstance(exc, InvalidToken):
        # PTB raises InvalidToken for both 401 (a token Telegram does not know) and 404 (a malformed token, or a
        # Bot API URL that is not the server root); the cause's message says which. Its text carries the token,
        # so only the status words are used here.
        cause = str(exc.__cause__ or "")
        status = "404 Not Found" if "not found" in cause.lower() else "401 Unauthorized"
        return StartupError(
            f"the Bot API at {api_url} rejected the bot token ({status})",
            "copy the token again from @BotFather into TENDERBOT_TELEGRAM_TOKEN; TENDERBOT_TELEGRAM_API_URL must be "
            "the server root such as https://api.telegram.org (without /bot)",
        )
    if isinstance(exc, TimedOut | NetworkError):
        return StartupError(f"cannot reach the Telegram Bot API at {api_url}: {_first_line(exc)}", TELEGRAM_PROXY_HINT)
    if isinstance(exc, TelegramError):
        return StartupError(
            f"the Telegram Bot API at {api_url} refused to start the bot: {_first_line(exc)}",
            "check TENDERBOT_TELEGRAM_TOKEN and TENDERBOT_TELEGRAM_API_URL",
        )
    return None


async def connect_telegram(step: Callable[[], Awaitable[T]], api_url: str) -> T:
    """Run the bot's first call (``initialize``), turning an unreachable or refusing Bot API into one line."""
    try:
        return await step()
    except Exception as exc:
        failure = telegram_failure(exc, api_url)
        if failure is None:
            raise
        raise failure from exc
