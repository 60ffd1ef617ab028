"""Settings from the environment, and the command line's error handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderbot.cli import main
from tenderbot.errors import ConfigError
from tenderbot.settings import Settings


def test_settings_come_from_tenderbot_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TENDERBOT_TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("TENDERBOT_TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("TENDERBOT_ADMIN_CHAT_IDS", " 42, -100123 ,")
    settings = Settings()
    assert not settings.console_mode
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.admin_ids == frozenset({42, -100123})
    assert "1:abc" not in repr(settings)  # the token is a secret


def test_defaults_are_console_mode_and_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TENDERBOT_TELEGRAM_TOKEN", "TENDERBOT_DATABASE_URL", "TENDERBOT_ADMIN_CHAT_IDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.console_mode
    assert settings.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert settings.timezone == "Asia/Shanghai"


def test_bad_admin_ids_and_time_zone_are_clear_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TENDERBOT_ADMIN_CHAT_IDS", "42,alice")
    with pytest.raises(ConfigError, match="alice"):
        _ = Settings().admin_ids
    monkeypatch.setenv("TENDERBOT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="IANA"):
        Settings()


def test_cli_reports_a_broken_sources_file_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources.yaml").write_text("sources: [{name: x, kind: nosuchkind}]\n", encoding="utf-8")
    monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("TENDERBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    assert main(["poll", "--once"]) == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and "nosuchkind" in err and "Traceback" not in err


def test_cli_parse_reports_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["parse", str(tmp_path / "missing.html")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_log_lines_never_carry_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from tenderbot.cli import configure_logging

    token = "987654:SECRET-token-value"
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging("INFO", [token])
        logging.getLogger("telegram.ext").warning("POST https://api.telegram.org/bot%s/getUpdates failed", token)
        try:
            raise RuntimeError(f"boom at /bot{token}/sendMessage")
        except RuntimeError:
            logging.getLogger("tenderbot").exception("send failed")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert token not in err
    assert err.count("<token>") == 2
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def test_reminder_days(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TENDERBOT_REMINDER_DAYS", "1, 3,7")
    assert Settings().reminder_day_list == (7.0, 3.0, 1.0)
    monkeypatch.setenv("TENDERBOT_REMINDER_DAYS", "3,soon")
    with pytest.raises(ConfigError, match="soon"):
        _ = Settings().reminder_day_list
