"""The UI's shell and assets: deep links, caching, compression, and a real browser boots it."""

from __future__ import annotations

import re

import aiohttp
from playwright.async_api import Page

from tests.conftest import Server
from tests.integration.browser import assert_no_page_errors


async def _shell(http: aiohttp.ClientSession, server: Server, path: str) -> tuple[str, str]:
    async with http.get(server(path)) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert response.headers["Cache-Control"] == "no-cache"
        return await response.text(), response.headers["ETag"]


async def test_every_page_path_answers_the_same_shell(
    server: Server, http: aiohttp.ClientSession
) -> None:
    first, etag = await _shell(http, server, "/")
    for path in (
        "/sign-in",
        "/projects",
        "/projects/12/issues?query=is:open",
        "/projects/12/settings",
        "/issues/42",
        "/issues/42/events/0f4c3c1e-6d0f-4f7e-9f30-0a6a0d3a8b11",
        "/tokens",
    ):
        assert await _shell(http, server, path) == (first, etag)
    async with http.get(server("/nowhere")) as response:
        assert response.status == 404
        assert response.content_type == "application/json"


async def test_the_shell_revalidates_and_assets_are_immutable(
    server: Server, http: aiohttp.ClientSession
) -> None:
    html, etag = await _shell(http, server, "/projects")
    async with http.get(server("/projects"), headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""
    script = re.search(r'<script type="module" src="(/assets/[0-9a-f]{12}/js/main\.js)"', html)
    assert script is not None
    async with http.get(server(script.group(1)), headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status == 200
        assert response.content_type == "text/javascript"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] == "gzip"
        assert "start(outlet)" in await response.text()
    stale = re.sub(r"/assets/[0-9a-f]{12}/", "/assets/000000000000/", script.group(1))
    async with http.get(server(stale)) as response:
        assert response.status == 404
    async with http.get(server(script.group(1).replace("main.js", "../../x"))) as response:
        assert response.status == 404


async def test_the_browser_boots_the_ui_without_errors(server: Server, page: Page) -> None:
    await page.goto(server("/tokens"))
    await page.wait_for_selector("main#page h1")
    assert_no_page_errors(page)
