"""Start-up failures: one line with a hint, a non-zero exit, never a traceback, never the token."""

from __future__ import annotations

import logging
import socket
import sqlite3
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tenderbot.cli import main
from tenderbot.logs import configure_logging
from tests.conftest import PG_ADMIN_URL, require_postgres
from tests.e2e_support import settings_for
from tests.fake_telegram import FakeTelegram
from tests.offline import CHILD_MARKER, offline_env

ROOT = Path(__file__).resolve().parents[1]
# Not the token FakeTelegram accepts: it answers 401 Unauthorized, as Telegram does for a revoked token.
WRONG_TOKEN = "654321:AAH-wrong-SECRET-part-0123456789"
SECRET_PART = WRONG_TOKEN.split(":", 1)[1]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """An operator's environment in tmp_path (no sources, own SQLite file); logging and hooks restored after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, sys.excepthook, threading.excepthook, sys.unraisablehook)
    monkeypatch.chdir(tmp_path)
    for name in ("TENDERBOT_TELEGRAM_TOKEN", "TENDERBOT_TELEGRAM_PROXY", "TENDERBOT_CONSOLE_QUERY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("TENDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        yield monkeypatch
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        sys.excepthook, threading.excepthook, sys.unraisablehook = saved[2:]
        logging.captureWarnings(False)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line(err: str) -> str:
    """The single line a start-up failure prints; fails on a traceback or several lines."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    assert lines[0].startswith("tenderbot: "), err
    return lines[0]


