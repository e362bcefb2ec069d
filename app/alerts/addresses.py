"""Which addresses an alert may be sent to (pure): the SSRF decision on one resolved address.

A public address is allowed; anything that reaches the server's own machine or network is not:
loopback, private, link-local (the cloud metadata service at 169.254.169.254), unique-local,
multicast, reserved, unspecified, shared (CGNAT), documentation and benchmark ranges, and the
IPv6 forms that carry one of those IPv4 addresses inside (IPv4-mapped, NAT64, 6to4). Named ranges
come first so the reason is precise; anything else ipaddress does not call global is refused too.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

_V4 = tuple(
    (IPv4Network(net), kind)
    for net, kind in (
        ("0.0.0.0/8", "a 'this network' address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),  # with 255.255.255.255, the broadcast
    )
)
_V6 = tuple(
    (IPv6Network(net), kind)
    for net, kind in (
        ("::1/128", "a loopback address"),
        ("::/96", "an IPv4-compatible (deprecated) address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
        ("100::/64", "a discard-only address"),
        ("2001::/23", "an IETF protocol address"),  # Teredo among them
        ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a unique-local (private) address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)
_NAT64 = IPv6Network("64:ff9b::/96")


def parse_ip(host: str) -> IPAddress | None:
    """The address a URL host names literally ("::1" or "[::1]"), or None for a host name."""
    try:
        return ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def refusal(address: IPAddress) -> str | None:
    """Why an alert must not be sent to `address` ("127.0.0.1 is a loopback address"), or None."""
    kind = forbidden_kind(address)
    return None if kind is None else f"{address} is {kind}"


def forbidden_kind(address: IPAddress) -> str | None:
    """What a forbidden address is ("a loopback address"); None for a public address."""
    if address.is_unspecified:
        return "the unspecified address"
    if isinstance(address, IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None:
            form, v4 = inner
            kind = forbidden_kind(v4)
            return None if kind is None else f"{form} of {v4}, {kind}"
        ranges: tuple[tuple[IPv4Network | IPv6Network, str], ...] = _V6
    else:
        ranges = _V4
    for network, kind in ranges:
        if address in network:
            return kind
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_v4(address: IPv6Address) -> tuple[str, IPv4Address] | None:
    """The IPv4 address an IPv6 form stands for, which is what the packets would reach."""
    if address.ipv4_mapped is not None:
        return "an IPv4-mapped form", address.ipv4_mapped
    if address.sixtofour is not None:
        return "a 6to4 form", address.sixtofour
    if address in _NAT64:
        return "a NAT64 form", IPv4Address(int(address) & 0xFFFFFFFF)
    return None
