"""Where the server may POST for a user: the policy for outbound hooks (team robots, any user-given URL).

A user who binds a robot (``/robot``, the web console) makes the server send requests to a URL of their
choosing; without a policy that is a way into the operator's network (issue #9: loopback, private ranges,
the cloud metadata service at 169.254.169.254) and a redirect turns an allowed URL into any other (issue
#16: a 307 turned an https robot POST into a POST to loopback). The policy, applied both when a destination
is accepted (``destination_problem``) and at every send (``HookPolicy.check``):

* https only, to the robot services' own hosts by default, plus hosts the operator lists in
  ``TENDERBOT_WEBHOOK_ALLOWED_HOSTS``;
* the host is resolved and every address must be public: no loopback, private, shared (CGNAT),
  link-local (metadata), multicast, reserved or unspecified address;
* the request follows no redirect, and its answer is capped in size and time.

The request itself resolves the host again. That second lookup is not what keeps a hostile DNS out: only
allowed hosts get this far, and nobody but their owners answers for them; the address check catches an
allowed name that points inside the operator's network (split-horizon DNS, a mistyped allowlist entry).

Tests opt in to a local stand-in robot explicitly (``allow_http`` / ``allow_private_addresses``, which no
setting exposes), so the defaults never weaken.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tenderbot.errors import NotifyError, RetryLater

# The three robot services' webhook hosts (WeCom 群机器人, DingTalk 自定义机器人, Feishu / Lark 自定义机器人).
ROBOT_HOSTS = frozenset({"qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com"})
MAX_RESPONSE_BYTES = 64 * 1024
TIMEOUT_SECONDS = 10.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


class HookRefused(NotifyError):
    """The destination is not allowed, or answered in a way a hook may not (redirect, oversize): give up."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_problem(address: IPAddress) -> str | None:
    """Why the server must not send to this address (None: a public address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_problem(address.ipv4_mapped)
    checks = (
        ("loopback", address.is_loopback),
        ("link-local (cloud metadata)", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not public", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{address} is a {name} address"
    return None


def _host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Exact host names, or ``*.example.com`` for its subdomains."""
    for entry in allowed:
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def parse_hosts(value: str) -> frozenset[str]:
    """A comma-separated host list from configuration, lower-cased (``a.example.com, *.b.example.com``)."""
    return frozenset(part.strip().lower().rstrip(".") for part in value.replace(";", ",").split(",") if part.strip())


@dataclass(frozen=True)
class HookPolicy:
    """Which URLs an outbound hook may reach, and how long and how much its answer may be."""

    extra_hosts: frozenset[str] = frozenset()
    resolver: Resolver = system_resolver
    allow_http: bool = False
    allow_private_addresses: bool = False
    max_response_bytes: int = MAX_RESPONSE_BYTES
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_setting(cls, allowed_hosts: str) -> HookPolicy:
        """The policy with the hosts of ``TENDERBOT_WEBHOOK_ALLOWED_HOSTS`` added to the robot services'."""
        return cls(extra_hosts=parse_hosts(allowed_hosts))

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """The robot services' hosts and the operator's."""
        return ROBOT_HOSTS | self.extra_hosts

    def url_problem(self, url: str) -> str | None:
        """What is wrong with a URL before any lookup (scheme, credentials, host); None when acceptable."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return "the webhook URL is not a valid URL"
        scheme = parts.scheme.lower()
        if scheme != "https" and not (self.allow_http and scheme == "http"):
            return "the webhook URL must start with https://"
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return "the webhook URL has no host"
        if parts.username is not None or parts.password is not None:
            return "the webhook URL must not carry a user name or password before the host"
        if not _host_allowed(host, self.allowed_hosts):
            allowed = ", ".join(sorted(self.allowed_hosts))
            return (
                f"{host} is not a robot service host (allowed: {allowed}); "
                "an operator can allow more in TENDERBOT_WEBHOOK_ALLOWED_HOSTS"
            )
        if port is not None and not 0 < port < 65536:
            return "the webhook URL has an invalid port"
        return None

    async def check(self, url: str) -> None:
        """Check a URL and that every address of its host is permitted.

        Raises HookRefused with the reason when the policy forbids it, RetryLater when the lookup failed.
        """
        problem = self.url_problem(url)
        if problem:
            raise HookRefused(problem)
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = await self.resolver(host, port)
            except UnicodeError as exc:
                raise HookRefused(f"{host} is not a valid host name") from exc
            except OSError as exc:  # a failed lookup may be passing: try again later
                raise RetryLater(f"{host} could not be resolved ({type(exc).__name__})") from exc
        if not addresses:
            raise HookRefused(f"{host} has no address")
        for text in addresses:
            try:
                address = ipaddress.ip_address(text.split("%", 1)[0])
            except ValueError as exc:
                raise HookRefused(f"{host} resolved to something that is not an address") from exc
            problem = None if self.allow_private_addresses else address_problem(address)
            if problem:
                # Every address must pass: a host with one public and one internal address is refused.
                raise HookRefused(f"{host} resolves to {problem}")


async def destination_problem(url: str, policy: HookPolicy | None = None) -> str | None:
    """Why a user-given hook URL cannot be accepted (None: it can) — for the bot and the web console.

    Resolves the host like a send would; the message is one sentence a user can act on and never
    repeats the URL (its path and query carry the robot's key).
    """
    try:
        await (policy or HookPolicy()).check(url)
    except NotifyError as exc:  # HookRefused, or RetryLater when the host could not be looked up now
        return str(exc)
    return None
