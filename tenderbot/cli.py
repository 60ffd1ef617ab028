"""The ``tenderbot`` command line: run, poll, parse, sources, db."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from tenderbot import __version__
from tenderbot.errors import ConfigError, ParseError, StartupError, TenderbotError
from tenderbot.logs import Redactor, configure_logging

if TYPE_CHECKING:
    from tenderbot.app import TenderBot
    from tenderbot.extract.taxonomy import Taxonomy
    from tenderbot.settings import Settings

log = logging.getLogger("tenderbot")

__all__ = ["build_parser", "configure_logging", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tenderbot", description="Tender alerts for instruments and medical equipment."
    )
    parser.add_argument("--version", action="version", version=f"tenderbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="the main job: scheduled polls, the bot and the sender")
    poll = commands.add_parser("poll", help="poll the sources once, then exit (for cron)")
    poll.add_argument("--once", action="store_true", required=True, help="one pass (the only mode)")
    poll.add_argument("--source", metavar="NAME", help="only this source")
    poll.add_argument("--send", action="store_true", help="also send queued Telegram messages before exiting")
    poll.add_argument("--force", action="store_true", help="poll sources that are backing off too")
    parse = commands.add_parser(
        "parse", help="extract announcements (HTML, text or 政采云 JSON) as JSON Lines, one record a line")
    parse.add_argument("paths", nargs="+", metavar="path", help="files or directories, or - for standard input")
    parse.add_argument("--url", default="", help="where the page came from (helps type and region)")
    parse.add_argument("--explain", action="store_true",
                       help="add why each field got its value (rule, label, position)")
    sources = commands.add_parser("sources", help="the configured sources and their health")
    sources_commands = sources.add_subparsers(dest="sources_command")
    check = sources_commands.add_parser("check", help="live diagnostic: one listing and one detail page per source")
    check.add_argument("name", nargs="?", help="only this source (also a disabled one)")
    database = commands.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"], help="apply the migrations")
    digest = commands.add_parser("digest", help="one chat's digest of the last 24 hours, now")
    digest.add_argument("--chat", type=int, required=True, metavar="ID", help="the chat id")
    digest_mode = digest.add_mutually_exclusive_group(required=True)
    digest_mode.add_argument("--now", action="store_true", help="send it now")
    digest_mode.add_argument("--dry-run", action="store_true", help="print it instead of sending it")
    search = commands.add_parser("search", help="search the stored notices (the /sub query language)")
    search.add_argument("query", nargs="?", default="", help='e.g. "液相色谱 -维修 地区:江苏" (empty: everything)')
    search.add_argument("--since", metavar="SPAN", help="only notices first seen within SPAN (24h, 7d, 2w)")
    search.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")
    export = commands.add_parser("export", help="export the stored notices a query matches")
    export.add_argument("query", nargs="?", default="", help="the same query language (empty: everything)")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], required=True, help="file format")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    return parser


# Exit codes: 2 for configuration and start-up problems (the message says what to do), 130 for Ctrl-C,
# 141 (128 + SIGPIPE, as a shell reports it) when the reader of our output went away (`tenderbot parse … | head`).
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; start-up and configuration problems are one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        return _parse_command(args)
    # Imported here, not at module level: pydantic and asyncio are most of a one-page parse's wall time.
    from pydantic import ValidationError

    from tenderbot.settings import Settings, describe_invalid_settings

    try:
        settings = Settings()
    except ValidationError as exc:
        # The values are left out on purpose: one of them may be the token or a password.
        return _fail(f"configuration error: {describe_invalid_settings(exc)}", Redactor(()))
    redact = _logging(settings.log_level, settings.secrets, tz=settings.tz)
    import asyncio

    return _guarded(lambda: asyncio.run(_dispatch(args, settings)), redact)


def _logging(level: str, secrets: Sequence[str], *, tz: tzinfo = UTC) -> Redactor:
    """Configure logging and return the redactor for the rest of our output."""
    redact = configure_logging(level, secrets, tz=tz)
    if not isinstance(redact, Redactor):  # a test may replace configure_logging with a no-op
        redact = Redactor(secrets)
    return redact


def _guarded(command: Callable[[], int], redact: Redactor) -> int:
    """Run a command; configuration problems, a closed output pipe and Ctrl-C become their exit codes."""
    try:
        code = command()
        sys.stdout.flush()  # inside the try: a closed pipe is noticed here, not at interpreter exit
        return code
    except StartupError as exc:
        return _fail(str(exc), redact)
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}", redact)
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _fail(message: str, redact: Redactor) -> int:
    """Print one line on stderr (scrubbed of secrets) and return the configuration exit code."""
    print(redact(f"tenderbot: {' '.join(message.split())}"), file=sys.stderr)
    return EXIT_CONFIG


def _drop_stdout() -> None:
    """The reader closed our stdout: point it at /dev/null so the final flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Commands that need the database and sources."""
    from tenderbot.app import TenderBot

    if args.command == "db":
        from tenderbot.startup import check_database, migrate
        from tenderbot.store.db import make_engine

        engine = make_engine(settings.database_url)
        try:
            await check_database(engine, settings.database_url)
            await migrate(engine, settings.database_url)
        finally:
            await engine.dispose()
        print("database is at the latest revision")
        return 0
    async with TenderBot(settings) as app:
        if args.command == "run":
            await app.run()
            return 0
        if args.command == "poll":
            summaries = await app.poll_once(args.source, force=args.force)
            if args.send and not settings.console_mode:
                await app.drain()
            failed = [s for s in summaries if not s.ok]
            return 1 if failed and len(failed) == len(summaries) else 0
        if args.command == "sources":
            if args.sources_command == "check":
                return await _check(app, args.name)
            await _print_sources(app)
            return 0
        if args.command == "digest":
            return await _digest(app, args.chat, dry_run=args.dry_run)
        if args.command in ("search", "export"):
            return await _search_or_export(app, args)
    raise TenderbotError(f"unknown command {args.command}")


_PARSE_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".txt", ".json", ".xml"})


def _parse_inputs(paths: Sequence[str]) -> Iterator[str]:
    """The files to parse: each path as given, a directory's announcement files sorted by name."""
    for path in paths:
        folder = Path(path)
        if path != "-" and folder.is_dir():
            yield from (str(item) for item in sorted(folder.rglob("*"))
                        if item.is_file() and item.suffix.lower() in _PARSE_SUFFIXES
                        and not item.name.endswith(".expected.json"))
        else:
            yield path


