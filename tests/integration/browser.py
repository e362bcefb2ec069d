"""A real headless Chromium for the UI tests: Debian's `chromium`, driven by Playwright.

`playwright install` cannot download browsers here, so Playwright is pointed at the system's
binary (FAULTLINE_TEST_CHROMIUM, default /usr/bin/chromium). Without it the UI tests skip
locally and FAIL in CI (CI=true), like the PostgreSQL tests: .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = os.environ.get("FAULTLINE_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        message = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def browser_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh profile per test (no cookies shared between tests)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
async def page(browser_context: BrowserContext) -> Page:
    """A page whose console errors and uncaught exceptions fail the test that opened it."""
    opened = await browser_context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    opened.on(
        "console",
        lambda msg: (
            problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    opened.set_default_timeout(5_000)
    setattr(opened, "problems", problems)  # noqa: B010 - read by assert_no_page_errors
    return opened


def assert_no_page_errors(page: Page) -> None:
    problems = getattr(page, "problems")  # noqa: B009
    assert problems == [], problems
