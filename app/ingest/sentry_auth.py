"""Which Sentry public key a request names (protocols.md §A1): headers and query in, key out.

Sources, any of which may carry the key:

    X-Sentry-Auth: Sentry sentry_key=…, sentry_version=7, sentry_client=…   (sentry-python)
    Authorization: Sentry sentry_key=…, …                                   (same format)
    Authorization: Basic base64(<public key>:<anything>)                    (newer Relay)
    ?sentry_key=…&sentry_version=7&sentry_client=…                          (browser and Node SDKs)

Relay rejects a request naming the key in more than one place; we accept that as long as every
source names the same key. Keys are normalised to 32 lowercase hex digits, so a dashed UUID and
its plain form are the same key. Pure: looking the key up is the caller's job, and so is the
envelope's `dsn` header (`key_from_dsn` parses it).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.errors import BadRequest, Unauthorized
from app.ingest.untrusted import clip

# Relay's "unsupported protocol version" threshold; every current SDK sends 7.
MAX_PROTOCOL_VERSION = 7
DEFAULT_PROTOCOL_VERSION = 7

_HEX_KEY = re.compile(r"[0-9a-fA-F]{32}")
_UUID_KEY = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_PROJECT_ID = re.compile(r"[0-9]+")
# Project ids are int4 in PostgreSQL: a larger one names no project.
MAX_PROJECT_ID = 2**31 - 1
# More digits than any supported version has: refused without converting a 5,000-digit number.
_MAX_VERSION_DIGITS = 4


@dataclass(frozen=True, slots=True)
class SentryAuth:
    public_key: str  # 32 lowercase hex digits
    client: str | None  # sentry_client, e.g. "sentry.python/2.75.0"
    version: int  # sentry_version, 7 when absent


@dataclass(frozen=True, slots=True)
class _Source:
    name: str  # for error messages: "X-Sentry-Auth header", "query string", ...
    key: str | None
    version: str | None
    client: str | None


def parse_auth_header(value: str) -> dict[str, str]:
    """The pairs of a `Sentry key=value, key=value` header; prefix matched case-insensitively.

    Pairs without `=` are ignored, as Relay does; keys and values are trimmed.
    """
    scheme, rest = _split_scheme(value)
    if scheme.lower() != "sentry":
        raise Unauthorized("bad X-Sentry-Auth header")
    pairs: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, field = item.partition("=")
        name = name.strip()
        if sep and name:
            pairs[name] = field.strip()
    return pairs


def extract_auth(headers: Mapping[str, str], query: Mapping[str, str]) -> SentryAuth | None:
    """The Sentry credentials of a request, or None when it carries none.

    Raises Unauthorized for a malformed source, an invalid key or two different keys, and
    BadRequest for a protocol version above 7.
    """
    sources = _sources(headers, query)
    if not sources:
        return None
    keys: set[str] = set()
    for source in sources:
        if source.key is None:
            raise Unauthorized(f"bad {source.name}: missing sentry_key")
        keys.add(_normalise_key(source.key))
    if len(keys) > 1:
        raise Unauthorized("conflicting sentry keys in request")

    version = DEFAULT_PROTOCOL_VERSION
    versions = [_parse_version(s.version, s.name) for s in sources if s.version is not None]
    if versions:
        version = versions[0]
        too_new = [v for v in versions if v > MAX_PROTOCOL_VERSION]
        if too_new:
            raise BadRequest(f"unsupported protocol version ({too_new[0]})")
    client = next((s.client for s in sources if s.client), None)
    return SentryAuth(public_key=keys.pop(), client=client, version=version)


def key_from_dsn(dsn: str) -> tuple[str, int] | None:
    """(public key, project id) of a DSN such as an envelope's `dsn` header; None if unusable."""
    try:
        url = urlsplit(dsn.strip())
        username = url.username
        hostname = url.hostname
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or not username or not hostname:
        return None
    project = project_id(url.path.rstrip("/").rpartition("/")[2])
    key = _normalised_or_none(username)
    if project is None or key is None:
        return None
    return key, project


def project_id(digits: str) -> int | None:
    """The project id `digits` spell, or None when they spell no possible project id."""
    if not _PROJECT_ID.fullmatch(digits):
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(MAX_PROJECT_ID)) or int(digits) > MAX_PROJECT_ID:
        return None
    return int(digits)


def _sources(headers: Mapping[str, str], query: Mapping[str, str]) -> list[_Source]:
    sources: list[_Source] = []
    x_sentry_auth = _header(headers, "X-Sentry-Auth")
    if x_sentry_auth is not None:
        sources.append(_from_pairs("X-Sentry-Auth header", parse_auth_header(x_sentry_auth)))

    authorization = _header(headers, "Authorization")
    if authorization is not None:
        scheme, credentials = _split_scheme(authorization)
        if scheme.lower() == "sentry":
            sources.append(_from_pairs("Authorization header", parse_auth_header(authorization)))
        elif scheme.lower() == "basic":
            sources.append(_from_basic(credentials))
        # Any other scheme (Bearer, …) belongs to someone else, e.g. a proxy: not ours to judge.

    if "sentry_key" in query:
        sources.append(_from_pairs("query string", query))
    return sources


def _split_scheme(value: str) -> tuple[str, str]:
    parts = value.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def _from_pairs(name: str, pairs: Mapping[str, str]) -> _Source:
    return _Source(
        name=name,
        key=pairs.get("sentry_key"),
        version=pairs.get("sentry_version"),
        client=pairs.get("sentry_client") or None,
    )


def _from_basic(credentials: str) -> _Source:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise Unauthorized("bad Authorization header: invalid Basic credentials") from None
    return _Source("Authorization header", key=decoded.partition(":")[0], version=None, client=None)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup that also works on a plain dict (aiohttp's headers already are)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


def _parse_version(value: str, source: str) -> int:
    # Relay reads only the part before the first dot: "7.0" is 7.
    major = value.strip().partition(".")[0]
    if not major.isascii() or not major.isdigit():
        raise Unauthorized(f"bad {source}: invalid sentry_version {clip(value)!r}")
    major = major.lstrip("0") or "0"
    if len(major) > _MAX_VERSION_DIGITS:
        raise BadRequest(f"unsupported protocol version ({clip(major)})")
    return int(major)


def _normalise_key(value: str) -> str:
    key = _normalised_or_none(value)
    if key is None:
        raise Unauthorized("invalid sentry_key")
    return key


def _normalised_or_none(value: str) -> str | None:
    value = value.strip()
    if _HEX_KEY.fullmatch(value) or _UUID_KEY.fullmatch(value):
        return value.replace("-", "").lower()
    return None
