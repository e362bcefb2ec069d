"""Alerts wired end to end: rules managed over REST reach the engine at once, channel tests go
through the delivery loop's recording, and Slack, email and the SSRF guard work through the
engine (ingestion → outbox → delivery loop → channel)."""

from __future__ import annotations

import re
from typing import Any

from app.auth import tokens
from app.projects import service as projects
from models import AlertDelivery, DeliveryStatus, Issue, Project
from tests.conftest import Server
from tests.integration.alerting import (
    fresh_database_url,
    own_server,
    quiet,
    send_event,
    settled,
    verify,
    webhook_receiver,
)
from tests.integration.graphql import data, execute
from tests.integration.mailing import Inbox, received, smtp_server
from tests.integration.sentry import SentryProject, new_project

ISO = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")
GRAPHQL_TIME = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00")
SENDER = "Faultline <alerts@faultline.example>"
TEST_CHANNEL = """
mutation($p: ID!, $id: ID!) {
  testChannel(projectId: $p, id: $id) {
    id ruleId channelId issueId trigger status attempts lastError sentAt
  }
}"""


async def post(http, url, body, auth, status=201) -> Any:
    async with http.post(url, json=body, headers=auth) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def channel_and_rule(http, server: Server, auth, project_id: int, **channel: Any):
    """A channel and a new_issue rule sending to it, made through REST."""
    base = server(f"/api/projects/{project_id}")
    made = await post(http, base + "/channels", {"name": "c", **channel}, auth)
    rule = {"trigger": "new_issue", "channel_ids": [made["id"]]}
    return made, await post(http, base + "/alert-rules", rule, auth)


async def deliveries(project_id: int) -> int:
    return await AlertDelivery.filter(project_id=project_id).count()


async def the_issue(project: SentryProject, function: str) -> Issue:
    return await Issue.get(project_id=project.id, culprit__contains=function)


async def test_rule_writes_over_rest_reach_the_engine_at_once(http, server, auth):
    project = await new_project(server)
    # The engine now remembers that this project has no rules (for up to 5 s).
    await send_event(http, server.url, project, "before_rules")
    assert await deliveries(project.id) == 0
    async with webhook_receiver() as receiver:
        channel, rule = await channel_and_rule(
            http, server, auth, project.id, kind="webhook", url=receiver.url
        )
        rule_url = server(f"/api/projects/{project.id}/alert-rules/{rule['id']}")
        # A 200 means the batch (and the deliveries it queued) committed.
        await send_event(http, server.url, project, "first_new")
        assert await deliveries(project.id) == 1
        (first,) = await settled(project.id, 1)
        async with http.patch(rule_url, json={"enabled": False}, headers=auth) as r:
            assert r.status == 200
        await send_event(http, server.url, project, "while_disabled")
        assert await deliveries(project.id) == 1
        async with http.patch(rule_url, json={"enabled": True}, headers=auth) as r:
            assert r.status == 200
        await send_event(http, server.url, project, "enabled_again")
        assert await deliveries(project.id) == 2
        _, again = await settled(project.id, 2)
        async with http.delete(rule_url, headers=auth) as r:
            assert r.status == 204
        await send_event(http, server.url, project, "after_delete")
        assert await deliveries(project.id) == 2
        await quiet()
        requests = list(receiver.requests)
    one, two = await the_issue(project, "first_new"), await the_issue(project, "enabled_again")
    assert [(d.rule_id, d.issue_id, d.status) for d in (first, again)] == [
        (rule["id"], one.id, DeliveryStatus.SENT),
        (rule["id"], two.id, DeliveryStatus.SENT),
    ]
    assert [r.delivery_id for r in requests] == [first.id, again.id]
    assert all(verify(r, channel["secret"]) for r in requests)
    assert [(r.json["rule"]["id"], r.json["issue"]["id"]) for r in requests] == [
        (rule["id"], one.id),
        (rule["id"], two.id),
    ]
    assert await AlertDelivery.filter(project_id=project.id, rule_id=None).count() == 2


