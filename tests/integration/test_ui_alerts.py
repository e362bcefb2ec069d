"""A project's alert channels and rules on its settings page, in a real browser: every channel
kind made there, refusals shown at the field named, a webhook's secret shown once, a spike rule
with two channels, the Enabled switch persisted, a used channel's deletion refused."""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, Locator, Page, expect

from app.alerts import service as alerts
from app.projects import service as projects
from models import AlertChannel, AlertRule, Project
from tests.conftest import Server
from tests.integration.browser import assert_no_page_errors
from tests.integration.ui import JUST_NOW
from tests.integration.ui_detail import authenticate

HOOK = "https://ops.example.com/hook"
SLACK = "https://hooks.slack.com/services/T0/B0/xyz"


async def _open(server: Server, page: Page, context: BrowserContext, token: str) -> Project:
    await authenticate(context, token)
    project = await projects.create_project("Shop Backend")
    await page.goto(server(f"/projects/{project.id}/settings"))
    await expect(page.locator("h1")).to_have_text("Shop Backend · Settings")
    return project


def _channels(page: Page) -> Locator:
    return page.get_by_role("region", name="Alert channels")


async def _add(page: Page, kind: str, name: str, **fields: str) -> None:
    panel = _channels(page)
    await panel.get_by_label("Kind").select_option(label=kind)
    await panel.get_by_label("Name", exact=True).fill(name)
    for label, value in fields.items():
        await panel.get_by_label(label, exact=True).fill(value)
    await panel.get_by_role("button", name="Add channel").click()


