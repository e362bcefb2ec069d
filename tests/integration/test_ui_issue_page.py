"""The issue page in a real browser: a real crash, sent by the real SDK, on both backends."""

from __future__ import annotations

import re

import aiohttp
import pytest
from playwright.async_api import BrowserContext, Page, expect

from models import ApiToken, Issue
from tests.conftest import Server
from tests.integration import crash
from tests.integration.browser import assert_no_page_errors
from tests.integration.dedicated import dedicated_server
from tests.integration.notifying import broker_of, wait_until
from tests.integration.ui_detail import Crash, authenticate, crashed, send_crashes, sign_in


@pytest.fixture
async def shop(server: Server, browser_context: BrowserContext, token: str) -> Crash:
    await authenticate(browser_context, token)
    return await crashed(server)


def frame(page: Page, function: str):
    return page.locator("li.frame").filter(
        has=page.locator(".frame-function", has_text=re.compile(f"^{function}$"))
    )


async def test_the_latest_event_shows_its_exception_chain(
    server: Server, page: Page, shop: Crash
) -> None:
    await page.goto(server(f"/issues/{shop.issue.id}"))
    await expect(page.locator("h1")).to_have_text("error RuntimeError: checkout failed for '{bad'")
    await expect(page.locator(".event-id")).to_have_text(shop.event_ids[-1])
    await expect(page.locator(".culprit")).to_have_text("tests.integration.crash in checkout")
    await expect(page.locator(".event-count")).to_have_text("3")
    # The exception raised last comes first, then its cause.
    await expect(page.locator(".exception-type")).to_have_text(["RuntimeError", "JSONDecodeError"])
    await expect(page.locator(".exception-value")).to_have_text(
        ["checkout failed for 'nope'", "Expecting value: line 1 column 1 (char 0)"]
    )

    # The in-app frame is open, its failing line highlighted, with the lines around it.
    parse = frame(page, "parse_order")
    number, text = crash.source_line(crash.parse_order, "json.loads(text)")
    await expect(parse.locator(".frame-head")).to_have_attribute("aria-expanded", "true")
    current = parse.locator(".line.current")
    await expect(current).to_be_visible()
    assert await current.locator("code").text_content() == text
    await expect(current.locator(".lineno")).to_have_text(str(number))
    before = parse.locator(".line").filter(
        has=page.locator(".lineno", has_text=re.compile(f"^{number - 1}$"))
    )
    assert (
        await before.locator("code").text_content()
        == crash.source_line(crash.parse_order, "order_id =")[1]
    )

    # A library frame is closed until clicked.
    library = frame(page, "raw_decode")
    head = library.locator(".frame-head")
    await expect(head).to_have_attribute("aria-expanded", "false")
    await expect(library.locator(".frame-body")).to_be_hidden()
    await expect(library.locator(".badge")).to_have_text("library")
    await head.click()
    await expect(head).to_have_attribute("aria-expanded", "true")
    await expect(library.locator(".line.current")).to_be_visible()
    await head.click()
    await expect(library.locator(".frame-body")).to_be_hidden()
    await head.focus()  # the keyboard does the same
    await page.keyboard.press("Enter")
    await expect(head).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("Space")
    await expect(library.locator(".frame-body")).to_be_hidden()

    # "Show all frames" opens every frame of that exception.
    cause = page.locator(".exception").nth(1)
    await cause.get_by_role("button", name="Show all frames").click()
    heads = cause.locator(".frame-head")
    assert await heads.count() == 5  # raw_decode, decode, loads, parse_order, checkout
    for i in range(5):
        await expect(heads.nth(i)).to_have_attribute("aria-expanded", "true")
    await cause.get_by_role("button", name="Collapse library frames").click()
    await expect(head).to_have_attribute("aria-expanded", "false")

    # Local variables on demand.
    toggle = parse.get_by_role("button", name="Show local variables")
    await expect(parse.locator("table.kv")).to_have_count(0)
    await toggle.click()
    rows = parse.get_by_role("table", name="Local variables").locator("tr")
    await expect(rows).to_have_text(["text'nope'", "attempts1", "order_id'A-17'"])  # as defined
    await parse.get_by_role("button", name="Hide local variables").click()
    await expect(parse.locator(".vars")).to_be_hidden()
    assert_no_page_errors(page)


