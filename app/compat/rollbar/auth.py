"""Which Rollbar access token a request carries, what it grants, and whether that suffices.

The token comes from the `X-Rollbar-Access-Token` header, else the deprecated `access_token`
in the query string or the body. Grants are cached like the Sentry key lookup
(app.ingest.cache): one query per token and second at most; only strings that look like a
token (32 lowercase hex) are looked up or remembered, so the cache holds real tokens, and
unknown ones of that shape, up to its bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.auth import access_tokens
from app.auth.access_tokens import TokenGrant
from app.errors import Forbidden
from app.ingest.cache import LookupCache
from app.ingest.untrusted import clip
from models import TokenScope

HEADER = "X-Rollbar-Access-Token"
MAX_SHOWN_TOKEN_CHARS = 64


class GrantCache(LookupCache[str, TokenGrant]):
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(access_tokens.grant_of, clock=clock)

    async def grant(self, token: str | None) -> TokenGrant:
        """The grant of `token`; Forbidden when it is missing, unknown or revoked."""
        if not token:
            raise Forbidden("access token required")
        grant = None
        if access_tokens.TOKEN_RE.fullmatch(token):
            grant = await self.get(token)
        if grant is None:
            raise Forbidden(f"access token not found: {clip(token, MAX_SHOWN_TOKEN_CHARS)}")
        return grant


def require_scope(grant: TokenGrant, *allowed: TokenScope) -> None:
    """Forbidden unless the grant holds one of `allowed`, in Rollbar's words."""
    if grant.scopes.intersection(allowed):
        return
    needed = " or ".join(scope.value for scope in allowed)
    held = ", ".join(access_tokens.sorted_scopes(grant.scopes))
    raise Forbidden(
        f"insufficient privileges: {needed} scope is required but the access token only has {held}."
    )


def item_scopes(platform: str) -> tuple[TokenScope, ...]:
    """The scopes that may post an item from `platform` (client-side ones take either)."""
    if access_tokens.is_client_platform(platform):
        return (TokenScope.POST_SERVER_ITEM, TokenScope.POST_CLIENT_ITEM)
    return (TokenScope.POST_SERVER_ITEM,)
