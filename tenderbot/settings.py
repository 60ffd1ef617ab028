"""Settings from the environment (``TENDERBOT_*``) and ``.env``; built once and passed down."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

from tenderbot.errors import ConfigError, QueryError
from tenderbot.models import DEFAULT_TIMEZONE
from tenderbot.paths import PROJECT_ROOT, found_config

SQLITE_EXAMPLE = "sqlite+aiosqlite:///./data/tenderbot.db"
POSTGRES_EXAMPLE = "postgresql+asyncpg://user:password@127.0.0.1:5432/tenderbot"
# The async drivers tenderbot ships with, per backend (SQLAlchemy's backend name → driver name).
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")

__all__ = ["PROJECT_ROOT", "Settings", "describe_invalid_settings"]


class Settings(BaseSettings):
    """Every setting an operator can change; documented one by one in ``.env.example``."""

    model_config = SettingsConfigDict(env_prefix="TENDERBOT_", env_file=".env", extra="ignore")

    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"
    telegram_proxy: str = ""
    database_url: str = "sqlite+aiosqlite:///./data/tenderbot.db"
    sources_file: Path = Path("config/sources.yaml")
    taxonomy_file: Path = Path("config/taxonomy.yaml")
    admin_chat_ids: str = ""
    timezone: str = DEFAULT_TIMEZONE
    # A browser's User-Agent: portals' firewalls drop library ones (tenderbot/sources/fetch.py).
    user_agent: str = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    )
    console_query: str = "类别:仪器|医疗"
    log_level: str = "INFO"
    send_rate_per_second: float = 28.0
    reminder_days: str = "3,1"
    web_listen: str = "127.0.0.1:8080"
    web_password: SecretStr = SecretStr("")
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_from: str = ""
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_security: str = "starttls"
    retention_days: int = Field(default=365, ge=1)
    cache_dir: Path | None = None
    web_public_url: str = ""
    webhook_allowed_hosts: str = ""

    @field_validator("sources_file", "taxonomy_file")
    @classmethod
    def _found_config(cls, value: Path) -> Path:
        """A relative path is read from the working directory, else from the checkout's own config/."""
        return found_config(value)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        """Only SQLite through aiosqlite and PostgreSQL through asyncpg; anything else says what to write."""
        try:
            url = make_url(value)
        except Exception as exc:
            raise ValueError(f"not a database URL; write {SQLITE_EXAMPLE} or {POSTGRES_EXAMPLE}") from exc
        backend = url.get_backend_name()
        if backend == "postgres":  # the Heroku-style spelling, which SQLAlchemy does not accept
            backend = "postgresql"
        wanted = DRIVERS.get(backend)
        if wanted is None:
            raise ValueError(
                f"{backend} is not supported; use SQLite ({SQLITE_EXAMPLE}) or PostgreSQL ({POSTGRES_EXAMPLE})"
            )
        if url.get_backend_name() != backend or url.get_driver_name() != wanted:
            fixed: URL = url.set(drivername=f"{backend}+{wanted}")
            raise ValueError(
                f"tenderbot talks to {backend} through the {wanted} driver; "
                f"write {fixed.render_as_string(hide_password=True)}"
            )
        return value

    @field_validator("telegram_proxy")
    @classmethod
    def _usable_proxy(cls, value: str) -> str:
        """A proxy URL httpx can use; socks5 needs the socksio package (``python-telegram-bot[socks]``)."""
        value = value.strip()
        if not value:
            return value
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in PROXY_SCHEMES or not rest.strip("/"):
            raise ValueError("write a proxy URL such as http://127.0.0.1:7890 or socks5://127.0.0.1:1080")
        if scheme.lower().startswith("socks") and importlib.util.find_spec("socksio") is None:
            raise ValueError('a socks5 proxy needs the socksio package: pip install "python-telegram-bot[socks]"')
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfoNotFoundError or ValueError for odd strings
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value

    @model_validator(mode="after")
    def _valid_console_query(self) -> Self:
        """Console mode prints what TENDERBOT_CONSOLE_QUERY matches: a malformed query stops the start, not a poll."""
        if self.console_mode:
            from tenderbot.matching.query import parse_query

            try:
                parse_query(self.console_query)
            except QueryError as exc:
                raise ValueError(f"TENDERBOT_CONSOLE_QUERY {self.console_query!r}: {exc}") from exc
        return self

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be printed: the bot token and any password in the database or proxy URL."""
        found = [self.telegram_token.get_secret_value()]
        for url in (self.database_url, self.telegram_proxy):
            try:
                password = make_url(url).password if url else None
            except Exception:
                password = None
            if password:
                found.append(str(password))
        return tuple(s for s in found if s)

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        """``TENDERBOT_CACHE_DIR=`` (as in .env.example) means the default place."""
        return None if value == "" else value

    @property
    def index_cache_dir(self) -> Path:
        """Where the compiled subscription index is cached: TENDERBOT_CACHE_DIR, else beside an SQLite file."""
        if self.cache_dir is not None:
            return self.cache_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).expanduser().parent / "cache"
        return Path("data/cache")

    @property
    def admin_ids(self) -> frozenset[int]:
        """The chat ids allowed to run admin commands."""
        ids: set[int] = set()
        for part in self.admin_chat_ids.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                ids.add(int(part))
            except ValueError as exc:
                raise ConfigError(f"TENDERBOT_ADMIN_CHAT_IDS: {part!r} is not a chat id") from exc
        return frozenset(ids)

    @property
    def reminder_day_list(self) -> tuple[float, ...]:
        """Days before a followed tender's deadline when a reminder goes out (``3,1`` by default)."""
        days: list[float] = []
        for part in self.reminder_days.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                value = float(part)
            except ValueError as exc:
                raise ConfigError(f"TENDERBOT_REMINDER_DAYS: {part!r} is not a number of days") from exc
            if not 0 < value <= 60:
                raise ConfigError(f"TENDERBOT_REMINDER_DAYS: {part} is outside 0–60 days")
            days.append(value)
        return tuple(sorted(set(days), reverse=True))

    @property
    def tz(self) -> ZoneInfo:
        """The default time zone for digests and display."""
        return ZoneInfo(self.timezone)

    @property
    def console_mode(self) -> bool:
        """True when no bot token is set: alerts are printed instead of sent."""
        return not self.telegram_token.get_secret_value().strip()

    @property
    def telegram_base_url(self) -> str:
        """The Bot API root with ``/bot`` appended, as python-telegram-bot expects."""
        return self.telegram_api_url.rstrip("/") + "/bot"

    @property
    def telegram_base_file_url(self) -> str:
        """The Bot API file root, as python-telegram-bot expects."""
        return self.telegram_api_url.rstrip("/") + "/file/bot"


def describe_invalid_settings(error: ValidationError) -> str:
    """A pydantic ValidationError as one line per setting, named by its environment variable, without its value."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        names = [str(part) for part in item["loc"]]
        variable = "TENDERBOT_" + names[0].upper() if names else "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(message if message.startswith("TENDERBOT_") else f"{variable}: {message}")
    return "; ".join(lines)