async def test_breadcrumbs_user_tags_and_raw_json(server: Server, page: Page, shop: Crash) -> None:
    await page.goto(server(f"/issues/{shop.issue.id}"))
    crumbs = page.get_by_role("table", name="Breadcrumbs").locator("tbody tr")
    await expect(crumbs).to_have_count(2)
    await expect(crumbs.nth(0).locator("td")).to_have_text(
        [re.compile(r"^\d\d:\d\d:\d\d\.\d{3}$"), "http", "info", "GET /cart", '{"status":200}']
    )
    await expect(crumbs.nth(1).locator("td")).to_have_text(
        [
            re.compile(r"^\d\d:\d\d:\d\d\.\d{3}$"),
            "db",
            "warning",
            "SELECT 1 <script>alert(1)</script>",
            "",
        ]
    )
    assert await page.locator("main script").count() == 0  # event text stays text
    request = page.get_by_role("region", name="Request")
    await expect(request.locator(".request-line")).to_have_text(
        "POST https://shop.example/checkout"
    )
    await expect(request.get_by_role("table", name="Headers").locator("tr")).to_have_text(
        ["Content-Typeapplication/json", "User-Agentpytest"]
    )
    await expect(request.get_by_role("table", name="Query").locator("tr")).to_have_text(
        ["step2", "coupon<b>X</b>"]
    )
    await expect(request.locator("pre.json")).to_have_text('{\n  "order": "{bad"\n}')
    assert await page.locator("main b").count() == 0
    await expect(page.get_by_role("table", name="User").locator("tr")).to_have_text(
        ["ID42", "Emailann@example.com"]
    )
    tags = page.get_by_role("region", name="Tags").locator(".chip")
    await expect(tags.filter(has_text="browser")).to_have_text("browserFirefox")
    await expect(page.locator(".card[data-context=runtime] h3")).to_have_text("runtime")

    # The tag summary counts the issue's events.
    summary = page.locator(".tag-summary[data-key=browser] .share")
    await expect(summary).to_have_text(["Firefox3 · 100%"])
    await expect(page.locator(".frequency-total")).to_have_text("3 events in the last 24 hours")
    await page.get_by_role("button", name="30 d").click()
    await expect(page.locator(".frequency-total")).to_have_text("3 events in the last 30 days")
    await expect(page.get_by_role("button", name="30 d")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_role("region", name="Environments").locator("li")).to_have_text(
        ["production"]
    )
    await expect(page.get_by_role("region", name="Releases").locator("li")).to_have_text(
        ["shop@1.4.2"]
    )

    await page.get_by_text("Raw JSON").click()
    raw = page.locator("pre.raw")
    await expect(raw).to_contain_text(f'"event_id": "{shop.event_ids[-1].replace("-", "")}"')
    await expect(raw).to_contain_text('"message": "SELECT 1 <script>alert(1)</script>"')
    assert_no_page_errors(page)


async def test_older_and_newer_walk_the_events_and_the_url(
    server: Server, page: Page, shop: Crash
) -> None:
    first, second, third = shop.event_ids
    await page.goto(server(f"/issues/{shop.issue.id}"))
    await expect(page.locator(".event-id")).to_have_text(third)
    await expect(page.get_by_role("button", name="Newer")).to_be_disabled()

    await page.get_by_role("button", name="Older").click()
    await expect(page.locator(".event-id")).to_have_text(second)
    assert page.url == server(f"/issues/{shop.issue.id}/events/{second}")
    await expect(page.locator(".exception-value").first).to_have_text(
        "checkout failed for '{worse'"
    )
    await page.get_by_role("button", name="Older").click()
    await expect(page.locator(".event-id")).to_have_text(first)
    assert page.url == server(f"/issues/{shop.issue.id}/events/{first}")
    await expect(page.get_by_role("button", name="Older")).to_be_disabled()
    await page.get_by_role("button", name="Newer").click()
    await expect(page.locator(".event-id")).to_have_text(second)

    await page.go_back()
    await expect(page.locator(".event-id")).to_have_text(first)
    assert page.url == server(f"/issues/{shop.issue.id}/events/{first}")

    # A deep link to an event opens that event.
    await page.goto(server(f"/issues/{shop.issue.id}/events/{second}"))
    await expect(page.locator(".event-id")).to_have_text(second)
    await page.get_by_role("link", name="Latest").click()
    await expect(page.locator(".event-id")).to_have_text(third)
    assert page.url == server(f"/issues/{shop.issue.id}")
    assert_no_page_errors(page)


async def test_resolve_reopen_and_a_regression_show_in_state_and_history(
    server: Server,
    page: Page,
    browser_context: BrowserContext,
    http: aiohttp.ClientSession,
    auth: dict[str, str],
) -> None:
    email = await sign_in(browser_context, server)  # the mutations go with the session cookie
    shop = await crashed(server)
    await page.goto(server(f"/issues/{shop.issue.id}"))
    await expect(page.locator(".issue-head .state")).to_have_text("open")
    await page.get_by_role("button", name="Resolve").click()
    await expect(page.locator(".issue-head .state")).to_have_text("resolved")
    async with http.get(server(f"/api/issues/{shop.issue.id}"), headers=auth) as response:
        assert (await response.json())["state"] == "resolved"
    history = page.get_by_role("region", name="History").locator("li")
    await expect(history).to_have_count(2)
    await expect(history.nth(0).locator("div").first).to_have_text(
        f"open → resolvedchanged by {email}"
    )
    await expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    await expect(page.get_by_role("button", name="Resolve")).to_have_count(0)

    # A new event reopens it: a regression, shown as such once the page loads again.
    await send_crashes(shop.project, ("again",))
    await page.reload()
    await expect(page.locator(".issue-head .state")).to_have_text("open")
    await expect(page.locator(".event-count")).to_have_text("4")
    await expect(history).to_have_count(3)
    await expect(history.nth(0).locator("div").first).to_have_text(
        "resolved → openregression: a new event arrived for the resolved issue"
    )
    await page.get_by_role("button", name="Mute").click()
    await expect(page.locator(".issue-head .state")).to_have_text("muted")
    await expect(page.get_by_role("button", name="Unmute")).to_be_visible()
    assert (await Issue.get(id=shop.issue.id)).state == "muted"
    assert_no_page_errors(page)


