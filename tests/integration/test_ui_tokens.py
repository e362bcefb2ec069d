"""The API tokens page in a real browser: a token made there works once copied, and not after
it is revoked; the full token is never shown again."""

from __future__ import annotations

import re

import aiohttp
from playwright.async_api import BrowserContext, Page, expect

from app.auth.tokens import PREFIX_LENGTH, create_token, masked
from models import ApiToken
from tests.conftest import Server
from tests.integration.browser import assert_no_page_errors
from tests.integration.ui import JUST_NOW, sign_in
from tests.integration.ui_detail import authenticate


async def _status(http: aiohttp.ClientSession, server: Server, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(server("/api/projects"), headers=headers) as response:
        return response.status


async def test_create_shows_the_token_once_and_revoke_disables_it(
    server: Server, page: Page, browser_context: BrowserContext, http: aiohttp.ClientSession
) -> None:
    await sign_in(page, server)  # through the sign-in page: a session cookie, no token
    await page.goto(server("/tokens"))
    await expect(page.locator(".token-list")).to_have_text("No API tokens yet.")
    table = page.get_by_role("table", name="API tokens")

    await page.get_by_label("Description").fill("deploy script")
    await page.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("textbox", name="New token", exact=True)
    await expect(shown).to_have_value(re.compile(r"^[0-9a-f]{32,}$"))
    created = await shown.input_value()
    await expect(page.locator(".new-token .warning")).to_have_text(
        "Copy this token now: it is shown this once and cannot be shown again."
    )
    await expect(page.get_by_role("button", name="Copy New token")).to_be_visible()
    await expect(page.get_by_label("Description")).to_have_value("")
    row = table.locator("tr", has_text="deploy script")
    await expect(row.locator("td")).to_have_text(
        [masked(created[:PREFIX_LENGTH]), "deploy script", JUST_NOW, "never", "Revoke"]
    )
    assert await _status(http, server, created) == 200

    # Shown once: a new visit lists it masked only.
    await page.reload()
    await expect(table.locator("tbody tr")).to_have_count(1)
    assert created not in await page.content()

    # Revoking asks first; a dismissed question changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.get_by_role("button", name="Revoke deploy script").click()
    await expect(table.locator("tbody tr")).to_have_count(1)
    assert await _status(http, server, created) == 200
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Revoke deploy script").click()
    await expect(page.locator(".token-list")).to_have_text("No API tokens yet.")
    assert await _status(http, server, created) == 401
    assert await ApiToken.filter(description="deploy script").count() == 0
    assert_no_page_errors(page)


async def test_a_failed_revoke_is_shown_on_its_row(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    other = await create_token("old laptop")
    await page.goto(server("/tokens"))
    await expect(page.get_by_role("button", name="Revoke old laptop")).to_be_visible()
    await ApiToken.filter(id=other.record.id).delete()  # revoked elsewhere meanwhile
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Revoke old laptop").click()
    row = page.get_by_role("table", name="API tokens").locator("tr", has_text="old laptop")
    await expect(row.get_by_role("alert")).to_have_text(f"token {other.record.id} not found")


async def test_a_token_without_description(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    await page.goto(server("/tokens"))
    await page.get_by_role("button", name="Create token").click()
    await expect(page.get_by_role("textbox", name="New token", exact=True)).to_be_visible()
    rows = page.get_by_role("table", name="API tokens").locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(1).locator("td").nth(1)).to_have_text("—")
    assert_no_page_errors(page)


async def test_a_refused_description_is_shown_under_the_form(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    await page.goto(server("/tokens"))
    await page.get_by_label("Description").fill("ci\tbuild")
    await page.get_by_role("button", name="Create token").click()
    await expect(page.locator(".tokens > [role=alert]")).to_have_text(
        "description: must not contain control characters"
    )
    await expect(page.locator(".new-token")).to_have_count(0)
    await expect(page.get_by_label("Description")).to_have_value("ci\tbuild")
    assert await ApiToken.filter(description__contains="build").count() == 0
