"""Settings from the environment (``TENDERBOT_*``) and ``.env``; built once and passed down."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from tenderbot.errors import ConfigError
from tenderbot.paths import PROJECT_ROOT, found_config

__all__ = ["PROJECT_ROOT", "Settings"]


class Settings(BaseSettings):
    """Every setting an operator can change; documented one by one in ``.env.example``."""

    model_config = SettingsConfigDict(env_prefix="TENDERBOT_", env_file=".env", extra="ignore")

    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///./data/tenderbot.db"
    sources_file: Path = Path("config/sources.yaml")
    taxonomy_file: Path = Path("config/taxonomy.yaml")
    admin_chat_ids: str = ""
    timezone: str = "Asia/Shanghai"
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

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfoNotFoundError or ValueError for odd strings
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value

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