async def test_a_failed_state_change_is_shown_in_the_head(
    server: Server, page: Page, shop: Crash
) -> None:
    await page.goto(server(f"/issues/{shop.issue.id}"))
    await expect(page.locator(".issue-head .state")).to_have_text("open")
    await Issue.filter(id=shop.issue.id).delete()  # gone behind the page's back
    await page.get_by_role("button", name="Resolve").click()
    await expect(page.locator(".issue-head [role=alert]")).to_have_text(
        f"issue {shop.issue.id} not found"
    )
    await expect(page.get_by_role("button", name="Resolve")).to_be_enabled()


async def test_delete_asks_then_returns_to_the_list(
    server: Server, page: Page, shop: Crash, http: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    await page.goto(server(f"/issues/{shop.issue.id}"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.get_by_role("button", name="Delete").click()
    assert await Issue.filter(id=shop.issue.id).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Delete").click()
    await page.wait_for_url(server(f"/projects/{shop.project.id}/issues"))
    async with http.get(server(f"/api/issues/{shop.issue.id}"), headers=auth) as response:
        assert response.status == 404
    assert_no_page_errors(page)


async def test_unknown_issues_and_events_are_not_found(
    server: Server, page: Page, shop: Crash
) -> None:
    await page.goto(server("/issues/987654"))
    await expect(page.locator("h1")).to_have_text("Issue not found")
    await expect(page.get_by_role("link", name="Go to projects")).to_have_attribute(
        "href", "/projects"
    )
    await page.goto(server("/issues/99999999999999999999999"))  # beyond any id
    await expect(page.locator("h1")).to_have_text("Issue not found")

    await page.goto(server(f"/issues/{shop.issue.id}/events/0f4c3c1e-6d0f-4f7e-9f30-0a6a0d3a8b11"))
    await expect(page.locator(".event-view")).to_have_text(
        "Event not found in this issue. Show the latest event"
    )
    await page.goto(server(f"/issues/{shop.issue.id}/events/not-a-uuid"))
    await expect(page.locator(".event-view")).to_have_text(
        "Event not found in this issue. Show the latest event"
    )
    await page.goto(server(f"/issues/{shop.issue.id}/events/%E0%A4%A"))  # a malformed escape
    await expect(page.locator(".event-view")).to_have_text(
        "Event not found in this issue. Show the latest event"
    )
    await page.get_by_role("link", name="Show the latest event").click()
    await expect(page.locator(".event-id")).to_have_text(shop.event_ids[-1])
    assert_no_page_errors(page)


async def test_the_page_follows_changes_live(
    database_url: str,
    server: Server,
    browser_context: BrowserContext,
    page: Page,
    http: aiohttp.ClientSession,
    auth: dict[str, str],
) -> None:
    # A server of the test's own, to see its broker count the page's subscription.
    async with dedicated_server(database_url) as dedicated:
        await sign_in(browser_context, dedicated.server)  # the WebSocket goes with the cookie
        shop = await crashed(dedicated.server)
        broker = broker_of(dedicated)
        await page.goto(dedicated.server(f"/issues/{shop.issue.id}"))
        await page.get_by_role("button", name="30 d").click()
        await expect(page.locator(".frequency-total")).to_have_text("3 events in the last 30 days")
        await wait_until(lambda: broker.subscribers == 1)
        await expect(page.locator(".topbar .live")).to_have_text("Live")

        await send_crashes(shop.project, ("live",))
        await expect(page.locator(".event-count")).to_have_text("4")
        # The redraw keeps the period the user chose.
        await expect(page.locator(".frequency-total")).to_have_text("4 events in the last 30 days")

        url = dedicated.server(f"/api/issues/{shop.issue.id}")
        async with http.patch(url, json={"state": "resolved"}, headers=auth) as response:
            assert response.status == 200
        await expect(page.locator(".issue-head .state")).to_have_text("resolved")
        history = page.get_by_role("region", name="History").locator("li")
        used = await ApiToken.get(description="tests")
        await expect(history.nth(0).locator("div").first).to_have_text(
            f"open → resolvedchanged by API token #{used.id} (tests)"
        )

        async with http.delete(url, headers=auth) as response:
            assert response.status == 204
        await expect(page.locator(".issue-head-box [role=alert]")).to_have_text(
            "This issue was deleted. Back to the issue list"
        )
        await expect(page.locator(".issue-layout")).to_have_count(0)

        # Leaving the page (within the app, for one without a subscription) ends it.
        await page.get_by_role("link", name="Tokens", exact=True).click()
        await expect(page.get_by_role("table", name="API tokens")).to_be_visible()
        await wait_until(lambda: broker.subscribers == 0)
        assert_no_page_errors(page)
