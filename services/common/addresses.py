"""Who a client is, for counting: its address, with IPv6 addresses grouped by /64.

One IPv6 subscriber gets a whole /64 (RFC 6177) and may pick any address in it: counting each
IPv6 address alone would give one attacker 2^64 allowances. IPv4 addresses count one by one,
and an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, from a dual-stack socket) counts as its
IPv4 address.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

IPV6_GROUP_PREFIX = 64
UNKNOWN = "inconnue"


def address_group(host: str) -> str:
    """The key under which `host` is counted: an IPv4 address or an IPv6 /64 network."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # no zone index (fe80::1%eth0)
    except ValueError:
        # Not an address (a test client's "testclient", a Unix socket): counted as itself.
        return host[:64] or UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_GROUP_PREFIX), strict=False))
    return str(address)


def client_group(connection: HTTPConnection) -> str:
    """The counting key of the request's client.

    Behind the reverse proxy, uvicorn's --proxy-headers puts the client's own address in
    `request.client`.
    """
    return address_group(connection.client.host) if connection.client else UNKNOWN
