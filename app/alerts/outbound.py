"""Outbound HTTP for alert channels: one POST, its outcome as a value (never an exception).

The URL of a channel is chosen by whoever holds an API token, so a POST could be aimed at the
server's own network (SSRF). Unless private targets are allowed, the address is checked where
the connection is made: a literal address in the URL before connecting, a host name by the
connector's own resolver, which refuses it when any address it resolves to is not public
(app/alerts/addresses.py) and otherwise hands exactly those addresses to the connection. One
resolution per connection, so DNS cannot answer differently between check and connect.
Also: no proxies from the environment, no credentials in URLs, connect and total time limits,
a capped response read, and only same-origin 307/308 redirects are followed (the others
would go elsewhere or turn the POST into a GET). Every failure says why, and whether it is
worth retrying.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from app.alerts.addresses import forbidden_kind, parse_ip, refusal
from app.config import version

TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0
MAX_URL_CHARS = 2048
MAX_REDIRECTS = 3
# Enough for any receiver's answer; a reply is read only to quote its start in an error.
MAX_RESPONSE_BYTES = 64 * 1024
ERROR_CHARS = 300
QUOTED_CHARS = 160
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)
ALLOW_HINT = "FAULTLINE_ALERT_ALLOW_PRIVATE=1 allows private targets"


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one attempt came to. `retry`: worth trying again later (timeouts, 5xx, 429)."""

    ok: bool
    retry: bool
    status_code: int | None
    error: str | None
    duration_ms: int


class RefusedAddress(OSError):
    """A host name resolved to an address alerts must not reach (raised by the resolver)."""


class GuardedResolver(AbstractResolver):
    """The system resolver, refusing hosts that resolve to any non-public address."""

    def __init__(self, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for result in results:
                address = parse_ip(result["host"])
                kind = "an unreadable address" if address is None else forbidden_kind(address)
                if kind is not None:
                    raise RefusedAddress(f"{_clip(host)} resolves to {result['host']}, {kind}")
        return results

    async def close(self) -> None:
        await self._inner.close()


def check_url(url: str, *, allow_private: bool) -> str | None:
    """Why `url` cannot be an alert target (pure; a literal address is judged here), or None."""
    if len(url) > MAX_URL_CHARS:
        return f"the URL is longer than {MAX_URL_CHARS} characters"
    if any(c.isspace() or not c.isprintable() for c in url):
        return "the URL contains spaces or control characters"
    try:
        parsed = URL(url)
        parsed.port  # noqa: B018 (a port out of range raises here)
    except (ValueError, TypeError):
        return "the URL cannot be read"
    if parsed.scheme not in ("http", "https"):
        return "only http:// and https:// URLs can be alert targets"
    if parsed.raw_user is not None or parsed.raw_password is not None:
        return "URLs with credentials (user:password@) are refused"
    if not parsed.raw_host:
        return "the URL has no host"
    address = parse_ip(parsed.raw_host)
    if address is None and _NUMERIC_LABEL.fullmatch(parsed.raw_host.rstrip(".").rpartition(".")[2]):
        # 2130706433, 0177.1, 0x7f.1: resolvers read these as addresses; no real name ends so.
        return f"{_clip(parsed.raw_host)} is not an address written in the standard form"
    if address is not None and not allow_private:
        reason = refusal(address)
        if reason is not None:
            return f"refused: {reason} ({ALLOW_HINT})"
    return None


def redirect_target(current: URL, location: str | None, status: int) -> URL | str:
    """The URL a redirect may be followed to, or why it is refused (pure)."""
    if not location:
        return f"HTTP {status}: a redirect without a Location"
    try:
        target = current.join(URL(location))
    except (ValueError, TypeError):
        return f"HTTP {status}: an unreadable Location"
    same_origin = (target.scheme, target.raw_host, target.port) == (
        current.scheme,
        current.raw_host,
        current.port,
    )
    upgrade = (
        (current.scheme, target.scheme) == ("http", "https")
        and target.raw_host == current.raw_host
        and (current.port, target.port) == (80, 443)
    )
    if not (same_origin or upgrade):
        return (
            f"HTTP {status}: a redirect to another host or port ({_clip(str(target))}) is "
            "refused; use the final URL"
        )
    if status not in (307, 308):
        return (
            f"HTTP {status}: following this redirect would turn the POST into a GET; "
            f"use the final URL {_clip(str(target))}"
        )
    return target


async def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool = False,
    timeout_s: float = TIMEOUT_S,
) -> SendResult:
    """POST `body` to `url`, guarded as the module says; the outcome, never an exception."""
    started = time.monotonic()

    def result(ok: bool, retry: bool, status: int | None, error: str | None) -> SendResult:
        elapsed = int((time.monotonic() - started) * 1000)
        error = None if error is None else _clip(error, ERROR_CHARS)
        return SendResult(ok, retry, status, error, elapsed)

    problem = check_url(url, allow_private=allow_private)
    if problem is not None:
        return result(False, False, None, problem)
    # identity: an error quotes the answer's start, which is never decompressed.
    headers = {"User-Agent": f"Faultline/{version()}", "Accept-Encoding": "identity", **headers}
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(allow_private), use_dns_cache=False, force_close=True
    )
    timeout = aiohttp.ClientTimeout(total=None, connect=min(CONNECT_TIMEOUT_S, timeout_s))
    try:
        async with (
            asyncio.timeout(timeout_s),
            aiohttp.ClientSession(
                connector=connector, timeout=timeout, auto_decompress=False, trust_env=False
            ) as session,
        ):
            status, error, retry = await _exchange(session, URL(url), body, headers, allow_private)
    except aiohttp.ConnectionTimeoutError:
        return result(False, True, None, f"could not connect within {timeout.connect:g} s")
    except TimeoutError:
        return result(False, True, None, f"no answer within {timeout_s:g} s")
    except aiohttp.ClientConnectorError as e:
        if isinstance(e.os_error, RefusedAddress):
            return result(False, False, None, f"refused: {e.os_error} ({ALLOW_HINT})")
        return result(False, True, None, _connect_error(e))
    except aiohttp.InvalidURL as e:
        return result(False, False, None, f"the URL cannot be used: {e}")
    except ValueError as e:  # e.g. a header value with a line break
        return result(False, False, None, f"the request cannot be made: {e}")
    except aiohttp.ClientError as e:
        return result(False, True, None, f"{type(e).__name__}: {e}")
    return result(error is None, retry, status, error)


