"""The issue list in a real browser: live arrivals, bulk actions, search, deep links, history."""

from __future__ import annotations

import re

import sentry_sdk
from playwright.async_api import Page, expect

from models import Issue, Project
from tests.integration import seed
from tests.integration.browser import assert_no_page_errors
from tests.integration.graphql import data
from tests.integration.sentry import event_envelope, exception_event, new_project, with_sdk
from tests.integration.ui import expect_tab_counts, row_titles, sign_in


def crash_in_checkout() -> None:
    try:
        raise KeyError("customer_id")
    except KeyError:
        sentry_sdk.capture_exception()


async def test_a_new_issue_slides_in_without_reloading(server, page: Page):
    await sign_in(page, server)
    project = await new_project(server, "Checkout")
    await page.goto(server(f"/projects/{project.id}/issues"))
    # The empty state: the DSN and a Python snippet to send a first event.
    await expect(page.get_by_role("heading", name="No issues yet")).to_be_visible()
    await expect(page.get_by_label("DSN", exact=True)).to_have_value(project.dsn)
    await expect(page.locator(".empty pre code").nth(1)).to_contain_text(f'dsn="{project.dsn}"')
    await expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    await page.evaluate("window.notReloaded = true")

    await with_sdk(project.dsn, crash_in_checkout)

    row = page.locator("table.issues tbody tr")
    await expect(row).to_have_count(1, timeout=2_000)
    await expect(row.locator("a.title")).to_have_text("KeyError: 'customer_id'")
    await expect(row.locator(".short-id")).to_have_text("CHECKOUT-1")
    await expect(row.locator(".level")).to_have_text("error")
    await expect(row.locator(".events")).to_have_text("1")
    await expect(row.locator(".culprit")).to_have_text(
        "tests.integration.test_ui_issues in crash_in_checkout"
    )
    await expect_tab_counts(page, {"open": "1", "resolved": "0", "muted": "0", "all": "1"})
    # A second event of the same issue updates its count in place.
    await with_sdk(project.dsn, crash_in_checkout)
    await expect(row.locator(".events")).to_have_text("2", timeout=2_000)
    assert await page.evaluate("window.notReloaded") is True
    assert_no_page_errors(page)


async def test_bulk_mute_from_the_list(server, http, auth, page: Page):
    await sign_in(page, server)
    project = await Project.get(id=(await new_project(server, "Shop")).id)
    issues = [await seed.issue(project, n) for n in (1, 2, 3)]
    await page.goto(server(f"/projects/{project.id}/issues"))
    await expect(page.locator("table.issues tbody tr")).to_have_count(3)
    assert await row_titles(page) == [f"TypeError: problem {n}" for n in (3, 2, 1)]
    await page.get_by_label("Select SHOP-3").check()
    await page.get_by_label("Select SHOP-1").check()
    await expect(page.locator(".bulk-bar .selection")).to_have_text("2 selected")
    await page.get_by_role("button", name="Mute").click()
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    assert await row_titles(page) == ["TypeError: problem 2"]
    await expect_tab_counts(page, {"open": "1", "resolved": "0", "muted": "2", "all": "3"})
    query = "query($i: ID!) { issue(id: $i) { state } }"
    states = [
        (await data(http, server, query, {"i": str(i.id)}, auth))["issue"]["state"] for i in issues
    ]
    assert states == ["MUTED", "OPEN", "MUTED"]
    await page.get_by_role("link", name=re.compile("^Muted")).click()
    await expect(page).to_have_url(server(f"/projects/{project.id}/issues?state=muted"))
    await expect(page.locator("table.issues tbody tr")).to_have_count(2)
    assert await row_titles(page) == ["TypeError: problem 3", "TypeError: problem 1"]
    assert_no_page_errors(page)


async def test_select_all_matching_resolves_beyond_the_first_page(server, page):
    await sign_in(page, server)
    project = await Project.get(id=(await new_project(server, "Big")).id)
    for n in range(1, 61):
        await seed.issue(project, n, level="warning" if n % 2 else "error")
    await page.goto(server(f"/projects/{project.id}/issues?query=level:error"))
    await expect(page.locator("table.issues tbody tr")).to_have_count(30)
    await page.get_by_label("Select all on this page").check()
    await expect(page.locator(".bulk-bar .selection")).to_have_text("30 selected")
    assert await page.get_by_role("button", name=re.compile("Select all")).count() == 0

    for n in range(61, 91):
        await seed.issue(project, n, level="error")
    await page.reload()
    await expect(page.locator("table.issues tbody tr")).to_have_count(50)
    await page.get_by_label("Select all on this page").check()
    await page.get_by_role("button", name="Select all 60 matching").click()
    await expect(page.locator(".bulk-bar .selection")).to_have_text(
        "All 60 matching issues selected"
    )
    await page.get_by_role("button", name="Resolve").click()
    await expect(page.locator("table.issues")).to_be_hidden()
    await expect_tab_counts(page, {"open": "0", "resolved": "60", "muted": "0", "all": "60"})
    resolved = await Issue.filter(project_id=project.id, state="resolved").count()
    still_open_warnings = await Issue.filter(project_id=project.id, state="open", level="warning")
    assert (resolved, len(still_open_warnings)) == (60, 30)
    assert_no_page_errors(page)


