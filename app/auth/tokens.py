"""API tokens: 40 lowercase hex characters, stored only as a SHA-256 hash.

The token has 160 random bits, so an unsalted hash is enough: nothing can be guessed from it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.auth.token_cache import TokenCache
from app.errors import InvalidField, NotFound, Unauthorized
from app.notifications import notifying_transaction
from app.pagination import Page, PageRequest, keyset_page
from app.text import require_plain_line
from models import ApiToken

TOKEN_RE = re.compile(r"[0-9a-f]{40}")
PREFIX_LENGTH = 4
MAX_DESCRIPTION = 255
# Writing last_used_at on every request would turn reads into writes; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewToken:
    record: ApiToken
    token: str


def generate_token() -> str:
    return secrets.token_hex(20)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def masked(prefix: str) -> str:
    return f"{prefix}...****"


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header, or Unauthorized saying what is wrong."""
    if not authorization:
        raise Unauthorized("missing Authorization: Bearer <token> header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be 'Bearer <token>'")
    return token.strip()


def validate_description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidField("description", "must be a string")
    if len(value) > MAX_DESCRIPTION:
        raise InvalidField("description", f"must be at most {MAX_DESCRIPTION} characters")
    return require_plain_line("description", value.strip())


async def create_token(description: object = None) -> NewToken:
    text = validate_description(description)
    token = generate_token()
    record = await ApiToken.create(
        token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH], description=text
    )
    return NewToken(record=record, token=token)


async def list_tokens(page: PageRequest) -> Page[ApiToken]:
    return await keyset_page(ApiToken.all(), ("id",), page, descending=False)


async def delete_token(token_id: int) -> None:
    """The one way a token goes (REST, GraphQL, CLI): the deletion is published with it, so
    every server process ends the subscriptions the token opened."""
    async with notifying_transaction() as outbox:
        if not await ApiToken.filter(id=token_id).delete():
            raise NotFound(f"token {token_id} not found")
        outbox.deleted_tokens.append(token_id)
    # The commit runs this process's deletion hooks (token caches forget it at once); other
    # processes run theirs when they hear the notice.


async def authenticate(token: str, cache: TokenCache | None = None) -> ApiToken:
    """The token's row (from `cache` when it has it), or Unauthorized."""
    if not TOKEN_RE.fullmatch(token):
        raise Unauthorized("invalid API token")
    token_hash = hash_token(token)
    record = cache.get(token_hash) if cache is not None else None
    if record is None:
        generation = cache.generation if cache is not None else 0
        record = await ApiToken.get_or_none(token_hash=token_hash)
        if record is None:
            raise Unauthorized("invalid API token")
        if cache is not None:
            cache.put(token_hash, record, generation)
    now = datetime.now(UTC)
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        record.last_used_at = now
        await ApiToken.filter(id=record.id).update(last_used_at=now)
    return record


async def tokens_by_id(token_ids: Iterable[int]) -> dict[int, ApiToken]:
    return {t.id: t for t in await ApiToken.filter(id__in=list(token_ids))}


async def existing_token_ids(token_ids: set[int]) -> set[int]:
    return {row.id for row in await ApiToken.filter(id__in=list(token_ids)).only("id")}


async def all_tokens() -> list[ApiToken]:
    return list(await ApiToken.all().order_by("id"))
