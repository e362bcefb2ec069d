"""The SSRF decision (pure): which addresses, URLs and redirects an alert may go to."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from app.alerts.addresses import parse_ip, refusal
from app.alerts.outbound import GuardedResolver, RefusedAddress, check_url, redirect_target

HINT = "(FAULTLINE_ALERT_ALLOW_PRIVATE=1 allows private targets)"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("127.255.0.9", "127.255.0.9 is a loopback address"),
        ("0.0.0.0", "0.0.0.0 is the unspecified address"),
        ("0.1.2.3", "0.1.2.3 is a 'this network' address"),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("172.16.5.4", "172.16.5.4 is a private address"),
        ("172.31.255.255", "172.31.255.255 is a private address"),
        ("192.168.1.1", "192.168.1.1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("100.64.0.1", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("192.0.0.8", "192.0.0.8 is an IETF protocol address"),
        ("192.0.2.1", "192.0.2.1 is a documentation address"),
        ("198.18.0.1", "198.18.0.1 is a benchmarking address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("239.255.255.250", "239.255.255.250 is a multicast address"),
        ("240.0.0.1", "240.0.0.1 is a reserved address"),
        ("255.255.255.255", "255.255.255.255 is a reserved address"),
        ("::", ":: is the unspecified address"),
        ("::1", "::1 is a loopback address"),
        ("fe80::1", "fe80::1 is a link-local address"),
        ("fe80::1%eth0", "fe80::1%eth0 is a link-local address"),
        ("fc00::1", "fc00::1 is a unique-local (private) address"),
        ("fd12:3456::1", "fd12:3456::1 is a unique-local (private) address"),
        ("fec0::1", "fec0::1 is a site-local address"),
        ("ff02::1", "ff02::1 is a multicast address"),
        ("2001:db8::1", "2001:db8::1 is a documentation address"),
        ("2001::1", "2001::1 is an IETF protocol address"),
        ("100::1", "100::1 is a discard-only address"),
        ("64:ff9b:1::1", "64:ff9b:1::1 is a local-use NAT64 address"),
        ("::7f00:1", "::7f00:1 is an IPv4-compatible (deprecated) address"),
        (
            "::ffff:127.0.0.1",
            "::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
        ),
        (
            "::ffff:169.254.169.254",
            "::ffff:a9fe:a9fe is an IPv4-mapped form of 169.254.169.254, a link-local address",
        ),
        ("2002:7f00:1::1", "2002:7f00:1::1 is a 6to4 form of 127.0.0.1, a loopback address"),
        ("2002:a00:1::", "2002:a00:1:: is a 6to4 form of 10.0.0.1, a private address"),
        (
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::a9fe:a9fe is a NAT64 form of 169.254.169.254, a link-local address",
        ),
        ("64:ff9b::a00:1", "64:ff9b::a00:1 is a NAT64 form of 10.0.0.1, a private address"),
    ],
)
def test_addresses_that_reach_our_own_networks_are_refused_with_what_they_are(
    address: str, reason: str
) -> None:
    assert refusal(ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    [
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "172.32.0.1",  # just past 172.16.0.0/12
        "100.128.0.1",  # just past the shared range
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "::ffff:8.8.8.8",  # the mapped form of a public address is that address
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("example.com", None),
        ("127.1", None),
        ("2130706433", None),
        ("", None),
    ],
)
def test_a_url_host_is_an_address_only_when_written_as_one(host: str, expected: str | None) -> None:
    parsed = parse_ip(host)
    assert (None if parsed is None else str(parsed)) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/hook", "only http:// and https:// URLs can be alert targets"),
        ("file:///etc/passwd", "only http:// and https:// URLs can be alert targets"),
        ("gopher://127.0.0.1:6379/_x", "only http:// and https:// URLs can be alert targets"),
        ("example.com/hook", "only http:// and https:// URLs can be alert targets"),
        ("https://user:pw@example.com/hook", "URLs with credentials (user:password@) are refused"),
        ("https://user@example.com/hook", "URLs with credentials (user:password@) are refused"),
        ("https:///hook", "the URL has no host"),
        ("https://example.com:99999/", "the URL cannot be read"),
        ("https://exa mple.com/", "the URL contains spaces or control characters"),
        ("https://example.com/\r\nX: y", "the URL contains spaces or control characters"),
        ("https://example.com/" + "a" * 2048, "the URL is longer than 2048 characters"),
        ("http://127.0.0.1:8080/", f"refused: 127.0.0.1 is a loopback address {HINT}"),
        ("http://[::1]/", f"refused: ::1 is a loopback address {HINT}"),
        ("http://10.1.2.3/", f"refused: 10.1.2.3 is a private address {HINT}"),
        (
            "http://169.254.169.254/latest/meta-data/",
            f"refused: 169.254.169.254 is a link-local address {HINT}",
        ),
        ("http://0.0.0.0:8080/", f"refused: 0.0.0.0 is the unspecified address {HINT}"),
        (
            "http://[::ffff:10.0.0.1]/",
            f"refused: ::ffff:a00:1 is an IPv4-mapped form of 10.0.0.1, a private address {HINT}",
        ),
    ],
)
def test_urls_that_cannot_be_alert_targets_say_why(url: str, reason: str) -> None:
    assert check_url(url, allow_private=False) == reason


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0/B0/x",
        "http://8.8.8.8/hook",
        "https://[2606:4700:4700::1111]/hook",
        "https://localhost/hook",  # a name: judged by the resolver when connecting
        "https://0x7f.example/hook",
        "https://1password.com/hook",
    ],
)
def test_public_addresses_and_names_pass_the_url_check(url: str) -> None:
    assert check_url(url, allow_private=False) is None


def test_allowing_private_targets_lets_literal_private_addresses_through() -> None:
    assert check_url("http://127.0.0.1:8080/", allow_private=True) is None
    assert check_url("http://169.254.169.254/", allow_private=True) is None
    # ...but not the rest of the rules.
    assert check_url("http://u:p@127.0.0.1/", allow_private=True) == (
        "URLs with credentials (user:password@) are refused"
    )


@pytest.mark.parametrize(
    ("current", "location", "status", "expected"),
    [
        ("https://a.example/h", "/next", 307, "https://a.example/next"),
        ("https://a.example/h", "https://a.example/next", 308, "https://a.example/next"),
        ("http://a.example/h", "https://a.example/h", 308, "https://a.example/h"),
        ("http://a.example:8080/h", "/x", 307, "http://a.example:8080/x"),
        (
            "https://a.example/h",
            "https://b.example/h",
            307,
            "HTTP 307: a redirect to another host or port (https://b.example/h) is refused; "
            "use the final URL",
        ),
        (
            "https://a.example/h",
            "http://169.254.169.254/latest",
            308,
            "HTTP 308: a redirect to another host or port (http://169.254.169.254/latest) is "
            "refused; use the final URL",
        ),
        (
            "https://a.example/h",
            "https://a.example:8443/h",
            307,
            "HTTP 307: a redirect to another host or port (https://a.example:8443/h) is refused; "
            "use the final URL",
        ),
        (
            "https://a.example/h",
            "http://a.example/h",
            307,
            "HTTP 307: a redirect to another host or port (http://a.example/h) is refused; "
            "use the final URL",
        ),
        (
            "https://a.example/h",
            "/moved",
            301,
            "HTTP 301: following this redirect would turn the POST into a GET; use the final "
            "URL https://a.example/moved",
        ),
        ("https://a.example/h", None, 302, "HTTP 302: a redirect without a Location"),
        ("https://a.example/h", "", 307, "HTTP 307: a redirect without a Location"),
    ],
)
def test_only_same_origin_redirects_that_keep_the_post_are_followed(
    current: str, location: str | None, status: int, expected: str
) -> None:
    target = redirect_target(URL(current), location, status)
    assert (target if isinstance(target, str) else str(target)) == expected


class Answers(AbstractResolver):
    """A DNS stand-in answering a fixed list of addresses for any name."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=a,
                port=port,
                family=socket.AF_INET6 if ":" in a else socket.AF_INET,
                proto=0,
                flags=0,
            )
            for a in self.addresses
        ]

    async def close(self) -> None:
        pass


