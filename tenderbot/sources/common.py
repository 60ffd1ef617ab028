"""Small pure helpers the portal families share: listing dates, URLs, hints, option access."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from tenderbot.errors import ConfigError
from tenderbot.extract.money import parse_money
from tenderbot.extract.region import short_province

BEIJING = ZoneInfo("Asia/Shanghai")

# Listing dates seen: "2026.09.23 12:30:10" (ccgp search), "2025-06-27 17:52" (ccgp meta PubDate),
# "2017-12-26 08:30:31" (EPoint), "2025年06月27日 17:52" (ccgp pubTime), "2026-11-20" (channel lists).
_DATE = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
)


def parse_listing_time(value: str | int | float | None, *, tz: ZoneInfo = BEIJING) -> datetime | None:
    """Parse a listing date (text or epoch milliseconds) as an aware datetime; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        seconds = number / 1000 if number > 10**11 else number
        return datetime.fromtimestamp(seconds, tz=UTC).astimezone(tz)
    text = str(value).strip()
    found = _DATE.search(text)
    if not found:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in found.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def time_key(moment: datetime | None) -> str | None:
    """A sortable cursor key for a publication time (UTC ISO, so zones never mix)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def number_key(number: int) -> str:
    """A sortable cursor key for an increasing numeric id."""
    return f"{number:020d}"


def absolute(base: str, href: str) -> str:
    """Resolve a possibly relative link against the page it came from."""
    return urljoin(base, href.strip())


def clean_hints(**values: object) -> dict[str, str]:
    """Hints for ``extract_notice`` without empty values, all as strings."""
    hints: dict[str, str] = {}
    for key, value in values.items():
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, datetime) else " ".join(str(value).split())
        if text:
            hints[key] = text
    return hints


def as_int(value: object) -> int | None:
    """An int from an int or a numeric string (portal JSON sends both), else None."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def option_str(options: Mapping[str, Any], key: str, default: str | None = None) -> str:
    """A required (or defaulted) string option; ConfigError when missing."""
    value = options.get(key, default)
    if value is None or not isinstance(value, str) or not value.strip():
        raise ConfigError(f"option {key!r} must be a non-empty string")
    return value.strip()


def option_list(options: Mapping[str, Any], key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A list-of-strings option (a single string is accepted as one element)."""
    value = options.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v) for v in value)
    raise ConfigError(f"option {key!r} must be a list of strings")


def window(now: datetime, since: datetime) -> tuple[datetime, datetime]:
    """The (start, end) of a date-filtered query, in Beijing time, end including today."""
    return since.astimezone(BEIJING), (now + timedelta(minutes=1)).astimezone(BEIJING)


def clean_text(value: str | None) -> str | None:
    """Collapse whitespace (incl. &nbsp; and full-width spaces) in a listing field; None when empty."""
    if value is None:
        return None
    text = " ".join(value.replace("\u3000", " ").split())
    return text or None


def province_short(name: str | None) -> str | None:
    """The short province name a place name starts with (广西壮族自治区百色市 → 广西), or None."""
    return short_province(name.strip().removeprefix("中国")) if name else None


def yuan_text(value: str | None) -> str | None:
    """A listing amount as a plain yuan figure: '￥56.980000 万元（人民币）' → '569800'."""
    amount = parse_money(value) if value else None
    return None if amount is None else str(amount)


def rehost(url: str, host: str | None) -> str:
    """``url`` with scheme and host taken from ``host`` (a mirror, a proxy, a test server); unchanged if None."""
    if not host:
        return url
    target, parts = urlsplit(host), urlsplit(url)
    prefix = target.path.rstrip("/")
    return urlunsplit((target.scheme, target.netloc, prefix + parts.path, parts.query, parts.fragment))


def config_problems(*checks: Callable[[], object]) -> list[str]:
    """Run each option check; the messages of the ConfigErrors they raise, in order (empty when all pass)."""
    problems = []
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            problems.append(str(exc))
    return problems


def positive_int_problems(options: Mapping[str, Any], *keys: str) -> list[str]:
    """Problems with options that must be positive integers when present."""
    problems = []
    for key in keys:
        value = options.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(f"option {key!r} must be a positive integer, got {value!r}")
    return problems


def base_url_option(options: Mapping[str, Any], default: str | None = None) -> str | None:
    """``options.base_url`` (scheme + host, no trailing slash), else ``default``; ConfigError when malformed."""
    value = options.get("base_url", default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("option 'base_url' must be a non-empty string like https://www.example.gov.cn")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"option 'base_url' must be scheme + host (https://host), got {value!r}")
    return value.strip().rstrip("/")


def site_url(options: Mapping[str, Any], value: str, *, key: str) -> str:
    """An endpoint of the site: a path joins ``base_url``; an absolute URL moves onto ``base_url`` when set.

    So a mirror, a proxy or a local test server stands in for a portal by changing one option.
    """
    base = base_url_option(options)
    absolute_url = bool(urlsplit(value).scheme)
    if absolute_url:
        return rehost(value, base) if base else value
    if not base:
        raise ConfigError(f"option {key!r} is a path ({value!r}): set 'base_url' (scheme + host) too")
    return base + "/" + value.lstrip("/")


def renamed_option(options: Mapping[str, Any], old: str, new: str, why: str = "") -> None:
    """ConfigError when a retired option name is used, naming the option that replaced it."""
    if old in options:
        extra = f" ({why})" if why else ""
        raise ConfigError(f"option {old!r} is no longer used{extra}; set {new!r} instead")
