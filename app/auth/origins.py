"""Which origin the server is, and whether a request's Origin header names it (pure).

The server's origin is FAULTLINE_PUBLIC_URL's when that is set (behind a proxy the Host header
may not be what browsers see), else the request's own scheme and Host. Browser requests made with
a session cookie must come from it; see the CSRF notes in README.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import hdrs, web

from app.config import Settings

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]`, lowercased, without a default port; None when not an http URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def server_origin(settings: Settings, request: web.Request) -> str | None:
    if settings.public_url:
        return origin_of(settings.public_url)
    return origin_of(f"{request.scheme}://{request.host}")


def from_server(settings: Settings, request: web.Request) -> bool:
    """Whether the request carries an Origin header naming this server."""
    origin = request.headers.get(hdrs.ORIGIN)
    own = server_origin(settings, request)
    return origin is not None and own is not None and origin_of(origin) == own


def foreign(settings: Settings, request: web.Request) -> bool:
    """Whether the request carries an Origin header naming another site."""
    return hdrs.ORIGIN in request.headers and not from_server(settings, request)


def secure_cookies(settings: Settings) -> bool:
    return bool(settings.public_url) and urlsplit(settings.public_url or "").scheme == "https"
