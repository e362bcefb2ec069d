"""Alert rules firing on ingestion, on both backends, sent to a real local webhook receiver."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.alerts.outbox import forget_rules
from app.issues import service as issues
from models import AlertAttempt, AlertDelivery, AlertThrottle, Issue, IssueState
from models.alert_rule import AlertTrigger
from tests.integration.alerting import (
    quiet,
    send_event,
    settled,
    verify,
    webhook_receiver,
    webhook_rule,
)
from tests.integration.sentry import new_project


async def test_a_new_issue_sends_one_signed_webhook(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        rule = await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        await send_event(http, server.url, project, "fresh_fn")
        (delivery,) = await settled(project.id, 1)
        (issue,) = await Issue.filter(project_id=project.id)
        (received,) = receiver.requests
    assert delivery.status == "sent"
    assert delivery.attempts == 1
    assert delivery.rule_id == rule.id
    assert delivery.issue_id == issue.id
    assert delivery.trigger == "new_issue"
    assert verify(received)
    assert not verify(received, "another secret")
    assert received.delivery_id == delivery.id
    assert received.headers["Content-Type"] == "application/json"
    body = received.json
    assert body["rule"] == {"id": rule.id, "trigger": "new_issue"}
    assert body["project"]["id"] == project.id
    assert body["issue"]["id"] == issue.id
    assert body["issue"]["short_id"] == f"MY-APP-{issue.counter}"
    assert body["issue"]["title"] == issue.title
    assert body["issue"]["culprit"] == issue.culprit
    assert body["issue"]["level"] == "error"
    assert body["issue"]["state"] == "open"
    assert body["issue"]["event_count"] == 1
    assert body["issue"]["url"] == f"{server.settings.base_url}/issues/{issue.id}"
    assert body["event"]["level"] == "error"
    assert body["event"]["platform"] == "python"
    assert len(body["event"]["id"]) == 32
    (attempt,) = await AlertAttempt.filter(delivery_id=delivery.id)
    assert attempt.status_code == 200
    assert attempt.error is None


async def test_a_burst_of_one_new_issue_sends_exactly_one_alert(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        semaphore = asyncio.Semaphore(30)

        async def one() -> None:
            async with semaphore:
                await send_event(http, server.url, project, "burst_fn")

        await asyncio.gather(*(one() for _ in range(300)))
        (issue,) = await Issue.filter(project_id=project.id)
        assert issue.event_count == 300
        await settled(project.id, 1)
        await quiet()
        assert len(receiver.requests) == 1
    assert await AlertDelivery.filter(project_id=project.id).count() == 1


async def test_a_burst_over_a_spike_threshold_sends_exactly_one_alert(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        await webhook_rule(
            project.id, receiver.url, AlertTrigger.SPIKE, threshold=10, window_minutes=5
        )
        await send_event(http, server.url, project, "storm_fn")  # the issue exists
        semaphore = asyncio.Semaphore(30)

        async def one() -> None:
            async with semaphore:
                await send_event(http, server.url, project, "storm_fn")

        await asyncio.gather(*(one() for _ in range(200)))
        (delivery,) = await settled(project.id, 1)
        await quiet()
        (received,) = receiver.requests
    assert delivery.trigger == "spike"
    assert received.json["rule"]["count"] == 11


async def test_a_regression_sends_one_alert(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        rule = await webhook_rule(project.id, receiver.url, AlertTrigger.REGRESSION)
        await send_event(http, server.url, project, "back_fn")
        (issue,) = await Issue.filter(project_id=project.id)
        await issues.change_state(issue.id, "resolved")
        for _ in range(3):
            await send_event(http, server.url, project, "back_fn")
        (delivery,) = await settled(project.id, 1)
        await quiet()
        (received,) = receiver.requests
    assert delivery.trigger == "regression"
    assert delivery.rule_id == rule.id
    assert received.json["issue"]["state"] == "open"
    assert received.json["rule"]["trigger"] == "regression"
    assert (await Issue.get(id=issue.id)).state == IssueState.OPEN


async def test_a_spike_sends_one_alert_once_over_the_threshold(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        await webhook_rule(
            project.id, receiver.url, AlertTrigger.SPIKE, threshold=5, window_minutes=10
        )
        for _ in range(5):
            await send_event(http, server.url, project, "spiky_fn")
        await quiet()
        assert receiver.requests == []
        for _ in range(10):
            await send_event(http, server.url, project, "spiky_fn")
        (delivery,) = await settled(project.id, 1)
        await quiet()
        (received,) = receiver.requests
    assert delivery.trigger == "spike"
    assert received.json["rule"]["threshold"] == 5
    assert received.json["rule"]["window_minutes"] == 10
    assert received.json["rule"]["count"] == 6  # counted up to threshold + 1
    assert received.json["issue"]["event_count"] == 6


async def test_events_dated_before_the_window_make_no_spike(http, server):
    project = await new_project(server)
    long_ago = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    async with webhook_receiver() as receiver:
        await webhook_rule(
            project.id, receiver.url, AlertTrigger.SPIKE, threshold=2, window_minutes=60
        )
        for _ in range(6):
            await send_event(http, server.url, project, "old_fn", timestamp=long_ago)
        await send_event(http, server.url, project, "old_fn")
        await quiet()
        assert receiver.requests == []
        await send_event(http, server.url, project, "old_fn")
        await send_event(http, server.url, project, "old_fn")
        (delivery,) = await settled(project.id, 1)
        (received,) = receiver.requests
    assert delivery.trigger == "spike"
    assert received.json["rule"]["count"] == 3
    assert received.json["issue"]["event_count"] == 9


async def test_a_disabled_rule_stops_at_once_in_this_process(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        rule = await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        await send_event(http, server.url, project, "before_fn")
        await settled(project.id, 1)
        rule.enabled = False
        await rule.save()
        forget_rules(project.id)
        await send_event(http, server.url, project, "after_fn")
        await quiet()
        (received,) = receiver.requests
    assert received.json["issue"]["culprit"].endswith("before_fn")
    assert await AlertDelivery.filter(project_id=project.id).count() == 1


async def test_a_new_throttle_window_sends_again(http, server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        rule = await webhook_rule(
            project.id, receiver.url, AlertTrigger.SPIKE, threshold=1, window_minutes=5
        )
        for _ in range(4):
            await send_event(http, server.url, project, "again_fn")
        await settled(project.id, 1)
        # The throttle window (30 min) passes.
        (throttle,) = await AlertThrottle.filter(rule_id=rule.id)
        throttle.last_at = datetime.now(UTC) - timedelta(minutes=31)
        await throttle.save()
        forget_rules(project.id)  # this process remembers the throttle it saw until it ends
        await send_event(http, server.url, project, "again_fn")
        await send_event(http, server.url, project, "again_fn")
        deliveries = await settled(project.id, 2)
        await quiet()
        assert len(receiver.requests) == 2
    assert [d.status for d in deliveries] == ["sent", "sent"]


async def test_retries_after_receiver_errors_then_success(http, server):
    project = await new_project(server)
    async with webhook_receiver([500, 503, 429]) as receiver:
        await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        await send_event(http, server.url, project, "flaky_fn")
        (delivery,) = await settled(project.id, 1)
        ids = [r.delivery_id for r in receiver.requests]
        for received in receiver.requests:
            assert verify(received)
    assert ids == [delivery.id] * 4
    assert delivery.status == "sent"
    assert delivery.attempts == 4
    assert delivery.last_error is None
    attempts = await AlertAttempt.filter(delivery_id=delivery.id).order_by("id")
    assert [a.status_code for a in attempts] == [500, 503, 429, 200]
    assert [a.error for a in attempts] == ["HTTP 500: no", "HTTP 503: no", "HTTP 429: no", None]


async def test_a_4xx_gives_up_at_once(http, server):
    project = await new_project(server)
    async with webhook_receiver([404]) as receiver:
        await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        await send_event(http, server.url, project, "gone_fn")
        (delivery,) = await settled(project.id, 1)
        await quiet()
        assert len(receiver.requests) == 1
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.last_error == "HTTP 404: no"
    assert delivery.sent_at is None


async def test_disabled_rules_and_other_projects_rules_send_nothing(http, server):
    project = await new_project(server)
    other = await new_project(server, "Other")
    async with webhook_receiver() as receiver:
        await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE, enabled=False)
        await webhook_rule(other.id, receiver.url, AlertTrigger.NEW_ISSUE)
        await send_event(http, server.url, project, "quiet_fn")
        await quiet()
        assert receiver.requests == []
    assert await AlertDelivery.filter(project_id=project.id).count() == 0
    assert await AlertDelivery.filter(project_id=other.id).count() == 0


async def test_each_channel_of_a_rule_gets_its_delivery(http, server):
    project = await new_project(server)
    async with webhook_receiver() as first, webhook_receiver() as second:
        rule = await webhook_rule(project.id, first.url, AlertTrigger.NEW_ISSUE)
        other = await webhook_rule(project.id, second.url, AlertTrigger.REGRESSION)
        await rule.channels.add(*await other.channels.all())
        forget_rules(project.id)
        await send_event(http, server.url, project, "twice_fn")
        deliveries = await settled(project.id, 2)
        assert len(first.requests) == 1
        assert len(second.requests) == 1
    assert sorted(d.channel_id for d in deliveries) == sorted(
        [c.id for c in await rule.channels.all()]
    )
