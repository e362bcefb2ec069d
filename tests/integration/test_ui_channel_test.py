"""A channel's "Send test" on the project's settings page, in a real browser: a webhook to a
local receiver sent, one answering 500 failed with its answer shown as text, an email channel
without SMTP failed with the reason; the test delivery tops the deliveries list each time."""

from __future__ import annotations

import asyncio

from playwright.async_api import BrowserContext, Locator, Page, expect

from app.alerts import service as alerts
from app.projects import service as projects
from models import AlertChannel, AlertDelivery, DeliveryStatus
from tests.conftest import Server
from tests.integration.alerting import Receiver, webhook_receiver
from tests.integration.browser import assert_no_page_errors
from tests.integration.ui import JUST_NOW
from tests.integration.ui_detail import authenticate

ANSWER = "<b>down</b> <img src=x>"  # what a failing receiver says: shown as text, never markup


def _channel_row(page: Page, channel: AlertChannel) -> Locator:
    panel = page.get_by_role("region", name="Alert channels")
    return panel.locator(f'tbody tr[data-channel-id="{channel.id}"]')


def _deliveries(page: Page) -> Locator:
    panel = page.get_by_role("region", name="Deliveries")
    return panel.get_by_role("table", name="Deliveries").locator("tbody tr")


async def _received(receiver: Receiver, count: int) -> None:
    """Once the receiver holds `count` requests (it records them before answering)."""
    while True:
        if len(receiver.requests) >= count:
            return
        await asyncio.sleep(0.02)


async def test_a_webhook_test_is_sent_and_listed(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    gate = asyncio.Event()  # the receiver holds its answer: "Sending…" can be seen
    async with webhook_receiver(gate=gate) as receiver:
        ops = await alerts.create_channel(
            project.id, {"kind": "webhook", "name": "ops", "url": receiver.url}
        )
        await page.goto(server(f"/projects/{project.id}/settings"))
        row = _channel_row(page, ops)
        outcome = row.locator(".test-outcome")
        await expect(outcome).to_have_attribute("role", "status")
        await expect(outcome).to_have_attribute("aria-live", "polite")
        await expect(outcome).to_have_text("")
        await expect(
            page.get_by_role("region", name="Deliveries").locator(".list-status")
        ).to_have_text("No deliveries yet.")

        await row.get_by_role("button", name="Send test to channel ops").click()
        sending = row.get_by_role("button", name="Sending… to channel ops")
        await expect(sending).to_be_disabled()
        await expect(sending).to_have_text("Sending…")
        await asyncio.wait_for(_received(receiver, 1), 20)
        await expect(sending).to_be_disabled()  # still waiting for the receiver's answer
        gate.set()

        button = row.get_by_role("button", name="Send test to channel ops")
        await expect(outcome).to_have_text("Sent")
        await expect(outcome).to_have_class("test-outcome ok")
        await expect(button).to_be_enabled()
        await expect(button).to_have_text("Send test")
        await expect(button).to_be_focused()

    assert len(receiver.requests) == 1
    delivery = await AlertDelivery.get(project_id=project.id)
    assert receiver.requests[0].delivery_id == delivery.id
    assert (delivery.trigger, delivery.status, delivery.attempts, delivery.last_error) == (
        "test",
        DeliveryStatus.SENT,
        1,
        None,
    )
    rows = _deliveries(page)
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_have_attribute("data-delivery-id", str(delivery.id))
    await expect(rows.nth(0).locator("td")).to_have_text(
        ["sent", "Test", "ops", "—", "1", "—", JUST_NOW, JUST_NOW]
    )
    assert_no_page_errors(page)


async def test_failed_tests_say_why_as_text(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    assert server.settings.smtp_url is None  # the email channel below cannot be sent
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    async with webhook_receiver([500], error_body=ANSWER) as receiver:
        ops = await alerts.create_channel(
            project.id, {"kind": "webhook", "name": "ops", "url": receiver.url}
        )
        mail = await alerts.create_channel(
            project.id, {"kind": "email", "name": "on call", "to": ["a@example.com"]}
        )
        await page.goto(server(f"/projects/{project.id}/settings"))
        ops_row, mail_row = _channel_row(page, ops), _channel_row(page, mail)
        rows = _deliveries(page)

        await ops_row.get_by_role("button", name="Send test to channel ops").click()
        outcome = ops_row.locator(".test-outcome")
        await expect(outcome).to_have_text(f"Failed: HTTP 500: {ANSWER}")
        await expect(outcome).to_have_class("test-outcome failed")
        await expect(outcome.locator("b, img")).to_have_count(0)
        await expect(ops_row.get_by_role("button", name="Send test to channel ops")).to_be_focused()
        await expect(rows).to_have_count(1)
        await expect(rows.nth(0).locator("td")).to_have_text(
            ["failed", "Test", "ops", "—", "1", f"HTTP 500: {ANSWER}", JUST_NOW, "—"]
        )
    assert len(receiver.requests) == 1  # a test is tried once

    mail_button = mail_row.get_by_role("button", name="Send test to channel on call")
    await mail_button.click()
    await expect(mail_row.locator(".test-outcome")).to_have_text(
        "Failed: FAULTLINE_SMTP_URL is not set"
    )
    await expect(mail_button).to_be_focused()
    await expect(outcome).to_have_text(f"Failed: HTTP 500: {ANSWER}")  # each row its own
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0).locator("td")).to_have_text(
        ["failed", "Test", "on call", "—", "1", "FAULTLINE_SMTP_URL is not set", JUST_NOW, "—"]
    )
    stored = await AlertDelivery.filter(project_id=project.id).order_by("-id")
    assert [(d.channel_id, d.trigger, d.status, d.attempts) for d in stored] == [
        (mail.id, "test", DeliveryStatus.FAILED, 1),
        (ops.id, "test", DeliveryStatus.FAILED, 1),
    ]
    assert [await r.get_attribute("data-delivery-id") for r in await rows.all()] == [
        str(d.id) for d in stored
    ]

    # A channel gone meanwhile: the server's reason in the row's alert, focus kept.
    await AlertChannel.filter(id=mail.id).delete()
    await mail_button.click()
    await expect(mail_row.get_by_role("alert")).to_have_text(
        f"channel {mail.id} not found in project {project.id}"
    )
    await expect(mail_row.locator(".test-outcome")).to_have_text("")
    await expect(mail_button).to_be_focused()
    await expect(mail_button).to_have_text("Send test")
    assert_no_page_errors(page)
