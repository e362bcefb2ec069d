"""Helpers of the UI tests: signing in through the page, the issue list's rows and tabs."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.conftest import Server
from tests.integration.signing_in import PASSWORD, new_user

EMAIL = "ada@example.com"
# A moment ago as the UI shows it: "now" within half a second, which a loaded machine can
# take between writing a row and showing it, so a few seconds count as just made too.
JUST_NOW = re.compile(r"^(now|[1-9] seconds? ago)$")


async def sign_in(page: Page, server: Server) -> None:
    """A new user signs in through the sign-in page, as a person would; lands on /projects."""
    await new_user(EMAIL)
    await page.goto(server("/sign-in"))
    await page.get_by_label("Email").fill(EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(server("/projects"))


async def row_titles(page: Page) -> list[str]:
    return await page.locator("table.issues tbody tr a.title").all_inner_texts()


async def expect_tab_counts(page: Page, counts: dict[str, str]) -> None:
    """The state tabs show exactly these counts (waiting for a refresh in flight)."""
    for state in ("open", "resolved", "muted", "all"):
        count = page.locator(f'.state-tabs a[data-state="{state}"] .count')
        await expect(count).to_have_text(counts[state])


def refused(status: int, reason: str) -> str:
    """What Chromium logs for a request answered `status`: a sign-in refusal is expected."""
    return (
        "console.error: Failed to load resource: the server responded with a status of "
        f"{status} ({reason})"
    )


def expect_problems(page: Page, expected: list[str]) -> None:
    """The page logged exactly these problems (and they are forgotten)."""
    problems = getattr(page, "problems")  # noqa: B009 - kept by tests.integration.browser
    assert problems == expected
    problems.clear()