async def test_channels_of_each_kind_and_the_secret_shown_once(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    project = await _open(server, page, browser_context, token)
    panel = _channels(page)
    await expect(panel.locator(".alert-list")).to_have_text("No channels yet.")
    # Recipients is a field of email channels only; URL of the others.
    await expect(panel.get_by_label("Recipients")).to_be_hidden()

    # A refusal is shown at the field it names, and nothing is created.
    await _add(page, "Webhook", "ops", URL="ftp://ops.example.com/hook")
    url = panel.get_by_label("URL", exact=True)
    await expect(panel.locator("#channel-url-problem")).to_have_text(
        "url: must be an http:// or https:// URL"
    )
    await expect(url).to_have_attribute("aria-invalid", "true")
    await expect(url).to_be_focused()
    await expect(panel.locator("#channel-name-problem")).to_have_text("")
    assert await AlertChannel.filter(project_id=project.id).count() == 0

    await _add(page, "Webhook", "ops", URL=HOOK)
    shown = page.get_by_role("textbox", name="Signing secret", exact=True)
    await expect(shown).to_have_value(re.compile(r"^[0-9a-f]{64}$"))
    stored = await AlertChannel.get(project_id=project.id, name="ops")
    assert stored.secret is not None
    assert re.fullmatch(r"[0-9a-f]{64}", stored.secret)
    await expect(shown).to_have_value(stored.secret)
    await expect(panel.locator(".new-token .warning")).to_have_text(
        "Copy this signing secret now: you won't see it again."
    )
    await expect(panel.get_by_role("button", name="Copy Signing secret")).to_be_visible()
    await expect(url).not_to_have_attribute("aria-invalid", "true")
    await expect(url).to_have_value("")
    rows = panel.get_by_role("table", name="Alert channels").locator("tbody tr")
    await expect(rows.nth(0).locator("td")).to_have_text(
        ["Webhook", "ops", HOOK, JUST_NOW, "Send testDelete"]
    )

    await _add(page, "Slack", "#alerts", URL=SLACK)
    await expect(rows).to_have_count(2)
    await expect(panel.locator(".new-token")).to_have_count(0)  # a secret is not shown twice
    await expect(rows.nth(1).locator("td")).to_have_text(
        ["Slack", "#alerts", SLACK, JUST_NOW, "Send testDelete"]
    )

    await _add(page, "Email", "on call", Recipients="not-an-address")
    await expect(panel.locator("#channel-to-problem")).to_have_text(
        "to: 'not-an-address' is not an email address such as you@example.com"
    )
    await _add(page, "Email", "on call", Recipients="a@example.com, b@example.com")
    await expect(rows).to_have_count(3)
    await expect(panel.locator("#channel-to-problem")).to_have_text("")
    await expect(rows.nth(2).locator("td")).to_have_text(
        ["Email", "on call", "a@example.com, b@example.com", JUST_NOW, "Send testDelete"]
    )
    email = await AlertChannel.get(project_id=project.id, kind="email")
    assert (email.name, email.recipients, email.url, email.secret) == (
        "on call",
        ["a@example.com", "b@example.com"],
        None,
        None,
    )
    slack = await AlertChannel.get(project_id=project.id, kind="slack")
    assert (slack.name, slack.url, slack.secret) == ("#alerts", SLACK, None)

    # Shown once: a new visit lists the channels and never the secret.
    await page.reload()
    await expect(rows).to_have_count(3)
    assert stored.secret not in await page.content()
    await expect(panel.locator(".new-token")).to_have_count(0)
    assert_no_page_errors(page)


async def test_a_name_refusal_and_a_dismissed_secret(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await _open(server, page, browser_context, token)
    panel = _channels(page)
    await _add(page, "Slack", "  ", URL=SLACK)
    await expect(panel.locator("#channel-name-problem")).to_have_text("name: must not be empty")
    await expect(panel.get_by_label("Name", exact=True)).to_be_focused()
    await _add(page, "Webhook", "ops", URL=HOOK)
    await expect(panel.locator(".new-token")).to_have_count(1)
    await panel.get_by_role("button", name="Done").click()
    await expect(panel.locator(".new-token")).to_have_count(0)
    assert_no_page_errors(page)


def _rules(page: Page) -> Locator:
    return page.get_by_role("region", name="Alert rules")


async def test_a_spike_rule_with_two_channels_toggled_edited_and_deleted(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    ops = await alerts.create_channel(project.id, {"kind": "webhook", "name": "ops", "url": HOOK})
    await alerts.create_channel(project.id, {"kind": "slack", "name": "#alerts", "url": SLACK})
    oncall = await alerts.create_channel(
        project.id, {"kind": "email", "name": "on call", "to": ["a@example.com"]}
    )
    await page.goto(server(f"/projects/{project.id}/settings"))
    panel = _rules(page)
    await expect(panel.locator(".alert-list")).to_have_text("No alert rules yet.")
    form = panel.get_by_role("form", name="Create a rule")
    threshold = form.get_by_label("More than (events)")
    window = form.get_by_label("Within (minutes)")
    await expect(threshold).to_be_disabled()  # a spike's fields only

    await form.get_by_label("Trigger").select_option(label="Spike")
    await expect(threshold).to_be_enabled()
    await threshold.fill("500")
    await form.get_by_label("Throttle (minutes)").fill("60")
    await form.get_by_label("ops").check()
    await form.get_by_label("on call").check()
    await form.get_by_role("button", name="Create rule").click()
    # The server's refusal, at the field it names.
    await expect(form.locator(f"#{await window.get_attribute('id')}-problem")).to_have_text(
        "windowMinutes: is required for a spike rule"
    )
    await expect(window).to_be_focused()
    assert await AlertRule.filter(project_id=project.id).count() == 0
    await window.fill("10")
    await form.get_by_role("button", name="Create rule").click()

    table = panel.get_by_role("table", name="Alert rules")
    row = table.locator("tbody tr")
    await expect(row.locator("td")).to_have_text(
        ["Spike", "more than 500 events in 10 min", "ops, on call", "60 min", "", "EditDelete"]
    )
    rule = await AlertRule.get(project_id=project.id)
    assert (rule.trigger, rule.threshold, rule.window_minutes, rule.throttle_minutes) == (
        "spike",
        500,
        10,
        60,
    )
    assert rule.enabled is True
    assert sorted(await rule.channels.all().values_list("id", flat=True)) == [ops.id, oncall.id]

    switch = panel.get_by_role("checkbox", name="Enabled: Spike to ops, on call")
    await expect(switch).to_be_checked()
    await switch.press("Space")  # from the keyboard
    await expect(row.get_by_role("status")).to_have_text("Rule disabled.")
    await expect(switch).to_be_focused()
    assert (await AlertRule.get(id=rule.id)).enabled is False
    await page.reload()
    await expect(switch).not_to_be_checked()
    await switch.click()
    await expect(row.get_by_role("status")).to_have_text("Rule enabled.")
    assert (await AlertRule.get(id=rule.id)).enabled is True

    # Edit in place: the row becomes its form; Cancel (or Escape) brings the row back.
    await panel.get_by_role("button", name="Edit Spike to ops, on call").click()
    editor = panel.get_by_role("form", name="Edit rule: Spike to ops, on call")
    await expect(editor.get_by_label("Trigger")).to_be_focused()
    await expect(editor.get_by_label("More than (events)")).to_have_value("500")
    await editor.get_by_label("Trigger").press("Escape")
    await expect(editor).to_have_count(0)
    await expect(panel.get_by_role("button", name="Edit Spike to ops, on call")).to_be_focused()
    await panel.get_by_role("button", name="Edit Spike to ops, on call").click()
    await editor.get_by_label("More than (events)").fill("800")
    await editor.get_by_label("on call").uncheck()
    await editor.get_by_role("button", name="Save rule").click()
    await expect(row.locator("td").nth(1)).to_have_text("more than 800 events in 10 min")
    await expect(row.locator("td").nth(2)).to_have_text("ops")
    await expect(panel.get_by_role("button", name="Edit Spike to ops")).to_be_focused()
    rule = await AlertRule.get(id=rule.id)
    assert (rule.threshold, rule.window_minutes, rule.enabled) == (800, 10, True)
    assert await rule.channels.all().values_list("id", flat=True) == [ops.id]

    # A channel a rule sends to cannot be deleted: the server's reason, on its row.
    channels = _channels(page)
    page.once("dialog", lambda dialog: dialog.accept())
    await channels.get_by_role("button", name="Delete channel ops").click()
    ops_row = channels.locator("tr", has_text="ops")
    await expect(ops_row.get_by_role("alert")).to_have_text(
        f"channel {ops.id} is used by alert rule(s) {rule.id}; "
        "remove it from them or delete them first"
    )
    assert await AlertChannel.exists(id=ops.id)
    await expect(channels.get_by_role("button", name="Delete channel ops")).to_be_focused()

    page.once("dialog", lambda dialog: dialog.accept())
    await panel.get_by_role("button", name="Delete Spike to ops").click()
    await expect(panel.locator(".alert-list")).to_have_text("No alert rules yet.")
    await expect(panel.locator(".alert-list")).to_be_focused()
    assert await AlertRule.filter(project_id=project.id).count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    await channels.get_by_role("button", name="Delete channel ops").click()
    await expect(
        channels.get_by_role("table", name="Alert channels").locator("tbody tr")
    ).to_have_count(2)
    assert not await AlertChannel.exists(id=ops.id)
    assert_no_page_errors(page)


async def test_rules_need_a_channel_first(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await _open(server, page, browser_context, token)
    form = _rules(page).get_by_role("form", name="Create a rule")
    await expect(form.get_by_role("group", name="Channels")).to_contain_text(
        "Add a channel first: a rule sends to at least one."
    )
    await expect(form.get_by_role("button", name="Create rule")).to_be_disabled()
    await _add(page, "Slack", "#alerts", URL=SLACK)
    await expect(form.get_by_label("#alerts")).to_be_visible()
    await form.get_by_role("button", name="Create rule").click()  # no channel checked
    await expect(form.get_by_role("group", name="Channels").get_by_role("alert")).to_have_text(
        "channelIds: must list 1 to 20 channels"
    )
    await form.get_by_label("#alerts").check()
    await form.get_by_role("button", name="Create rule").click()
    row = _rules(page).get_by_role("table", name="Alert rules").locator("tbody tr")
    await expect(row.locator("td").nth(0)).to_have_text("New issue")
    await expect(row.locator("td").nth(1)).to_have_text("—")
    await expect(row.locator("td").nth(3)).to_have_text("30 min")
    assert_no_page_errors(page)


async def test_a_failed_switch_says_why_and_shows_the_stored_state(
    server: Server, page: Page, browser_context: BrowserContext, token: str
) -> None:
    await authenticate(browser_context, token)
    project = await projects.create_project("Shop Backend")
    hostile = "<img src=x onerror=alert(1)>"
    channel = await alerts.create_channel(
        project.id, {"kind": "slack", "name": hostile, "url": SLACK}
    )
    rule = await alerts.create_rule(
        project.id, {"trigger": "regression", "channel_ids": [channel.id]}
    )
    await page.goto(server(f"/projects/{project.id}/settings"))
    # Server text is text: the name shows as typed, no element is made of it.
    await expect(_channels(page).locator("td.name")).to_have_text(hostile)
    await expect(_rules(page).locator("td.channels")).to_have_text(hostile)
    await expect(page.locator("#page img")).to_have_count(0)

    await AlertRule.filter(id=rule.model.id).delete()  # deleted elsewhere meanwhile
    switch = _rules(page).get_by_role("checkbox", name=f"Enabled: Regression to {hostile}")
    await switch.click()
    row = _rules(page).locator(f'tr[data-rule-id="{rule.model.id}"]')
    await expect(row.get_by_role("alert")).to_have_text(
        f"alert rule {rule.model.id} not found in project {project.id}"
    )
    await expect(switch).to_be_checked()
    await expect(switch).to_be_enabled()
    assert_no_page_errors(page)
