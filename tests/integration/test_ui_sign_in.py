"""Signing in and out in a real browser: the form, its refusals, `next`, and the frame."""

from __future__ import annotations

import time

from playwright.async_api import Page, expect

from tests.integration.browser import assert_no_page_errors
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.signing_in import PASSWORD, new_user
from tests.integration.ui import EMAIL, expect_problems, refused, sign_in


async def _submit(page: Page, email: str, password: str) -> None:
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_without_users_the_page_shows_the_command_that_creates_the_first(server, page):
    await page.goto(server("/projects"))
    await expect(page).to_have_url(server("/sign-in?next=%2Fprojects"))
    await expect(page.locator(".first-user code")).to_have_text("faultline user create EMAIL")
    assert_no_page_errors(page)


async def test_a_wrong_password_then_the_right_one_goes_to_next(server, page: Page):
    await new_user(EMAIL)
    await page.goto(server("/projects/7/issues?query=level:error"))
    await expect(page).to_have_url(
        server("/sign-in?next=%2Fprojects%2F7%2Fissues%3Fquery%3Dlevel%3Aerror")
    )
    assert await page.locator(".first-user").inner_text() == ""
    await expect(page.get_by_role("banner")).to_be_hidden()
    await _submit(page, EMAIL, "not the password")
    await expect(page.get_by_role("alert")).to_have_text("wrong email or password")
    expect_problems(page, [refused(401, "Unauthorized")])
    await _submit(page, EMAIL, PASSWORD)
    await expect(page).to_have_url(server("/projects/7/issues?query=level:error"))
    await expect(page.get_by_role("heading", name="Project not found")).to_be_visible()
    await expect(page.get_by_test_id("viewer")).to_have_text(EMAIL)
    assert_no_page_errors(page)


async def test_next_leaves_the_site_never(server, page: Page):
    await new_user(EMAIL)
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:1"):
        await page.goto(server("/sign-in?next=") + hostile)
        await _submit(page, EMAIL, PASSWORD)
        await expect(page).to_have_url(server("/projects"))
        await page.context.clear_cookies()
    assert_no_page_errors(page)


async def test_too_many_failures_show_the_wait(server, page: Page):
    # A server of its own: the failure counts of the shared one stay untouched.
    clock = FakeClock(time.time())  # still: the wait is exact
    async with dedicated_server(server.settings.database_url, clock=clock) as dedicated:
        await page.goto(dedicated.server("/sign-in"))
        for _ in range(5):
            await _submit(page, "nobody@example.com", "guess")
            await expect(page.get_by_role("alert")).to_have_text("wrong email or password")
        await _submit(page, "nobody@example.com", "guess")
        await expect(page.get_by_role("alert")).to_have_text(
            "too many failed sign-ins; try again in 900 s"
        )
    expect_problems(page, [refused(401, "Unauthorized")] * 5 + [refused(429, "Too Many Requests")])
    assert_no_page_errors(page)


async def test_the_frame_and_signing_out(server, page: Page):
    await sign_in(page, server)
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Projects")).to_have_attribute("aria-current", "page")
    await expect(page.get_by_test_id("viewer")).to_have_text(EMAIL)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(server("/sign-in"))
    # The session is over: the next page's GraphQL request is refused and leads to sign-in.
    await page.goto(server("/projects"))
    await expect(page).to_have_url(server("/sign-in?next=%2Fprojects"))
    assert_no_page_errors(page)
