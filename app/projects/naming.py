"""Pure rules for project names, slugs, Sentry keys and DSNs."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit, urlunsplit

from app.text import require_name

MAX_NAME = 200
MAX_SLUG = 100
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def validate_name(value: object) -> str:
    return require_name(value, MAX_NAME)


def slugify(name: str) -> str:
    """`My App!` → `my-app`; names without letters or digits become `project`."""
    slug = _NON_SLUG.sub("-", name.lower()).strip("-")
    return slug[: MAX_SLUG - 8].rstrip("-") or "project"


def slug_candidates(base: str) -> list[str]:
    """`base`, then `base-2`, `base-3`, … to find a free slug."""
    return [base] + [f"{base}-{n}" for n in range(2, 1000)]


def tombstone_slug(project_id: int) -> str:
    """The slug a deleted project keeps until its row goes: `~` is never in a slug, so the
    old one is free at once and this one names no issue (`short_id` never matches it)."""
    return f"~deleted-{project_id}"


def new_sentry_key() -> str:
    return uuid.uuid4().hex


def dashed_key(key: str) -> str:
    """The stored 32-hex key in the dashed UUID form the Rustrak API shows."""
    return str(uuid.UUID(hex=key))


def dsn(base_url: str, key: str, project_id: int) -> str:
    """`http://<32 hex>@host:port[/prefix]/<id>`: the form every Sentry SDK accepts."""
    parts = urlsplit(base_url)
    netloc = f"{key}@{parts.netloc.rsplit('@', 1)[-1]}"
    path = f"{parts.path.rstrip('/')}/{project_id}"
    return urlunsplit((parts.scheme or "http", netloc, path, "", ""))


def short_id(slug: str, counter: int) -> str:
    return f"{slug.upper()}-{counter}"