def test_unreachable_telegram_names_the_proxy_setting(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.setenv("TENDERBOT_TELEGRAM_TOKEN", WRONG_TOKEN)
    cli.setenv("TENDERBOT_TELEGRAM_API_URL", f"http://127.0.0.1:{closed_port()}")
    assert main(["poll", "--once"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "cannot reach the Telegram Bot API" in line and "TENDERBOT_TELEGRAM_PROXY" in line
    assert SECRET_PART not in line


def test_a_rejected_token_says_so_without_printing_it(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeTelegram.serving() as fake:
        cli.setenv("TENDERBOT_TELEGRAM_TOKEN", WRONG_TOKEN)
        cli.setenv("TENDERBOT_TELEGRAM_API_URL", fake.server_url)
        assert main(["poll", "--once"]) == 2
        line = one_line(capsys.readouterr().err)
        assert "rejected the bot token (401 Unauthorized)" in line and "@BotFather" in line
        # A mistyped API URL (".../bot" added by hand) answers 404 for every call.
        cli.setenv("TENDERBOT_TELEGRAM_TOKEN", fake.token)
        cli.setenv("TENDERBOT_TELEGRAM_API_URL", fake.server_url + "/bot")
        assert main(["poll", "--once"]) == 2
        line404 = one_line(capsys.readouterr().err)
    assert "(404 Not Found)" in line404 and "without /bot" in line404
    assert SECRET_PART not in line + line404 and fake.token.split(":")[1] not in line404


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://tender:pw@db/tenderbot", "mysql is not supported; use SQLite (sqlite+aiosqlite:///"),
        ("postgresql://tender:pw@db:5432/tb", "write postgresql+asyncpg://tender:***@db:5432/tb"),
        ("postgres://tender@db/tb", "write postgresql+asyncpg://tender@db/tb"),
        ("sqlite:///./data/x.db", "write sqlite+aiosqlite:///./data/x.db"),
        ("not a url", "not a database URL; write sqlite+aiosqlite"),
    ],
)
def test_unsupported_database_urls_say_what_to_write(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    cli.setenv("TENDERBOT_DATABASE_URL", url)
    assert main(["poll", "--once"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "TENDERBOT_DATABASE_URL" in line and expected in line
    assert ":pw@" not in line  # a password in the URL is not echoed


def test_a_closed_database_port_is_one_line(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    cli.setenv("TENDERBOT_DATABASE_URL", f"postgresql+asyncpg://tender:s3cret-password@127.0.0.1:{port}/tenderbot")
    assert main(["db", "upgrade"]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"cannot connect to the database postgresql+asyncpg://tender:***@127.0.0.1:{port}/tenderbot" in line
    assert "server running" in line and "s3cret-password" not in line


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("role", 'role "no_such_role_x" does not exist. Hint: the role in the URL does not exist'),
        ("database", 'database "no_such_db_x" does not exist. Hint: that database does not exist'),
    ],
)
def test_a_wrong_postgres_role_or_database_is_one_line(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], change: str, expected: str
) -> None:
    require_postgres()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = (base.replace("postgres@", "no_such_role_x@") + "/test") if change == "role" else base + "/no_such_db_x"
    cli.setenv("TENDERBOT_DATABASE_URL", url)
    assert main(["poll", "--once"]) == 2
    assert expected in one_line(capsys.readouterr().err)


def test_a_database_from_a_newer_tenderbot_is_one_line(
    cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["db", "upgrade"]) == 0
    with closing(sqlite3.connect(tmp_path / "db.sqlite")) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    capsys.readouterr()
    assert main(["poll", "--once"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "schema revision this tenderbot does not know" in line and "0099_from_the_future" in line


def test_a_bad_console_query_stops_the_start(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli.setenv("TENDERBOT_CONSOLE_QUERY", "预算:很多")
    assert main(["poll", "--once"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "TENDERBOT_CONSOLE_QUERY" in line and "预算:很多" in line
    # With a bot token the console query is not used, so it does not stop the bot.
    cli.setenv("TENDERBOT_CONSOLE_QUERY", "类别:仪器")
    assert main(["poll", "--once"]) == 0


def test_a_bad_proxy_url_is_a_configuration_error(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli.setenv("TENDERBOT_TELEGRAM_PROXY", "127.0.0.1:7890")
    assert main(["poll", "--once"]) == 2
    assert "TENDERBOT_TELEGRAM_PROXY: write a proxy URL such as http://" in one_line(capsys.readouterr().err)


async def test_the_bot_reaches_telegram_through_the_proxy(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    with FakeTelegram.serving() as fake:
        settings = settings_for(tmp_path, tmp_path / "sources.yaml", "http://api.telegram.invalid")
        # The API host does not exist: the only way to getMe is through the proxy (the fake answers in its place).
        settings = settings.model_copy(update={"telegram_proxy": fake.server_url})
        async with TenderBot(settings):
            pass
        assert "getMe" in fake.calls and fake.proxied_requests >= 1


def test_every_output_road_is_scrubbed(cli: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    token = WRONG_TOKEN
    configure_logging("DEBUG", [token])
    log = logging.getLogger("tenderbot.test")
    log.warning("url %s", f"https://api.telegram.org/bot{token}/getMe")  # arguments
    log.warning("encoded https://api.telegram.org/bot%s/x", token.replace(":", "%3A"))  # URL-encoded
    log.warning("just the secret part %s", SECRET_PART)
    log.warning("with stack %s", token, stack_info=True)
    try:
        raise RuntimeError(f"The token `{token}` was rejected by the server.")
    except RuntimeError:
        log.exception("start failed")  # the traceback
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]  # an uncaught exception
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"careful with {token}", UserWarning, stacklevel=1)
    thread = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError(token)))
    thread.start()
    thread.join()
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert SECRET_PART not in output and token not in output
    assert output.count("<token>") >= 8
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING


@pytest.mark.slow
def test_a_real_start_with_a_rejected_token_never_prints_it(tmp_path: Path) -> None:
    """The whole process: every byte it writes, on both streams, at DEBUG."""
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    with FakeTelegram.serving() as fake:
        env = offline_env(
            {
                "PATH": "/usr/bin:/bin",
                "TENDERBOT_TELEGRAM_TOKEN": WRONG_TOKEN,
                "TENDERBOT_TELEGRAM_API_URL": fake.server_url,
                "TENDERBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
                "TENDERBOT_SOURCES_FILE": str(tmp_path / "sources.yaml"),
                "TENDERBOT_LOG_LEVEL": "DEBUG",
                "PYTHONWARNINGS": "always",
            }
        )
        result = subprocess.run(
            [sys.executable, "-m", "tenderbot", "run"], env=env, cwd=tmp_path, capture_output=True, timeout=120
        )
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode == 2, output
    assert "rejected the bot token (401 Unauthorized)" in output
    assert WRONG_TOKEN not in output and SECRET_PART not in output, output
    assert "Traceback" not in output and CHILD_MARKER not in output


@pytest.mark.slow
def test_parse_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    page = ROOT / "tests" / "fixtures" / "corpus" / "ccgp-award-guizhou-summary-table.html"
    process = subprocess.Popen(
        [sys.executable, "-m", "tenderbot", "parse", str(page)],
        cwd=tmp_path,
        env=offline_env({"PATH": "/usr/bin:/bin"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` that has already read what it wanted, before we write
    err = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=60)
    assert err == "" and code == 141
