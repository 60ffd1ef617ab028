"""Logging set-up, and the one redactor every output path goes through (the bot token must never be printed).

A secret reaches the terminal by five roads: a log record's message or arguments, its traceback (PTB's
``InvalidToken: The token `…` was rejected`` carries the token in the exception text), its stack, a warning,
and an uncaught exception printed by ``sys.excepthook`` (or a thread's). Each road is scrubbed here.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from types import TracebackType
from typing import TextIO
from urllib.parse import quote

REDACTED = "<token>"
# A secret shorter than this would redact ordinary words; real tokens and passwords are longer.
MIN_SECRET_LENGTH = 8
# Bot API URLs carry the token; these libraries log URLs at INFO/DEBUG.
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "alembic", "aiosqlite")


class Redactor:
    """Replaces every known secret (as written and URL-encoded) in a piece of text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            secret = secret.strip()
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            forms |= {secret, quote(secret, safe=""), quote(secret)}
            # A bot token is "<bot id>:<secret part>"; the secret part alone is just as sensitive.
            _, colon, tail = secret.partition(":")
            if colon and len(tail) >= MIN_SECRET_LENGTH:
                forms.add(tail)
        # Longest first, so the whole token is replaced before its secret part.
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __call__(self, text: str) -> str:
        """The text with every secret replaced by ``<token>``."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text


class RedactSecrets(logging.Filter):
    """Scrub a record's message, arguments, traceback and stack, whatever library wrote it."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message and the traceback once, then scrub both (and the stack)."""
        if not self._redact:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record; show it raw
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class ZonedFormatter(logging.Formatter):
    """Log times in the operator's zone (TENDERBOT_TIMEZONE), with the UTC offset so nobody has to guess."""

    def __init__(self, fmt: str, tz: tzinfo) -> None:
        super().__init__(fmt)
        self._tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        """``2026-11-22 18:00:00+0800``."""
        return datetime.fromtimestamp(record.created, self._tz).strftime(datefmt or "%Y-%m-%d %H:%M:%S%z")


def configure_logging(
    level: str, secrets: Iterable[str] = (), *, tz: tzinfo = UTC, stream: TextIO | None = None
) -> Redactor:
    """One line per event on stderr, secrets scrubbed on every road out; returns the redactor for other output."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(ZonedFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", tz))
    handler.addFilter(RedactSecrets(redact))
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler], force=True)
    # Whatever TENDERBOT_LOG_LEVEL says: these loggers print request URLs, and Bot API URLs contain the token.
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Warnings go through logging, hence through the filter above.
    logging.captureWarnings(True)
    install_excepthooks(redact, stream)
    return redact


def install_excepthooks(redact: Redactor, stream: TextIO | None = None) -> None:
    """Uncaught exceptions (main thread and other threads) are printed scrubbed."""

    def write(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        out = stream or sys.stderr
        out.write(redact(text))
        out.flush()

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        write(args.exc_type, args.exc_value, args.exc_traceback)

    def unraisablehook(unraisable: sys.UnraisableHookArgs) -> None:
        message = unraisable.err_msg or "Exception ignored in"
        out = stream or sys.stderr
        out.write(redact(f"{message}: {unraisable.object!r}\n"))
        write(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)

    sys.excepthook = write
    threading.excepthook = thread_excepthook
    sys.unraisablehook = unraisablehook
