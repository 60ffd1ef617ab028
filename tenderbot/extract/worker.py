"""Extraction in worker processes, off the event loop, with a time limit per page.

Issue 16: a 500 KB page of unclosed ``<div>`` took 22 s inside ``extract_notice`` and the bot,
sharing the event loop with the sources, stopped answering. ``ExtractionPool`` runs each page in
a worker process; the loop only waits on the worker's pipe. A page that takes longer than
``time_limit`` gets its worker killed (and replaced on the next page): the page is logged and
skipped with ``ExtractionTimeout``, every other page goes on.

Workers come from the ``forkserver`` start method with ``tenderbot.extract`` preloaded, so a
replacement starts in milliseconds and never inherits the parent's threads or sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from tenderbot.errors import ParseError
from tenderbot.extract import extract_notice
from tenderbot.extract.taxonomy import Taxonomy
from tenderbot.models import Notice

__all__ = ["DEFAULT_TIME_LIMIT", "ExtractionPool", "ExtractionTimeout"]

log = logging.getLogger(__name__)

# One page is bounded to ~0.5 s of work (issue 15); ten times that, on a machine busy with other
# jobs, means the bound failed and the page must go.
DEFAULT_TIME_LIMIT = 5.0
# A worker imports nothing at start (the forkserver preloaded it) but builds OpenCC and the taxonomy.
_START_TIMEOUT = 60.0
# Marks "the taxonomy this worker already holds" in a job, so 350 KB are not pickled per page.
_SAME_TAXONOMY = "same"


class ExtractionTimeout(ParseError):
    """Extracting one page took longer than the pool's time limit; the page was skipped."""


def _serve(conn: Connection, target: Callable[..., Notice]) -> None:
    """Worker loop: read (content, kwargs, taxonomy) jobs, answer ("ok", notice) or ("error", …)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it shuts the pool down
    # OpenCC and the default taxonomy load once, before the first page's time limit starts; a
    # missing default taxonomy is fine (the sources send theirs).
    with contextlib.suppress(Exception):
        extract_notice("预热")
    try:
        conn.send("ready")
    except (EOFError, OSError):
        return
    taxonomy: Taxonomy | None = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        content, kwargs, sent = job
        if sent != _SAME_TAXONOMY:
            taxonomy = sent
        try:
            answer: tuple[str, Any] = ("ok", target(content, taxonomy=taxonomy, **kwargs))
        except Exception as exc:
            answer = ("error", (isinstance(exc, ParseError), f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return


def _wake(ready: asyncio.Future[None]) -> None:
    """Reader callback: the worker's answer is arriving."""
    if not ready.done():
        ready.set_result(None)


@dataclass(eq=False)
class _Worker:
    """One worker process and the parent's end of its pipe."""

    process: BaseProcess
    conn: Connection
    taxonomy: Taxonomy | None = field(default=None)

    def stop(self, *, kill: bool) -> None:
        """Ask the worker to exit (or kill it), then reap it."""
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
        self.conn.close()


class ExtractionPool:
    """Runs ``extract_notice`` in up to ``workers`` processes, each page within ``time_limit`` seconds."""

    def __init__(
        self,
        *,
        workers: int = 1,
        time_limit: float = DEFAULT_TIME_LIMIT,
        target: Callable[..., Notice] = extract_notice,
    ) -> None:
        self.time_limit = time_limit
        self._target = target
        self._size = max(1, workers)
        self._idle: list[_Worker] = []
        self._slots: asyncio.Semaphore | None = None
        self._closed = False
        self._context = multiprocessing.get_context("forkserver")
        # Only takes effect when the forkserver is not running yet; either way workers work.
        self._context.set_forkserver_preload(["tenderbot.extract"])

    async def extract(
        self,
        content: str | bytes,
        *,
        url: str = "",
        title: str | None = None,
        published_at: datetime | None = None,
        hints: Mapping[str, str] | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> Notice:
        """``extract_notice`` in a worker; ``ExtractionTimeout`` (a ``ParseError``) past the time limit."""
        if self._closed:
            raise RuntimeError("the extraction pool is closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        kwargs = {"url": url, "title": title, "published_at": published_at, "hints": dict(hints or {})}
        async with self._slots:
            worker = self._idle.pop() if self._idle else await asyncio.to_thread(self._start)
            sent: Any = _SAME_TAXONOMY if worker.taxonomy is taxonomy else taxonomy
            worker.taxonomy = taxonomy
            try:
                answer = await self._run(worker, (content, kwargs, sent), url)
            except BaseException:
                # Timed out, died or cancelled mid-page: its pipe may still carry this page's answer.
                await asyncio.to_thread(worker.stop, kill=True)
                raise
            if self._closed:
                await asyncio.to_thread(worker.stop, kill=False)
            else:
                self._idle.append(worker)
        status, value = answer
        if status == "ok":
            if not isinstance(value, Notice):
                raise ParseError(f"{url or '<content>'}: extraction worker answered {type(value).__name__}")
            return value
        is_parse_error, message, trace = value
        if is_parse_error:
            raise ParseError(message)
        raise RuntimeError(f"extraction of {url or '<content>'} failed in a worker: {message}\n{trace}")

    async def _run(self, worker: _Worker, job: tuple[Any, ...], url: str) -> tuple[str, Any]:
        """Send one job and wait for its answer without blocking the loop (the pipe is watched)."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, _wake, ready)
        try:
            try:
                # Blocks only while the idle worker reads the page off the pipe.
                worker.conn.send(job)
            except (OSError, ValueError) as exc:
                raise ParseError(f"{url or '<content>'}: extraction worker is gone ({exc})") from exc
            try:
                await asyncio.wait_for(ready, self.time_limit)
            except TimeoutError:
                log.warning("extraction of %s took over %.1f s: page skipped", url or "<content>", self.time_limit)
                raise ExtractionTimeout(
                    f"{url or '<content>'}: extraction took over {self.time_limit:.1f} s; page skipped"
                ) from None
        finally:
            loop.remove_reader(fd)
        try:
            answer: tuple[str, Any] = worker.conn.recv()
        except (EOFError, OSError) as exc:
            code = worker.process.exitcode
            raise ParseError(f"{url or '<content>'}: extraction worker died (exit code {code})") from exc
        return answer

    def _start(self) -> _Worker:
        """A fresh, warmed-up worker process (run in a thread: start-up takes up to a few seconds)."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._target), name="tenderbot-extract",
                                        daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        try:
            ready = parent.poll(_START_TIMEOUT) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            worker.stop(kill=True)
            raise ParseError(f"extraction worker did not start within {_START_TIMEOUT:.0f} s")
        return worker

    def close(self) -> None:
        """Stop every idle worker (busy ones are killed by their own ``extract`` call when it ends)."""
        self._closed = True
        while self._idle:
            self._idle.pop().stop(kill=False)

    async def aclose(self) -> None:
        """``close`` without blocking the loop."""
        await asyncio.to_thread(self.close)
