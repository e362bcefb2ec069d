"""Helpers of the UI tests: a signed-in browser, issues seeded fast, the list's rows."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page, expect

from app.auth import tokens


async def signed_in(browser_context: BrowserContext) -> None:
    """The browser authenticated with an API token on every request (and WebSocket upgrade)."""
    token = (await tokens.create_token("ui tests")).token
    await browser_context.set_extra_http_headers({"Authorization": f"Bearer {token}"})


async def row_titles(page: Page) -> list[str]:
    return await page.locator("table.issues tbody tr a.title").all_inner_texts()


async def expect_tab_counts(page: Page, counts: dict[str, str]) -> None:
    """The state tabs show exactly these counts (waiting for a refresh in flight)."""
    for state in ("open", "resolved", "muted", "all"):
        count = page.locator(f'.state-tabs a[data-state="{state}"] .count')
        await expect(count).to_have_text(counts[state])