async def test_a_channel_test_over_rest_is_sent_once_and_answered(http, server, auth):
    project = await new_project(server, "Tested")
    base = server(f"/api/projects/{project.id}/channels")
    async with webhook_receiver() as receiver:
        channel = await post(
            http, base, {"kind": "webhook", "name": "h", "url": receiver.url}, auth
        )
        answer = await post(http, f"{base}/{channel['id']}/test", {}, auth, status=200)
        (request,) = receiver.requests
    stored = await AlertDelivery.get(project_id=project.id)
    assert ISO.fullmatch(answer["created_at"])
    assert ISO.fullmatch(answer["sent_at"])
    assert answer == {
        "id": stored.id,
        "rule_id": None,
        "channel_id": channel["id"],
        "issue_id": None,
        "trigger": "test",
        "status": "sent",
        "attempts": 1,
        "last_error": None,
        "created_at": answer["created_at"],
        "sent_at": answer["sent_at"],
    }
    assert verify(request, channel["secret"])
    assert request.delivery_id == stored.id
    row = await Project.get(id=project.id)
    assert request.json == {
        "rule": {"id": None, "trigger": "test"},
        "project": {"id": project.id, "name": "Tested", "slug": row.slug},
        "issue": None,
        "event": None,
        "message": "A test notification from Faultline: this channel works.",
    }


async def test_a_failed_channel_test_says_why_and_is_not_retried(http, server, auth):
    project = await new_project(server)
    base = server(f"/api/projects/{project.id}/channels")
    async with webhook_receiver([500, 500, 500]) as receiver:
        hook = await post(http, base, {"kind": "webhook", "name": "h", "url": receiver.url}, auth)
        answer = await post(http, f"{base}/{hook['id']}/test", {}, auth, status=200)
        await quiet()
        assert len(receiver.requests) == 1
    assert (answer["status"], answer["attempts"], answer["sent_at"]) == ("failed", 1, None)
    assert answer["last_error"] == "HTTP 500: no"
    stored = await AlertDelivery.get(id=answer["id"])
    assert (stored.status, stored.attempts) == (DeliveryStatus.FAILED, 1)
    mail = await post(http, base, {"kind": "email", "name": "e", "to": ["a@example.com"]}, auth)
    answer = await post(http, f"{base}/{mail['id']}/test", {}, auth, status=200)
    assert (answer["trigger"], answer["status"], answer["attempts"]) == ("test", "failed", 1)
    assert answer["last_error"] == "FAULTLINE_SMTP_URL is not set"


async def test_a_channel_test_needs_the_projects_channel_and_a_token(http, server, auth):
    mine = await projects.create_project("Mine")
    other = await projects.create_project("Other")
    body = {"kind": "webhook", "name": "h", "url": "https://hooks.example.com/x"}
    channel = await post(http, server(f"/api/projects/{mine.id}/channels"), body, auth)
    for project_id, channel_id, status, headers, error in (
        (mine.id, channel["id"] + 1000, 404, auth, f"channel {channel['id'] + 1000} not found in project {mine.id}"),
        (other.id, channel["id"], 404, auth, f"channel {channel['id']} not found in project {other.id}"),
        (mine.id + 1000, channel["id"], 404, auth, f"project {mine.id + 1000} not found"),
        (mine.id, channel["id"], 401, {}, "missing Authorization: Bearer <token> header"),
    ):  # fmt: skip
        url = server(f"/api/projects/{project_id}/channels/{channel_id}/test")
        assert await post(http, url, {}, headers, status=status) == {"error": error}
    assert await AlertDelivery.filter(project_id__in=[mine.id, other.id]).count() == 0


async def test_a_channel_test_over_graphql(http, server, auth):
    project = await new_project(server)
    other = await projects.create_project("Other")
    base = server(f"/api/projects/{project.id}/channels")
    async with webhook_receiver() as receiver:
        hook = await post(http, base, {"kind": "webhook", "name": "h", "url": receiver.url}, auth)
        variables = {"p": str(project.id), "id": str(hook["id"])}
        tested = (await data(http, server, TEST_CHANNEL, variables, auth))["testChannel"]
        (request,) = receiver.requests
    stored = await AlertDelivery.get(project_id=project.id)
    assert GRAPHQL_TIME.fullmatch(tested["sentAt"])
    assert tested == {
        "id": str(stored.id),
        "ruleId": None,
        "channelId": str(hook["id"]),
        "issueId": None,
        "trigger": "test",
        "status": "SENT",
        "attempts": 1,
        "lastError": None,
        "sentAt": tested["sentAt"],
    }
    assert verify(request, hook["secret"])
    result = await execute(http, server, TEST_CHANNEL, {**variables, "p": str(other.id)}, auth)
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["message"] == f"channel {hook['id']} not found in project {other.id}"
    assert error["extensions"] == {"code": "NOT_FOUND"}


