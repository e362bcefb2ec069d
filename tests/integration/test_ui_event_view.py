"""The event view with odd and hostile events: text stays text, whatever the event says."""

from __future__ import annotations

import aiohttp
import sentry_sdk
from playwright.async_api import BrowserContext, Page, expect

from models import Issue
from tests.conftest import Server
from tests.integration.browser import assert_no_page_errors
from tests.integration.sentry import event_envelope, new_project, with_sdk
from tests.integration.ui_detail import authenticate

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


async def test_hostile_event_text_is_shown_as_text(
    server: Server,
    page: Page,
    browser_context: BrowserContext,
    token: str,
    http: aiohttp.ClientSession,
) -> None:
    await authenticate(browser_context, token)
    project = await new_project(server, "Shop")
    event = {
        "platform": "python",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": HOSTILE,
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": HOSTILE,
                                "function": HOSTILE,
                                "lineno": 3,
                                "in_app": True,
                                "context_line": HOSTILE,
                                "pre_context": [HOSTILE],
                                "vars": {HOSTILE: HOSTILE},
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": [{"message": HOSTILE, "category": HOSTILE, "data": {HOSTILE: 1}}],
        "tags": {"evil": HOSTILE},
        "contexts": {HOSTILE: {HOSTILE: HOSTILE}},
        "request": {"url": HOSTILE, "headers": {HOSTILE: HOSTILE}, "data": HOSTILE},
        "user": {"id": HOSTILE},
    }
    async with http.post(
        project.envelope_url, data=event_envelope(event), headers=project.auth
    ) as response:
        assert response.status == 200, await response.text()
    issue = await Issue.get(project_id=project.id)

    await page.goto(server(f"/issues/{issue.id}"))
    await expect(page.locator(".exception-value")).to_have_text(HOSTILE)
    await expect(page.locator(".frame .line.current code")).to_have_text(HOSTILE)
    await expect(page.locator(".frame .line").first.locator(".lineno")).to_have_text("2")
    await page.get_by_role("button", name="Show local variables").click()
    await expect(page.get_by_role("table", name="Local variables").locator("th")).to_have_text(
        [HOSTILE]
    )
    await expect(page.locator(".crumb-message")).to_have_text(HOSTILE)
    await expect(page.locator(".request-line")).to_have_text(HOSTILE)
    await expect(page.locator(".card h3")).to_have_text([HOSTILE])
    await expect(page.locator(".tag-summary[data-key=evil] .share-name")).to_have_text([HOSTILE])
    assert await page.locator("main img").count() == 0
    assert await page.title() != "pwned"
    assert_no_page_errors(page)


async def test_a_message_event_and_its_raw_json_from_the_keyboard(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await new_project(server, "Shop")

    def actions() -> None:
        sentry_sdk.get_isolation_scope().clear_breadcrumbs()
        sentry_sdk.capture_message("disk almost full", level="warning")

    await with_sdk(project.dsn, actions)
    issue = await Issue.get(project_id=project.id)
    await page.goto(server(f"/issues/{issue.id}"))
    await expect(page.get_by_role("region", name="Message").locator("pre")).to_have_text(
        "disk almost full"
    )
    await expect(page.get_by_role("region", name="Exception")).to_have_count(0)
    await expect(page.locator(".issue-head .level")).to_have_text("warning")
    await expect(page.get_by_role("button", name="Older")).to_be_disabled()
    await expect(page.get_by_role("button", name="Newer")).to_be_disabled()

    # The raw JSON opens from the keyboard too.
    await page.get_by_text("Raw JSON").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("pre.raw")).to_contain_text('"formatted": "disk almost full"')
    assert_no_page_errors(page)