async def _exchange(
    session: aiohttp.ClientSession,
    url: URL,
    body: bytes,
    headers: dict[str, str],
    allow_private: bool,
) -> tuple[int, str | None, bool]:
    """(status, why it failed or None, retry); follows what redirect_target() allows."""
    for _ in range(MAX_REDIRECTS + 1):
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as r:
            status = r.status
            if 300 <= status < 400 and status != 304:
                target = redirect_target(url, r.headers.get("Location"), status)
                if isinstance(target, str):
                    return status, target, False
                problem = check_url(str(target), allow_private=allow_private)
                if problem is not None:
                    return status, f"HTTP {status}: the redirect's target: {problem}", False
                url = target
                continue
            answer = await _read_capped(r)  # read to end the exchange cleanly, within the cap
            if 200 <= status < 300:
                return status, None, False
            error = f"HTTP {status}{_quote(answer, r.headers.get('Content-Encoding'))}"
            # Worth another try: the receiver is failing, overloaded or slow, not refusing.
            return status, error, status >= 500 or status in (408, 429)
    return status, f"more than {MAX_REDIRECTS} redirects", False


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    """The start of the answer, at most MAX_RESPONSE_BYTES (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_RESPONSE_BYTES:
        chunk = await response.content.read(MAX_RESPONSE_BYTES - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _quote(answer: bytes, encoding: str | None) -> str:
    """ ": <the answer's start>" for an error message, or "" when it is empty or compressed."""
    if encoding not in (None, "identity"):
        return ""
    text = " ".join(answer[: QUOTED_CHARS * 4].decode("utf-8", "replace").split())
    text = "".join(c for c in text if c.isprintable())
    return f": {_clip(text, QUOTED_CHARS)}" if text else ""


def _connect_error(e: aiohttp.ClientConnectorError) -> str:
    if isinstance(e, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve {_clip(e.host)}: {e.os_error.strerror or e.os_error}"
    if isinstance(e, aiohttp.ClientSSLError):
        return f"TLS with {_clip(e.host)}:{e.port} failed: {e.os_error}"
    return f"cannot connect to {_clip(e.host)}:{e.port}: {e.os_error.strerror or e.os_error}"


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