async def test_a_bad_search_shows_the_servers_message_under_the_box(server, page):
    await sign_in(page, server)
    project = await Project.get(id=(await new_project(server, "Shop")).id)
    await seed.issue(project, 1)
    await page.goto(server(f"/projects/{project.id}/issues"))
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    await page.get_by_label("Search", exact=True).fill("level:[error")
    await page.get_by_label("Search", exact=True).press("Enter")
    problem = page.locator("#search-problem")
    await expect(problem.locator("span")).to_have_text('search: at 12: expected "," or "]"')
    await expect(problem.locator("pre")).to_have_text("level:[error\n            ^")
    await expect(page.locator("table.issues")).to_be_hidden()
    await expect(page).to_have_url(server(f"/projects/{project.id}/issues?query=level%3A%5Berror"))
    assert_no_page_errors(page)


async def test_deep_links_reload_and_the_back_button(server, page: Page):
    await sign_in(page, server)
    project = await Project.get(id=(await new_project(server, "Shop")).id)
    await seed.issue(project, 1, title="KeyError: 'customer_id'", level="error")
    await seed.issue(project, 2, title="TimeoutError: gateway", level="warning")
    await seed.issue(project, 3, title="KeyError: 'cart'", level="error", event_count=9)
    resolved = await seed.issue(project, 4, title="KeyError: 'old'", level="error")
    await Issue.filter(id=resolved.id).update(state="resolved")
    base = server(f"/projects/{project.id}/issues")
    await page.goto(base + "?query=KeyError&sort=events")
    expected = ["KeyError: 'cart'", "KeyError: 'customer_id'"]
    await expect(page.locator("table.issues tbody tr")).to_have_count(2)
    assert await row_titles(page) == expected
    await expect(page.get_by_label("Search", exact=True)).to_have_value("KeyError")
    await expect(page.get_by_label("Sort")).to_have_value("events")
    await expect_tab_counts(page, {"open": "2", "resolved": "1", "muted": "0", "all": "3"})
    await page.reload()
    await expect(page.locator("table.issues tbody tr")).to_have_count(2)
    assert await row_titles(page) == expected

    await page.get_by_role("link", name=re.compile("^Resolved")).click()
    await expect(page).to_have_url(base + "?query=KeyError&state=resolved&sort=events")
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    await page.get_by_label("Sort").select_option("last_seen")
    await expect(page).to_have_url(base + "?query=KeyError&state=resolved")
    await page.go_back()
    await expect(page).to_have_url(base + "?query=KeyError&state=resolved&sort=events")
    await expect(page.get_by_label("Sort")).to_have_value("events")
    await page.go_back()
    await expect(page).to_have_url(base + "?query=KeyError&sort=events")
    await expect(page.locator("table.issues tbody tr")).to_have_count(2)
    assert await row_titles(page) == expected
    await expect(page.locator('.state-tabs a[aria-current="page"]')).to_have_attribute(
        "data-state", "open"
    )
    assert_no_page_errors(page)


async def test_delete_asks_first(server, page: Page):
    await sign_in(page, server)
    project = await Project.get(id=(await new_project(server, "Shop")).id)
    first, second = [await seed.issue(project, n) for n in (1, 2)]
    await page.goto(server(f"/projects/{project.id}/issues"))
    await page.get_by_label("Select SHOP-2").check()
    await page.get_by_role("button", name="Delete", exact=True).click()
    await expect(page.locator(".bulk-bar .confirm")).to_contain_text(
        "Delete 1 issue and all their events?"
    )
    assert await Issue.filter(project_id=project.id).count() == 2
    await page.get_by_role("button", name="Cancel").click()
    await page.get_by_role("button", name="Delete", exact=True).click()
    await page.get_by_role("button", name="Delete 1").click()
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    assert [i.id for i in await Issue.filter(project_id=project.id)] == [first.id]
    assert second.id != first.id
    assert_no_page_errors(page)


async def test_environment_and_release_choices_come_from_the_project(server, http, page: Page):
    await sign_in(page, server)
    project = await new_project(server, "Shop")
    for type_, environment, release in (
        ("KeyError", "production", "2.0"),
        ("KeyError", "production", "2.0"),
        ("ValueError", "staging", "1.0"),
    ):
        body = exception_event(type_=type_, environment=environment, release=release)
        async with http.post(
            project.envelope_url, data=event_envelope(body), headers=project.auth
        ) as resp:
            assert resp.status == 200
    base = server(f"/projects/{project.id}/issues")
    await page.goto(base)
    environment = page.get_by_label("Environment")
    await expect(environment.locator("option")).to_have_text(["All", "production", "staging"])
    await expect(page.get_by_label("Release").locator("option")).to_have_text(["All", "2.0", "1.0"])
    await environment.select_option("staging")
    await expect(page).to_have_url(base + "?environment=staging")
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    assert await row_titles(page) == ["ValueError: bad"]
    await page.reload()
    await expect(page.get_by_label("Environment")).to_have_value("staging")
    await expect(page.locator("table.issues tbody tr")).to_have_count(1)
    # A value the project has never seen (a hand-edited link) is kept and matches nothing.
    await page.goto(base + "?release=3.0")
    await expect(page.get_by_label("Release")).to_have_value("3.0")
    await expect(page.locator(".empty")).to_have_text("No issues match.")
    assert_no_page_errors(page)
