"""The delivery log on a project's settings page, in a real browser: rows written through the
ORM (the alert engine writes them in production), their statuses, errors and times, the status
filter and "Load more"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import BrowserContext, Locator, Page, expect

from app.projects import service as projects
from models import AlertChannel, AlertDelivery, AlertRule, DeliveryStatus, Project
from tests.conftest import Server
from tests.integration import seed
from tests.integration.browser import assert_no_page_errors
from tests.integration.ui_detail import authenticate

ERROR = "HTTP 502 from ops.example.com: <html>Bad Gateway</html>"


async def _delivery(
    project: Project, channel: AlertChannel, at: datetime, **fields: object
) -> AlertDelivery:
    values: dict[str, object] = {
        "project_id": project.id,
        "channel_id": channel.id,
        "trigger": "new_issue",
        "status": DeliveryStatus.SENT,
        "attempts": 1,
        "payload": {},
        "created_at": at,
        "next_attempt_at": at,
        "sent_at": at + timedelta(seconds=2),
        **fields,
    }
    return await AlertDelivery.create(**values)


def _rows(page: Page) -> Locator:
    panel = page.get_by_role("region", name="Deliveries")
    return panel.get_by_role("table", name="Deliveries").locator("tbody tr")


async def test_deliveries_with_their_status_filter_and_load_more(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    ops = await AlertChannel.create(
        project_id=project.id,
        kind="webhook",
        name="ops",
        url="https://ops.example.com/",
        secret="s" * 32,
    )
    mail = await AlertChannel.create(
        project_id=project.id, kind="email", name="on call", recipients=["a@example.com"]
    )
    rule = await AlertRule.create(project_id=project.id, trigger="new_issue")
    await rule.channels.add(ops, mail)
    issue = await seed.issue(project, 1)
    # Three hours ago: "3 hours ago" for the whole test, whatever the clock says.
    start = datetime.now(UTC) - timedelta(hours=3)
    # 20 older sent ones, then the three newest: sent with an issue, failed, pending.
    for i in range(20):
        await _delivery(project, mail, start - timedelta(minutes=20 - i), rule_id=rule.id)
    sent = await _delivery(
        project, ops, start, rule_id=rule.id, issue_id=issue.id, attempts=2, trigger="regression"
    )
    failed = await _delivery(
        project, ops, start + timedelta(seconds=10), rule_id=rule.id, issue_id=issue.id,
        status=DeliveryStatus.FAILED, attempts=5, last_error=ERROR, sent_at=None, trigger="spike",
    )  # fmt: skip
    pending = await _delivery(
        project, mail, start + timedelta(seconds=20), status=DeliveryStatus.PENDING,
        attempts=0, sent_at=None, trigger="test",
    )  # fmt: skip

    await page.goto(server(f"/projects/{project.id}/settings"))
    rows = _rows(page)
    await expect(rows).to_have_count(20)
    ago = "3 hours ago"
    await expect(rows.nth(0).locator("td")).to_have_text(
        ["pending", "Test", "on call", "—", "0", "—", ago, "—"]
    )
    await expect(rows.nth(1).locator("td")).to_have_text(
        ["failed", "Spike", "ops", f"Issue {issue.id}", "5", ERROR, ago, "—"]
    )
    await expect(rows.nth(2).locator("td")).to_have_text(
        ["sent", "Regression", "ops", f"Issue {issue.id}", "2", "—", ago, ago]
    )
    assert [await rows.nth(i).get_attribute("data-delivery-id") for i in range(3)] == [
        str(pending.id),
        str(failed.id),
        str(sent.id),
    ]
    await expect(rows.nth(1).locator(".last-error")).to_have_attribute("title", ERROR)
    created = rows.nth(2).locator("td").nth(6).locator("time")
    await expect(created).to_have_attribute("datetime", sent.created_at.isoformat())
    await expect(rows.nth(1).locator(".badge")).to_have_class("badge status-failed")

    more = page.get_by_role("button", name="Load more")
    await more.click()
    await expect(rows).to_have_count(23)
    await expect(more).to_be_hidden()
    ids = [await row.get_attribute("data-delivery-id") for row in await rows.all()]
    stored = (
        await AlertDelivery.filter(project_id=project.id)
        .order_by("-id")
        .values_list("id", flat=True)
    )
    assert ids == [str(i) for i in stored]

    status = page.get_by_label("Status", exact=True)
    await status.select_option(label="Failed")
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_have_attribute("data-delivery-id", str(failed.id))
    await expect(more).to_be_hidden()
    await status.select_option(label="Pending")
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_have_attribute("data-delivery-id", str(pending.id))

    # 21 sent: the filter pages too, and its next page holds sent ones only.
    await status.select_option(label="Sent")
    await expect(rows).to_have_count(20)
    await more.click()
    await expect(rows).to_have_count(21)
    await expect(more).to_be_hidden()
    await expect(page.locator("table.deliveries .badge")).to_have_text(["sent"] * 21)
    # The issue link opens the issue page.
    await rows.nth(0).get_by_role("link", name=f"Issue {issue.id}").click()
    await page.wait_for_url(server(f"/issues/{issue.id}"))
    assert_no_page_errors(page)


async def test_no_deliveries(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    await page.goto(server(f"/projects/{project.id}/settings"))
    panel = page.get_by_role("region", name="Deliveries")
    await expect(panel.locator(".list-status")).to_have_text("No deliveries yet.")
    await expect(panel.get_by_role("table", name="Deliveries")).to_be_hidden()
    await page.get_by_label("Status", exact=True).select_option(label="Failed")
    await expect(panel.locator(".list-status")).to_have_text("No failed deliveries.")
    assert_no_page_errors(page)