async def test_a_new_issue_reaches_a_slack_channel_in_slacks_shape(http, server, auth):
    project = await new_project(server, "Slack App")
    async with webhook_receiver() as receiver:
        await channel_and_rule(http, server, auth, project.id, kind="slack", url=receiver.url)
        await send_event(http, server.url, project, "slack_fn")
        (delivery,) = await settled(project.id, 1)
        (request,) = receiver.requests
    issue = await the_issue(project, "slack_fn")
    slug = (await Project.get(id=project.id)).slug
    short, link = f"{slug.upper()}-1", f"{server.url}/issues/{issue.id}"
    assert (issue.title, issue.counter) == ("ValueError: bad", 1)
    assert delivery.status == DeliveryStatus.SENT
    assert request.headers["Content-Type"] == "application/json"
    assert "X-Faultline-Signature" not in request.headers
    message = request.json
    assert message["username"] == "Faultline"
    assert message["text"] == f"New issue in Slack App: <{link}|{short}> ValueError: bad"
    (attachment,) = message["attachments"]
    assert attachment["title"] == f"{short}: ValueError: bad"
    assert attachment["title_link"] == link
    assert attachment["text"] == issue.culprit
    assert attachment["color"] == "#E01E5A"
    assert attachment["footer"] == "Faultline · Slack App"


async def test_a_new_issue_is_mailed_to_the_rules_recipients(http, server, tmp_path):
    url = await fresh_database_url(server.settings.database_url, str(tmp_path), "alerts_mail")
    to = ["ops@example.com", "dev@example.com"]
    inbox = Inbox()
    with smtp_server(inbox) as port:
        smtp = f"smtp://127.0.0.1:{port}"
        async with own_server(url, smtp_url=smtp, email_from=SENDER) as own:
            auth = {"Authorization": f"Bearer {(await tokens.create_token('t')).token}"}
            project = await new_project(own, "Mail App")
            await channel_and_rule(http, own, auth, project.id, kind="email", to=to)
            await send_event(http, own.url, project, "mail_fn")
            (delivery,) = await settled(project.id, 1)
            issue = await the_issue(project, "mail_fn")
            slug = (await Project.get(id=project.id)).slug
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        1,
        None,
    )
    (mail,) = inbox.mails
    assert (mail.mail_from, mail.rcpt_tos) == ("alerts@faultline.example", to)
    message = received(mail)
    short, link = f"{slug.upper()}-1", f"{own.url}/issues/{issue.id}"
    assert message["From"] == SENDER
    assert message["To"] == "ops@example.com, dev@example.com"
    assert message["Subject"] == f"[{short}] New issue: ValueError: bad"
    assert message["X-Faultline-Delivery"] == str(delivery.id)
    text = message.get_body(("plain",))
    assert text is not None
    lines = text.get_content().splitlines()
    assert lines[:3] == ["New issue in Mail App", "", f"{short}: ValueError: bad"]
    assert lines[-1] == link


async def test_the_engine_refuses_a_private_target_without_retrying(http, server, tmp_path):
    url = await fresh_database_url(server.settings.database_url, str(tmp_path), "alerts_ssrf")
    async with (
        webhook_receiver() as receiver,
        own_server(url, alert_allow_private=False, alert_retry_base_s=0.05) as own,
    ):
        auth = {"Authorization": f"Bearer {(await tokens.create_token('t')).token}"}
        project = await new_project(own)
        await channel_and_rule(http, own, auth, project.id, kind="webhook", url=receiver.url)
        await send_event(http, own.url, project, "ssrf_fn")
        (delivery,) = await settled(project.id, 1)
        await quiet()
        after = await AlertDelivery.get(id=delivery.id)
        requests = list(receiver.requests)
    assert requests == []
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert after.attempts == 1
    assert delivery.last_error == (
        "refused: 127.0.0.1 is a loopback address "
        "(FAULTLINE_ALERT_ALLOW_PRIVATE=1 allows private targets)"
    )
