"""Alert delivery across restarts and processes, and `deliver()` sending one at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.alerts.delivery import deliver, send_test
from models import AlertAttempt, AlertChannel, AlertDelivery, DeliveryStatus
from models.alert_rule import AlertTrigger
from tests.conftest import free_port
from tests.integration.alerting import (
    age_while_unclaimed,
    fresh_database_url,
    own_server,
    quiet,
    send_event,
    settled,
    tried,
    verify,
    webhook_receiver,
    webhook_rule,
)
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import new_project


async def test_a_restart_between_retries_loses_nothing_and_sends_nothing_twice(
    http, server, tmp_path
):
    url = await fresh_database_url(server.settings.database_url, str(tmp_path), "alerts_restart")
    async with webhook_receiver([500]) as receiver:
        # The first server retries no sooner than 2 s later: it stops before that.
        async with own_server(url, alert_retry_base_s=4.0) as first:
            project = await new_project(first)
            await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
            await send_event(http, first.url, project, "restart_fn")
            await tried(project.id, 1)
        assert len(receiver.requests) == 1
        async with own_server(url, alert_retry_base_s=0.05):
            (delivery,) = await settled(project.id, 1)
            attempts = await AlertAttempt.filter(delivery_id=delivery.id).order_by("id")
            await quiet()
        assert [r.delivery_id for r in receiver.requests] == [delivery.id, delivery.id]
        assert all(verify(r) for r in receiver.requests)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert [a.status_code for a in attempts] == [500, 200]


async def test_deliver_sends_one_delivery_now_and_only_once(server):
    project = await new_project(server)
    async with webhook_receiver() as receiver:
        channel = await AlertChannel.create(
            project_id=project.id, kind="webhook", name="t", url=receiver.url, secret="k"
        )
        now = datetime.now(UTC)
        row = await AlertDelivery.create(
            project_id=project.id,
            channel_id=channel.id,
            trigger="test",
            payload={"test": True},
            created_at=now,
            next_attempt_at=now + timedelta(hours=1),  # not the loop's to send
        )
        sent = await deliver(row.id, server.settings)
        again = await deliver(row.id, server.settings)
        (received,) = receiver.requests
    assert sent.status == DeliveryStatus.SENT
    assert sent.attempts == 1
    assert again.attempts == 1
    assert received.json == {"test": True}
    assert verify(received, "k")


async def test_each_delivery_is_sent_by_exactly_one_of_two_processes(http, server):
    if not server.settings.database_url.startswith("postgres"):
        pytest.skip("several server processes need PostgreSQL")
    project = await new_project(server)
    issues = 40
    # Some first tries fail, so retries are claimed by whichever process comes first.
    async with webhook_receiver([500, 502, 503] * 4) as receiver:
        await webhook_rule(project.id, receiver.url, AlertTrigger.NEW_ISSUE)
        env = faultline_env(
            server.settings.database_url,
            FAULTLINE_ALERT_ALLOW_PRIVATE="1",
            FAULTLINE_ALERT_POLL_INTERVAL_S="0.1",
            FAULTLINE_ALERT_RETRY_BASE_S="0.1",
        )
        ports = [free_port(), free_port()]
        procs = [await start_server(port, env) for port in ports]
        try:
            await asyncio.gather(
                *(
                    send_event(http, f"http://127.0.0.1:{ports[i % 2]}", project, f"fn_{i}")
                    for i in range(issues)
                )
            )
            deliveries = await settled(project.id, issues, timeout_s=60)
            await quiet(1.0)
        finally:
            for proc in procs:
                assert await stop(proc) == 0
        accepted = [r.delivery_id for r in receiver.accepted()]
    assert sorted(accepted) == sorted(d.id for d in deliveries)
    assert len(deliveries) == issues
    assert all(d.status == DeliveryStatus.SENT for d in deliveries)
    assert len(receiver.requests) == issues + 12
    total_attempts = await AlertAttempt.filter(delivery__project_id=project.id).count()
    assert total_attempts == issues + 12


async def test_an_unreachable_receiver_is_retried_then_given_up_after_a_day(http, server):
    project = await new_project(server)
    port = free_port()
    closed = f"http://127.0.0.1:{port}/hook"  # nothing listens there
    await webhook_rule(project.id, closed, AlertTrigger.NEW_ISSUE)
    await send_event(http, server.url, project, "unreachable_fn")
    await tried(project.id, 3)
    delivery = await AlertDelivery.get(project_id=project.id)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == (
        f"cannot connect to 127.0.0.1:{port}: Connect call failed ('127.0.0.1', {port})"
    )
    # A day passes: the next failed try is the last.
    await age_while_unclaimed(delivery.id, timedelta(hours=24))
    (delivery,) = await settled(project.id, 1)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts >= 4
    assert await AlertAttempt.filter(delivery_id=delivery.id).count() == delivery.attempts


async def test_a_channel_test_is_sent_at_once_and_recorded(server):
    project = await new_project(server)
    async with webhook_receiver([500]) as receiver:
        channel = await AlertChannel.create(
            project_id=project.id, kind="webhook", name="t", url=receiver.url, secret="k"
        )
        delivery = await send_test(channel, server.settings)
        await quiet()
        (received,) = receiver.requests
    assert delivery.trigger == "test"
    assert delivery.status == DeliveryStatus.FAILED  # a test is not retried
    assert delivery.attempts == 1
    assert delivery.last_error == "HTTP 500: no"
    assert delivery.rule_id is None
    assert delivery.issue_id is None
    assert received.delivery_id == delivery.id
    assert verify(received, "k")
    assert received.json["rule"] == {"id": None, "trigger": "test"}
    assert received.json["project"]["id"] == project.id
    assert received.json["issue"] is None