def _parse_command(args: argparse.Namespace) -> int:
    """``tenderbot parse`` without pydantic: its three settings are read by ``tenderbot.paths``."""
    from tenderbot.paths import found_config, light_setting

    redact = _logging(light_setting("log_level", "INFO"), [light_setting("telegram_token", "")])

    def command() -> int:
        taxonomy_file = found_config(Path(light_setting("taxonomy_file", "config/taxonomy.yaml")))
        return _parse(args.paths, args.url, taxonomy_file, explain=args.explain)

    return _guarded(command, redact)


def _parse(paths: Sequence[str], url: str, taxonomy_file: Path, *, explain: bool = False) -> int:
    """``tenderbot parse``: one JSON object a line for each input; clear errors for the rest (exit 2)."""
    import json

    from tenderbot.extract import explain_notice, notice_to_dict
    from tenderbot.extract.taxonomy import load_taxonomy

    taxonomy: Taxonomy = load_taxonomy(taxonomy_file)
    failed = 0
    for path in _parse_inputs(paths):
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            print(f"tenderbot: cannot read {path}: {exc.strerror}", file=sys.stderr)
            failed += 1
            continue
        try:
            notice, trace = explain_notice(data, url=url, taxonomy=taxonomy)
        except ParseError as exc:
            print(f"tenderbot: {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        record = notice_to_dict(notice)
        if path != "-":
            record["path"] = path
        if explain:
            record["explain"] = trace.as_dict(notice.text or "")
        print(json.dumps(record, ensure_ascii=False), flush=False)
    sys.stdout.flush()
    return 2 if failed else 0


async def _print_sources(app: TenderBot) -> None:
    """A table of sources with their state."""
    from tenderbot.sources.registry import load_source_configs

    now = datetime.now(UTC)
    tz = app.settings.tz
    counts = await app.store.notices.counts_by_source_since(now - timedelta(hours=24))
    print(f"{'source':<22} {'kind':<10} {'on':<3} {'every':>6} {'24h':>4} {'fails':>5}  last success      last error")
    for config in load_source_configs(app.settings.sources_file):
        state = await app.store.sources.load(config.name)
        success = f"{state.last_success.astimezone(tz):%Y-%m-%d %H:%M}" if state.last_success else "never"
        error = (state.last_error or "")[:60]
        if state.backoff_until and state.backoff_until > now:
            until = app.pipeline.operator_time(state.backoff_until)
            error = f"[backing off until {until}] {error}"
        print(
            f"{config.name:<22} {config.kind:<10} {'yes' if config.enabled else 'no':<3} "
            f"{config.interval_seconds // 60:>5}m {counts.get(config.name, 0):>4} {state.failures:>5}  "
            f"{success:<17} {error}"
        )
    print(f"(times in {tz}, from TENDERBOT_TIMEZONE)")


async def _check(app: TenderBot, name: str | None) -> int:
    """``tenderbot sources check [NAME]``: one listing and one detail page each; a success ends a backoff.

    A named source is checked even when disabled (it is built from the sources file on the spot).
    """
    from tenderbot.sources.registry import build_sources, load_source_configs

    if name:
        every = load_source_configs(app.settings.sources_file)
        configs = [c for c in every if c.name == name]
        if not configs:
            known = ", ".join(c.name for c in every) or "none"
            raise ConfigError(f"no source named {name!r} in {app.settings.sources_file} (configured: {known})")
        sources = build_sources(configs, taxonomy=app.taxonomy)
    else:
        sources = app.sources
    ok = True
    for source in sources:
        report = await source.check(app.fetcher, now=datetime.now(UTC))
        print(f"== {source.name} ({source.config.kind}): {'OK' if report.ok else 'FAILED'}")
        for line in report.lines:
            print(f"   {line}")
        if report.ok and await app.store.sources.clear_backoff(source.name):
            print("   backoff cleared: the next poll runs on schedule")
        ok = ok and report.ok
    return 0 if ok else 1


async def _search_or_export(app: TenderBot, args: argparse.Namespace) -> int:
    """``tenderbot search`` / ``tenderbot export``."""
    from tenderbot.services.commands import export_command, search_command

    if args.command == "search":
        return await search_command(
            app.store.notices, args.query, since=args.since, fmt=args.format, now=app.clock(), tz=app.settings.tz,
            synonyms=app.synonyms,
        )
    return await export_command(
        app.store.notices, args.query, fmt=args.format, output=args.output, now=app.clock(), tz=app.settings.tz,
        synonyms=app.synonyms,
    )


async def _digest(app: TenderBot, chat_id: int, *, dry_run: bool) -> int:
    """``tenderbot digest --chat ID --now | --dry-run``: one chat's digest, sent or printed."""
    from tenderbot.delivery.commands import digest_command

    return await digest_command(
        app.store, app.index, chat_id, now=app.clock(), dry_run=dry_run, drain=app.drain, out=sys.stdout
    )
