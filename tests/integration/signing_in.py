"""Browsers for the tests: an aiohttp client with a cookie jar, signed in through /auth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from app.auth import users
from models import User
from tests.conftest import Server

PASSWORD = "correct horse battery"


async def new_user(email: str = "ada@example.com", password: str = PASSWORD) -> User:
    return await users.create_user(email, password)


def origin(server: Server) -> dict[str, str]:
    """The Origin header a page of this server sends."""
    return {"Origin": server.url}


@asynccontextmanager
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe: the jar keeps cookies of IP-address hosts (the test servers are on 127.0.0.1).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def sign_in(
    session: aiohttp.ClientSession,
    server: Server,
    email: str = "ada@example.com",
    password: str = PASSWORD,
) -> dict[str, Any]:
    async with session.post(
        server("/auth/sign-in"), json={"email": email, "password": password}, headers=origin(server)
    ) as resp:
        assert resp.status == 200, await resp.text()
        body: dict[str, Any] = await resp.json()
        return body


@asynccontextmanager
async def signed_in(
    server: Server, email: str = "ada@example.com", password: str = PASSWORD
) -> AsyncIterator[aiohttp.ClientSession]:
    async with browser() as session:
        await sign_in(session, server, email, password)
        yield session


async def graphql(
    session: aiohttp.ClientSession,
    server: Server,
    query: str,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a document as the UI's pages do (Origin of the server unless `headers` say else)."""
    sent = origin(server) if headers is None else headers
    async with session.post(server("/graphql"), json={"query": query}, headers=sent) as resp:
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result
