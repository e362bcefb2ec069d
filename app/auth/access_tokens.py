"""Rollbar project access tokens: scopes (pure), and the reads and writes of the service.

A token is 32 lowercase hex characters with one or more TokenScope values. A new project gets
four, one per scope (`create_default_tokens`), as Rollbar's projects do. Tokens are stored as
they are (see models.project_access_token for why); revoking keeps the row, and a revoked token
authenticates nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.errors import InvalidField, NotFound
from models import ProjectAccessToken, TokenScope, of_live_project

TOKEN_RE = re.compile(r"[0-9a-f]{32}")
# Client-side platforms: a `post_client_item` token may post only items from these.
CLIENT_PLATFORMS = frozenset({"browser", "client", "android", "ios", "flash", "mobile", "flutter"})
CLIENT_PLATFORM_PREFIXES = ("react-native",)

Scopes = frozenset[TokenScope]


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """What an unrevoked token allows: the project it belongs to and its scopes."""

    token_id: int
    project_id: int
    scopes: Scopes


def generate_token() -> str:
    return secrets.token_hex(16)


def scopes_text(scopes: Iterable[TokenScope]) -> str:
    return ",".join(sorted(scope.value for scope in set(scopes)))


def scopes_of(text: str) -> Scopes:
    return frozenset(TokenScope(name) for name in text.split(",") if name)


def sorted_scopes(scopes: Iterable[TokenScope]) -> list[str]:
    """Scopes in the order Rollbar lists them (post_server_item, post_client_item, read, write)."""
    order = list(TokenScope)
    return [scope.value for scope in sorted(set(scopes), key=order.index)]


def validate_scopes(value: object) -> Scopes:
    if not isinstance(value, list) or not value:
        raise InvalidField("scopes", f"must be a non-empty list of: {', '.join(TokenScope)}")
    if len(value) > len(TokenScope):
        raise InvalidField("scopes", f"must list each scope once ({len(TokenScope)} at most)")
    scopes: set[TokenScope] = set()
    for entry in value:
        if not isinstance(entry, str) or entry not in TokenScope.__members__.values():
            raise InvalidField("scopes", f"each scope must be one of: {', '.join(TokenScope)}")
        scopes.add(TokenScope(entry))
    return frozenset(scopes)


def is_client_platform(platform: str) -> bool:
    name = platform.strip().lower()
    return name in CLIENT_PLATFORMS or name.startswith(CLIENT_PLATFORM_PREFIXES)


async def create_default_tokens(project_id: int) -> list[ProjectAccessToken]:
    """The four tokens of a new project, one per scope (inside the caller's transaction)."""
    return [await _create(project_id, frozenset({scope})) for scope in TokenScope]


async def create_token(project_id: int, scopes: object) -> ProjectAccessToken:
    return await _create(project_id, validate_scopes(scopes))


async def _create(project_id: int, scopes: Scopes) -> ProjectAccessToken:
    return await ProjectAccessToken.create(
        project_id=project_id, token=generate_token(), scopes=scopes_text(scopes)
    )


async def list_tokens(project_id: int) -> list[ProjectAccessToken]:
    """The project's unrevoked tokens, oldest first (a project has a handful)."""
    query = ProjectAccessToken.filter(project_id=project_id, revoked_at__isnull=True)
    return list(await query.order_by("id"))


async def revoke_token(project_id: int, token_id: int) -> None:
    updated = await ProjectAccessToken.filter(
        id=token_id, project_id=project_id, revoked_at__isnull=True
    ).update(revoked_at=datetime.now(UTC))
    if not updated:
        raise NotFound(f"access token {token_id} not found in project {project_id}")


async def grant_of(token: str) -> TokenGrant | None:
    """The grant of an unrevoked token; None for an unknown or revoked one, or one of a
    deleted project."""
    if not TOKEN_RE.fullmatch(token):
        return None
    live = ProjectAccessToken.filter(of_live_project(), token=token, revoked_at__isnull=True)
    rows = await live.values("id", "project_id", "scopes")
    if not rows:
        return None
    row = rows[0]
    return TokenGrant(row["id"], row["project_id"], scopes_of(row["scopes"]))
