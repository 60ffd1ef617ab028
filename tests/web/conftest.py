"""Web-console tests: the robot services' hosts resolve to a public address without DNS.

Robot posts in these tests are answered by a local stand-in (a rewriting transport or httpx.MockTransport);
the name lookup a hook policy makes before a send must not need the network (the CI machine has no DNS).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

ROBOT_HOSTS = frozenset({"qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com"})
PUBLIC_ADDRESS = "93.184.215.14"  # any public address: the connection itself never leaves the machine


@pytest.fixture(autouse=True)
def robot_hosts_resolve_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Answer lookups of the robot hosts locally; every other name resolves as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.rstrip(".").lower() in ROBOT_HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (PUBLIC_ADDRESS, port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
