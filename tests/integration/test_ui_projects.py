"""The projects page in a real browser: empty state, creating one, counts, sparkline, DSN."""

from __future__ import annotations

from playwright.async_api import Page, expect

from app.auth import access_tokens
from app.projects.naming import dsn
from models import Issue, Project, TokenScope
from tests.integration.browser import assert_no_page_errors
from tests.integration.sentry import event_envelope, exception_event, new_project
from tests.integration.ui import sign_in


async def test_no_project_shows_the_create_form_and_creating_shows_its_dsn(server, page: Page):
    await sign_in(page, server)
    await expect(page.get_by_role("heading", name="Create your first project")).to_be_visible()
    await page.get_by_label("Name").fill("Checkout API")
    await page.get_by_role("button", name="Create project").click()
    card = page.get_by_role("region", name="Checkout API")
    await expect(card.locator(".open-count")).to_have_text("0 open issues")
    project = await Project.get(name="Checkout API")
    expected = dsn(server.settings.base_url, project.sentry_key, project.id)
    await expect(card.get_by_label("DSN", exact=True)).to_have_value(expected)
    # Opened for the new project: the SDK set-up in tabs, Python first.
    tabs = card.get_by_role("tab")
    await expect(tabs).to_have_text(["Python", "Node", "Browser JavaScript", "Rollbar"])
    panel = card.get_by_role("tabpanel")
    await expect(panel).to_contain_text("pip install sentry-sdk")
    await expect(panel).to_contain_text(f'sentry_sdk.init(dsn="{expected}")')
    await card.get_by_role("tab", name="Node").click()
    await expect(card.get_by_role("tabpanel")).to_contain_text("npm install @sentry/node")
    await card.get_by_role("tab", name="Node").press("ArrowRight")
    await expect(card.get_by_role("tab", name="Browser JavaScript")).to_be_focused()
    await expect(card.get_by_role("tabpanel")).to_contain_text(
        f'Sentry.init({{ dsn: "{expected}" }});'
    )
    # Rollbar SDKs: the server's /api/1/ and the project's post_server_item token.
    (token,) = [
        t.token
        for t in await access_tokens.list_tokens(project.id)
        if access_tokens.scopes_of(t.scopes) == {TokenScope.POST_SERVER_ITEM}
    ]
    await card.get_by_role("tab", name="Rollbar").click()
    rollbar = card.locator(".rollbar-setup")
    await expect(rollbar.get_by_label("Endpoint", exact=True)).to_have_value(server("/api/1/"))
    await expect(rollbar.get_by_label("Access token", exact=True)).to_have_value(token)
    await expect(rollbar).to_contain_text(
        f'rollbar.init("{token}", environment="production", endpoint="{server("/api/1/")}")'
    )
    await rollbar.get_by_role("tab", name="Node").click()
    await expect(rollbar).to_contain_text(f'accessToken: "{token}",')
    assert_no_page_errors(page)


async def test_a_bad_name_shows_the_servers_error(server, page: Page):
    await sign_in(page, server)
    await page.get_by_label("Name").fill("a\u0007b")
    await page.get_by_role("button", name="Create project").click()
    await expect(page.locator(".create-project .error")).to_have_text(
        "name: must not contain control characters"
    )
    assert await Project.all().count() == 0
    assert_no_page_errors(page)


async def test_each_project_shows_its_open_issues_and_a_day_of_events(server, http, page: Page):
    busy = await new_project(server, "Busy")
    await new_project(server, "Quiet")
    for type_ in ("KeyError", "KeyError", "ValueError", "TypeError"):
        async with http.post(
            busy.envelope_url, data=event_envelope(exception_event(type_)), headers=busy.auth
        ) as resp:
            assert resp.status == 200
    await Issue.filter(project_id=busy.id, type="TypeError").update(state="resolved")
    await sign_in(page, server)
    busy_card = page.get_by_role("region", name="Busy")
    await expect(busy_card.locator(".open-count")).to_have_text("2 open issues")
    chart = busy_card.get_by_role("img", name="Busy: events in the last 24 hours")
    await expect(chart.locator("rect.bar:not(.empty)")).to_have_count(1)
    await expect(chart.locator("rect")).to_have_count(24)
    await expect(chart.locator("rect").last).to_have_attribute("height", "27")
    quiet = page.get_by_role("region", name="Quiet")
    await expect(quiet.locator(".open-count")).to_have_text("0 open issues")
    await expect(quiet.locator("rect.bar.empty")).to_have_count(24)
    await busy_card.get_by_role("link", name="Busy").click()
    await expect(page).to_have_url(server(f"/projects/{busy.id}/issues"))
    await expect(page.locator("table.issues tbody tr")).to_have_count(2)
    assert_no_page_errors(page)
