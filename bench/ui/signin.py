"""The demo's browser signs in through the sign-in page, as a person does."""

from __future__ import annotations

import os

from playwright.async_api import Page

from bench.ui.demo import EMAIL, PASSWORD, Demo

CHROMIUM = os.environ.get("FAULTLINE_TEST_CHROMIUM", "/usr/bin/chromium")


async def sign_in(page: Page, demo: Demo) -> None:
    await page.goto(demo.url + "/sign-in")
    await page.get_by_label("Email").fill(EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(demo.url + "/projects")