async def test_the_resolver_hands_on_public_answers_unchanged() -> None:
    resolver = GuardedResolver(False, Answers("93.184.216.34", "2606:2800:220:1::1"))
    results = await resolver.resolve("example.com", 443, socket.AF_UNSPEC)
    assert [r["host"] for r in results] == ["93.184.216.34", "2606:2800:220:1::1"]


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        (("93.184.216.34", "10.0.0.7"), "hook.example resolves to 10.0.0.7, a private address"),
        (("fe80::1%eth0",), "hook.example resolves to fe80::1%eth0, a link-local address"),
        (
            ("::ffff:169.254.169.254",),
            "hook.example resolves to ::ffff:169.254.169.254, an IPv4-mapped form of 169.254.169.254, a link-local address",
        ),
        (("not-an-address",), "hook.example resolves to not-an-address, an unreadable address"),
    ],
)
async def test_the_resolver_refuses_a_name_when_any_answer_is_not_public(
    answers: tuple[str, ...], reason: str
) -> None:
    resolver = GuardedResolver(False, Answers(*answers))
    with pytest.raises(RefusedAddress) as caught:
        await resolver.resolve("hook.example", 443, socket.AF_UNSPEC)
    assert str(caught.value) == reason
    allowing = GuardedResolver(True, Answers(*answers))
    assert len(await allowing.resolve("hook.example", 443, socket.AF_UNSPEC)) == len(answers)
