"""How the demo's browser is signed in."""

from __future__ import annotations

import os

from playwright.async_api import BrowserContext, Page

from bench.ui.demo import Demo

CHROMIUM = os.environ.get("FAULTLINE_TEST_CHROMIUM", "/usr/bin/chromium")


async def sign_in(context: BrowserContext, page: Page, demo: Demo) -> None:
    """The API token in every request (the UI's cookie sign-in replaces this once it exists)."""
    await context.set_extra_http_headers(demo.headers)
