"""Outbound-hook policies for tests: DNS-free, and an explicit opt-in for a stand-in robot on 127.0.0.1."""

from __future__ import annotations

from tenderbot.notify.hookguard import HookPolicy

# A public address the fake resolver gives every host. Nothing connects to it: the tests answer through
# httpx.MockTransport, so the policy is exercised without DNS or network.
PUBLIC_ADDRESS = "93.184.215.14"


async def public_resolver(host: str, port: int) -> list[str]:
    """Every host resolves to one public address."""
    return [PUBLIC_ADDRESS]


def offline_policy(*extra_hosts: str) -> HookPolicy:
    """The default policy (https, robot hosts, public addresses) with a fake resolver and extra test hosts."""
    return HookPolicy(extra_hosts=frozenset(extra_hosts), resolver=public_resolver)


def local_robot_policy() -> HookPolicy:
    """Opt in to a stand-in robot at http://127.0.0.1 (no setting exposes these switches)."""
    return HookPolicy(extra_hosts=frozenset({"127.0.0.1"}), allow_http=True, allow_private_addresses=True)
