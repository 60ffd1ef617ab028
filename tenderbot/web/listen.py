"""``TENDERBOT_WEB_LISTEN`` and the password rule: without a password, loopback only."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from tenderbot.errors import ConfigError

LOOPBACK_NAMES = frozenset({"localhost"})


@dataclass(frozen=True, slots=True)
class Listen:
    """Where the console listens."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        """True when only this machine can connect."""
        return is_loopback(self.host)

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_listen(value: str) -> Listen | None:
    """``host:port`` (``[::1]:8080`` for IPv6); None when empty (the console is off)."""
    text = value.strip()
    if not text:
        return None
    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit():
        raise ConfigError(f"TENDERBOT_WEB_LISTEN={value!r}: write host:port, e.g. 127.0.0.1:8080 (empty turns it off)")
    host = host.strip("[]")
    port = int(port_text)
    if not host or not 0 < port < 65536:
        raise ConfigError(f"TENDERBOT_WEB_LISTEN={value!r}: write host:port, e.g. 127.0.0.1:8080 (empty turns it off)")
    return Listen(host, port)


def check_exposure(listen: Listen, password: str) -> str | None:
    """Refuse a non-loopback address without a password (ConfigError); a warning line for loopback without one."""
    if password:
        return None
    if not listen.loopback:
        raise ConfigError(
            f"TENDERBOT_WEB_LISTEN={listen.host}:{listen.port} is reachable from other machines, and "
            "TENDERBOT_WEB_PASSWORD is empty: set a password, or listen on 127.0.0.1"
        )
    return (
        f"web console at {listen.url} has no password (TENDERBOT_WEB_PASSWORD): it listens on loopback only "
        "and anyone on this machine can use it"
    )
