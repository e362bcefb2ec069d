"""A GraphQL client for the tests: POST a document to the real server, return the JSON."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.conftest import Server


async def execute(
    http: aiohttp.ClientSession,
    server: Server,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    async with http.post(server("/graphql"), json=body, headers=headers) as resp:
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result


async def data(
    http: aiohttp.ClientSession,
    server: Server,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The `data` of a result that must have no errors."""
    result = await execute(http, server, query, variables, headers)
    assert "errors" not in result, result["errors"]
    found: dict[str, Any] = result["data"]
    return found
