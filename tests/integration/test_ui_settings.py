"""Project settings in a real browser: rename, rate limit, DSN, delete with the name typed."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page, expect

from models import Project
from tests.conftest import Server
from tests.integration.browser import assert_no_page_errors
from tests.integration.sentry import SentryProject, new_project
from tests.integration.ui_detail import authenticate


async def _open(server: Server, page: Page, context: BrowserContext, token: str) -> SentryProject:
    await authenticate(context, token)
    project = await new_project(server, "Shop Backend")
    await page.goto(server(f"/projects/{project.id}/settings"))
    await expect(page.locator("h1")).to_have_text("Shop Backend · Settings")
    return project


async def test_rename_and_rate_limit(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    project = await _open(server, page, browser_context, token)
    await expect(page.get_by_role("textbox", name="DSN", exact=True)).to_have_value(project.dsn)

    name = page.get_by_label("Project name", exact=True)
    await name.fill("   ")
    await page.get_by_role("button", name="Save name").click()
    await expect(page.get_by_role("region", name="Name").get_by_role("alert")).to_have_text(
        "name: must not be empty"
    )
    await name.fill("Shop API")
    await page.get_by_role("button", name="Save name").click()
    await expect(page.get_by_role("region", name="Name").get_by_role("status")).to_have_text(
        "Saved."
    )
    await expect(page.get_by_role("region", name="Name").get_by_role("alert")).to_be_hidden()
    await expect(page.locator("h1")).to_have_text("Shop API · Settings")
    assert (await Project.get(id=project.id)).name == "Shop API"

    rate = page.get_by_label("Events per minute")
    await expect(rate).to_have_value("")
    await rate.fill("120")
    await page.get_by_role("button", name="Save rate limit").click()
    status = page.get_by_role("region", name="Rate limit").get_by_role("status")
    await expect(status).to_have_text("Saved: 120 events per minute.")
    assert (await Project.get(id=project.id)).rate_limit_per_minute == 120
    await rate.fill("10000001")
    await page.get_by_role("button", name="Save rate limit").click()
    await expect(page.get_by_role("region", name="Rate limit").get_by_role("alert")).to_have_text(
        "perMinute: must be between 0 and 10000000"
    )
    assert (await Project.get(id=project.id)).rate_limit_per_minute == 120
    await rate.fill("")
    await page.get_by_role("button", name="Save rate limit").click()
    await expect(status).to_have_text("Saved: the server default applies.")
    assert (await Project.get(id=project.id)).rate_limit_per_minute is None

    await page.reload()
    await expect(page.get_by_label("Project name", exact=True)).to_have_value("Shop API")
    await expect(page.get_by_label("Events per minute")).to_have_value("")
    assert_no_page_errors(page)


async def test_delete_needs_the_name_typed(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    project = await _open(server, page, browser_context, token)
    delete = page.get_by_role("button", name="Delete project")
    confirm = page.get_by_label("Project name to delete")
    await expect(delete).to_be_disabled()
    await confirm.fill("shop backend")
    await expect(delete).to_be_disabled()
    await confirm.fill("Shop Backend")
    await expect(delete).to_be_enabled()
    await delete.click()
    await page.wait_for_url(server("/projects"))
    # Gone at once (its data is purged in the background).
    assert await Project.filter(id=project.id, deleted_at__isnull=True).count() == 0
    assert_no_page_errors(page)


async def test_a_failed_delete_is_shown_in_its_zone(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    project = await _open(server, page, browser_context, token)
    await Project.filter(id=project.id).delete()  # deleted elsewhere meanwhile
    await page.get_by_label("Project name to delete").fill("Shop Backend")
    await page.get_by_role("button", name="Delete project").click()
    zone = page.get_by_role("region", name="Delete project")
    await expect(zone.get_by_role("alert")).to_have_text(f"project {project.id} not found")
    await expect(page.get_by_role("button", name="Delete project")).to_be_enabled()
    assert page.url == server(f"/projects/{project.id}/settings")


async def test_an_unknown_project(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    await page.goto(server("/projects/987654/settings"))
    await expect(page.locator("h1")).to_have_text("Project not found")
    await expect(page.get_by_role("link", name="Go to projects")).to_be_visible()
    assert_no_page_errors(page)
