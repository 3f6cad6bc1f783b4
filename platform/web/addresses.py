"""The client's address: the network peer, or what a trusted proxy says it forwarded.

``X-Forwarded-For`` is honoured only when the peer is in ``XINFANG_TRUSTED_PROXIES``;
then the address is the right-most entry that is not itself a trusted proxy (entries
further left were written by the client and prove nothing).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar.connection import ASGIConnection

ADDRESS_LENGTH = 64  # the audit and throttling columns


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(trusted))


def client_address(connection: ASGIConnection) -> str:
    peer = connection.client.host if connection.client else ""
    trusted = connection.app.state.settings.trusted_proxies
    if not trusted or not _trusted(peer, trusted):
        return peer[:ADDRESS_LENGTH]
    hops = [hop.strip() for header in connection.headers.getall("x-forwarded-for", []) for hop in header.split(",")]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: trust nothing further left
        if not _trusted(hop, trusted):
            return hop
    return peer[:ADDRESS_LENGTH]


def check_trusted_proxies(trusted: tuple[str, ...]) -> None:
    """At start-up: a mistyped entry stops the app instead of being ignored."""
    try:
        _networks(trusted)
    except ValueError as exc:
        raise ValueError(f"XINFANG_TRUSTED_PROXIES: {exc}") from exc
