"""API tokens are cached per server (app/auth/token_cache.py), and a deleted one is refused: at
once by the process that deleted it, when heard by the others (PostgreSQL's NOTIFY), and after
the cache's lifetime when nobody told them (a row deleted by hand; the CLI on SQLite)."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from app.auth import tokens
from app.auth.token_cache import TOKEN_CACHE, TTL_S
from models import ApiToken
from tests.conftest import Server
from tests.integration.graphql import data, execute
from tests.integration.notifying import notifying_server
from tests.integration.processes import faultline_env, run_cli

TOKENS = "{ tokens { description } }"
REFUSED = [("invalid API token", {"code": "UNAUTHENTICATED"})]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def graphql_refusals(http: aiohttp.ClientSession, server: Server, token: str) -> list:
    result = await execute(http, server, TOKENS, headers=bearer(token))
    return [(e["message"], e["extensions"]) for e in result.get("errors", [])]


async def rest_status(http: aiohttp.ClientSession, server: Server, token: str) -> int:
    async with http.get(server("/api/projects"), headers=bearer(token)) as resp:
        return resp.status


async def test_a_deleted_token_is_refused_at_once_on_the_deleting_server(http, server, auth):
    doomed = await tokens.create_token("doomed")
    assert await graphql_refusals(http, server, doomed.token) == []
    assert await rest_status(http, server, doomed.token) == 200  # cached by now
    deleted = f'mutation {{ deleteToken(id: "{doomed.record.id}") }}'
    assert await data(http, server, deleted, headers=auth) == {"deleteToken": True}
    assert await graphql_refusals(http, server, doomed.token) == REFUSED
    assert await rest_status(http, server, doomed.token) == 401


async def test_a_token_is_read_once_and_kept_for_its_lifetime(http, server):
    """A deletion behind every process's back (no notice): the cached row serves until it
    expires. The server's clock is a test's, so only the test ages the entry."""
    async with notifying_server(server.settings.database_url) as (dedicated, clock):
        other = await tokens.create_token("other")
        kept = await tokens.create_token("kept")
        assert await graphql_refusals(http, dedicated.server, kept.token) == []
        assert await ApiToken.filter(id=kept.record.id).delete() == 1
        assert await graphql_refusals(http, dedicated.server, kept.token) == []
        assert await rest_status(http, dedicated.server, kept.token) == 200
        clock.advance(TTL_S)
        assert await graphql_refusals(http, dedicated.server, kept.token) == REFUSED
        assert await rest_status(http, dedicated.server, kept.token) == 401
        # Expiry is the entry's own: a token read after it is cached afresh.
        assert await graphql_refusals(http, dedicated.server, other.token) == []
        assert len(dedicated.app[TOKEN_CACHE]) == 1


async def test_a_token_deleted_by_another_process_is_refused_once_heard(http, server):
    """`faultline token delete` is another process. On PostgreSQL its NOTIFY reaches the
    server, whose clock does not move: the cache forgets the token because it heard it. On
    SQLite nothing is heard, and the cached token serves until its lifetime ends."""
    url = server.settings.database_url
    async with notifying_server(url) as (dedicated, clock):
        doomed = await tokens.create_token("doomed")
        assert await rest_status(http, dedicated.server, doomed.token) == 200
        done = await asyncio.to_thread(
            run_cli, ["token", "delete", str(doomed.record.id)], faultline_env(url)
        )
        assert done.returncode == 0, done.stderr
        if url.startswith("postgres"):
            deadline = time.monotonic() + 10
            while await rest_status(http, dedicated.server, doomed.token) == 200:
                assert time.monotonic() < deadline, "the deletion was not heard"
                await asyncio.sleep(0.02)
        else:
            assert await rest_status(http, dedicated.server, doomed.token) == 200
            clock.advance(TTL_S)
        assert await rest_status(http, dedicated.server, doomed.token) == 401
        assert await graphql_refusals(http, dedicated.server, doomed.token) == REFUSED
