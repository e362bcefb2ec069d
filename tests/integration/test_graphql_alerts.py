"""GraphQL: a project's channels, alert rules and deliveries; the mutations that manage them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.projects import service as projects
from models import AlertChannel, AlertDelivery, AlertRule
from tests.integration.graphql import data, execute
from tests.integration.statements import recording

HOOK = "https://hooks.example.com/faultline"
CREATE_CHANNEL = """
mutation($p: ID!, $kind: ChannelKind!, $name: String!, $url: String, $secret: String,
         $to: [String!]) {
  createChannel(projectId: $p, kind: $kind, name: $name, url: $url, secret: $secret, to: $to) {
    id kind name url to createdAt secret
  }
}"""
CREATE_RULE = """
mutation($p: ID!, $trigger: AlertTrigger!, $channels: [ID!]!, $throttle: Int! = 30,
         $threshold: Int, $window: Int) {
  createAlertRule(projectId: $p, trigger: $trigger, channelIds: $channels,
                  throttleMinutes: $throttle, threshold: $threshold, windowMinutes: $window) {
    id trigger channelIds throttleMinutes threshold windowMinutes enabled
  }
}"""
UPDATE_RULE = """
mutation($p: ID!, $id: ID!, $enabled: Boolean, $channels: [ID!], $trigger: AlertTrigger,
         $threshold: Int, $window: Int) {
  updateAlertRule(projectId: $p, id: $id, enabled: $enabled, channelIds: $channels,
                  trigger: $trigger, threshold: $threshold, windowMinutes: $window) {
    id trigger channelIds threshold windowMinutes enabled
  }
}"""
PROJECT = """
query($id: ID!) {
  project(id: $id) {
    channels { id kind name url to }
    alertRules { id trigger channelIds enabled channels { id name } }
  }
}"""


async def create_channel(http, server, auth, project_id, **variables):
    fields = {"p": str(project_id), "kind": "WEBHOOK", "name": "hook", "url": HOOK, **variables}
    return (await data(http, server, CREATE_CHANNEL, fields, auth))["createChannel"]


async def test_channels_are_created_listed_and_deleted(http, server, auth):
    project = await projects.create_project("Alerts")
    hook = await create_channel(http, server, auth, project.id)
    stored = await AlertChannel.get(id=int(hook["id"]))
    assert re.fullmatch(r"[0-9a-f]{64}", hook["secret"])
    assert hook == {
        "id": str(stored.id),
        "kind": "WEBHOOK",
        "name": "hook",
        "url": HOOK,
        "to": None,
        "createdAt": hook["createdAt"],
        "secret": stored.secret,
    }
    email = await create_channel(
        http, server, auth, project.id, kind="EMAIL", name="mail", url=None, to=["a@example.com"]
    )
    assert (email["url"], email["to"], email["secret"]) == (None, ["a@example.com"], None)
    listed = await data(http, server, PROJECT, {"id": str(project.id)}, auth)
    assert listed["project"]["channels"] == [
        {"id": hook["id"], "kind": "WEBHOOK", "name": "hook", "url": HOOK, "to": None},
        {"id": email["id"], "kind": "EMAIL", "name": "mail", "url": None, "to": ["a@example.com"]},
    ]
    delete = "mutation($p: ID!, $id: ID!) { deleteChannel(projectId: $p, id: $id) }"
    variables = {"p": str(project.id), "id": hook["id"]}
    assert await data(http, server, delete, variables, auth) == {"deleteChannel": True}
    again = await execute(http, server, delete, variables, auth)
    assert (
        again["errors"][0]["message"] == f"channel {hook['id']} not found in project {project.id}"
    )
    assert again["errors"][0]["extensions"] == {"code": "NOT_FOUND"}


async def test_the_secret_is_not_a_field_of_a_listed_channel(http, server, auth):
    project = await projects.create_project("Alerts")
    await create_channel(http, server, auth, project.id)
    result = await execute(
        http, server, "query($id: ID!) { project(id: $id) { channels { secret } } }",
        {"id": str(project.id)}, auth,
    )  # fmt: skip
    assert result["errors"][0]["message"] == ("Cannot query field 'secret' on type 'AlertChannel'.")


async def test_rules_are_created_changed_and_deleted(http, server, auth):
    project = await projects.create_project("Alerts")
    a = await create_channel(http, server, auth, project.id, name="a")
    b = await create_channel(http, server, auth, project.id, name="b")
    p = str(project.id)
    created = (
        await data(
            http,
            server,
            CREATE_RULE,
            {
                "p": p,
                "trigger": "SPIKE",
                "channels": [b["id"], a["id"]],
                "threshold": 50,
                "window": 5,
            },
            auth,
        )
    )["createAlertRule"]
    assert created == {
        "id": created["id"],
        "trigger": "SPIKE",
        "channelIds": sorted([a["id"], b["id"]], key=int),
        "throttleMinutes": 30,
        "threshold": 50,
        "windowMinutes": 5,
        "enabled": True,
    }
    changed = (
        await data(
            http,
            server,
            UPDATE_RULE,
            {"p": p, "id": created["id"], "enabled": False, "channels": [a["id"]]},
            auth,
        )
    )["updateAlertRule"]
    assert changed == {
        "id": created["id"],
        "trigger": "SPIKE",
        "channelIds": [a["id"]],
        "threshold": 50,
        "windowMinutes": 5,
        "enabled": False,
    }
    # Only what is given changes: a trigger alone leaves the channels and `enabled`.
    back = (
        await data(
            http, server, UPDATE_RULE, {"p": p, "id": created["id"], "trigger": "NEW_ISSUE"}, auth
        )
    )["updateAlertRule"]
    assert back == {**changed, "trigger": "NEW_ISSUE", "threshold": None, "windowMinutes": None}
    listed = (await data(http, server, PROJECT, {"id": p}, auth))["project"]["alertRules"]
    assert listed == [
        {
            "id": created["id"],
            "trigger": "NEW_ISSUE",
            "channelIds": [a["id"]],
            "enabled": False,
            "channels": [{"id": a["id"], "name": "a"}],
        }
    ]
    delete = "mutation($p: ID!, $id: ID!) { deleteAlertRule(projectId: $p, id: $id) }"
    assert await data(http, server, delete, {"p": p, "id": created["id"]}, auth) == {
        "deleteAlertRule": True
    }
    assert not await AlertRule.exists(id=int(created["id"]))


async def test_bad_input_names_the_argument(http, server, auth):
    project = await projects.create_project("Alerts")
    other = await projects.create_project("Other")
    mine = await create_channel(http, server, auth, project.id)
    theirs = await create_channel(http, server, auth, other.id)
    p = str(project.id)
    rule = (
        await data(
            http,
            server,
            CREATE_RULE,
            {"p": p, "trigger": "NEW_ISSUE", "channels": [mine["id"]]},
            auth,
        )
    )["createAlertRule"]
    for query, variables, field, message in (
        (CREATE_CHANNEL, {"p": p, "kind": "WEBHOOK", "name": "h", "url": "ftp://x.example/"}, "url", "url: must be an http:// or https:// URL"),
        (CREATE_CHANNEL, {"p": p, "kind": "WEBHOOK", "name": "h"}, "url", "url: is required"),
        (CREATE_CHANNEL, {"p": p, "kind": "WEBHOOK", "name": "h", "url": HOOK, "secret": "short"}, "secret", "secret: must be 16 to 128 printable ASCII characters without spaces"),
        (CREATE_CHANNEL, {"p": p, "kind": "SLACK", "name": "s", "url": HOOK, "to": ["a@example.com"]}, "to", "to: is not a field of a slack channel"),
        (CREATE_CHANNEL, {"p": p, "kind": "EMAIL", "name": "e", "to": ["nobody"]}, "to", "to: 'nobody' is not an email address such as you@example.com"),
        (CREATE_CHANNEL, {"p": p, "kind": "EMAIL", "name": "", "to": ["a@example.com"]}, "name", "name: must not be empty"),
        (CREATE_RULE, {"p": p, "trigger": "NEW_ISSUE", "channels": [theirs["id"]]}, "channelIds", f"channelIds: channel {theirs['id']} is not a channel of this project"),
        (CREATE_RULE, {"p": p, "trigger": "NEW_ISSUE", "channels": ["x1"]}, "channelIds", "channelIds: each channel id must be an integer"),
        (CREATE_RULE, {"p": p, "trigger": "NEW_ISSUE", "channels": ["9" * 30]}, "channelIds", f"channelIds: channel {'9' * 20}... is not a channel of this project"),
        (CREATE_RULE, {"p": p, "trigger": "NEW_ISSUE", "channels": []}, "channelIds", "channelIds: must list 1 to 20 channels"),
        (CREATE_RULE, {"p": p, "trigger": "NEW_ISSUE", "channels": [mine["id"]], "throttle": 0}, "throttleMinutes", "throttleMinutes: must be an integer from 1 to 10080"),
        (CREATE_RULE, {"p": p, "trigger": "SPIKE", "channels": [mine["id"]], "threshold": 5}, "windowMinutes", "windowMinutes: is required for a spike rule"),
        (CREATE_RULE, {"p": p, "trigger": "REGRESSION", "channels": [mine["id"]], "window": 5}, "windowMinutes", "windowMinutes: is only for spike rules"),
        (UPDATE_RULE, {"p": p, "id": rule["id"], "trigger": "SPIKE", "threshold": 5}, "windowMinutes", "windowMinutes: is required for a spike rule"),
        (UPDATE_RULE, {"p": p, "id": rule["id"], "enabled": None}, "enabled", "enabled: must be true or false"),
        (UPDATE_RULE, {"p": p, "id": rule["id"], "channels": [theirs["id"]]}, "channelIds", f"channelIds: channel {theirs['id']} is not a channel of this project"),
    ):  # fmt: skip
        result = await execute(http, server, query, variables, auth)
        assert result["errors"][0]["message"] == message, variables
        assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert await AlertChannel.filter(project_id=project.id).count() == 1
    assert await AlertRule.filter(project_id=project.id).count() == 1
    stored = (await data(http, server, PROJECT, {"id": p}, auth))["project"]["alertRules"]
    assert [(r["trigger"], r["channelIds"], r["enabled"]) for r in stored] == [
        ("NEW_ISSUE", [mine["id"]], True)
    ]


async def test_other_projects_and_unknown_ids_are_not_found(http, server, auth):
    project = await projects.create_project("Alerts")
    other = await projects.create_project("Other")
    channel = await create_channel(http, server, auth, project.id)
    rule = (
        await data(
            http,
            server,
            CREATE_RULE,
            {"p": str(project.id), "trigger": "NEW_ISSUE", "channels": [channel["id"]]},
            auth,
        )
    )["createAlertRule"]
    o = str(other.id)
    for query, variables, message in (
        (UPDATE_RULE, {"p": o, "id": rule["id"], "enabled": False}, f"alert rule {rule['id']} not found in project {o}"),
        ("mutation($p: ID!, $id: ID!) { deleteAlertRule(projectId: $p, id: $id) }", {"p": o, "id": rule["id"]}, f"alert rule {rule['id']} not found in project {o}"),
        ("mutation($p: ID!, $id: ID!) { deleteChannel(projectId: $p, id: $id) }", {"p": o, "id": channel["id"]}, f"channel {channel['id']} not found in project {o}"),
        (CREATE_CHANNEL, {"p": "999999999", "kind": "SLACK", "name": "s", "url": HOOK}, "project 999999999 not found"),
        (CREATE_RULE, {"p": "99999999999999999999", "trigger": "NEW_ISSUE", "channels": ["1"]}, "project 99999999999999999999 not found"),
        (UPDATE_RULE, {"p": str(project.id), "id": "99999999999999999999", "enabled": True}, "alert rule 99999999999999999999 not found"),
    ):  # fmt: skip
        result = await execute(http, server, query, variables, auth)
        assert result["errors"][0]["message"] == message, variables
        assert result["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert (await AlertRule.get(id=int(rule["id"]))).enabled is True


async def test_alert_fields_need_authentication(http, server):
    project = await projects.create_project("Alerts")
    for query, variables in (
        (PROJECT, {"id": str(project.id)}),
        (CREATE_CHANNEL, {"p": str(project.id), "kind": "SLACK", "name": "s", "url": HOOK}),
        (CREATE_RULE, {"p": str(project.id), "trigger": "NEW_ISSUE", "channels": ["1"]}),
    ):
        result = await execute(http, server, query, variables)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        bad = await execute(http, server, query, variables, {"Authorization": "Bearer nope"})
        assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await AlertChannel.filter(project_id=project.id).count() == 0


DELIVERIES = """
query($id: ID!, $first: Int!, $after: String, $status: DeliveryStatus, $rule: ID) {
  project(id: $id) {
    deliveries(first: $first, after: $after, status: $status, ruleId: $rule) {
      edges { cursor node { id ruleId channelId issueId trigger status attempts lastError
                            createdAt sentAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def test_deliveries_page_newest_first_and_filter(http, server, auth):
    project = await projects.create_project("Alerts")
    channel = await AlertChannel.create(
        project_id=project.id, kind="slack", name="s", url="https://x.example/"
    )
    rule = await AlertRule.create(project_id=project.id, trigger="new_issue")
    at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    rows = [
        await AlertDelivery.create(
            project_id=project.id,
            rule_id=rule.id if i != 1 else None,
            channel_id=channel.id,
            trigger="new_issue" if i != 1 else "test",
            status="failed" if i == 2 else "sent",
            attempts=i,
            last_error="HTTP 410" if i == 2 else None,
            payload={},
            created_at=at,
            next_attempt_at=at,
            sent_at=None if i == 2 else at,
        )
        for i in range(3)
    ]
    variables = {"id": str(project.id), "first": 2}
    first = (await data(http, server, DELIVERIES, variables, auth))["project"]["deliveries"]
    assert [e["node"] for e in first["edges"]] == [
        {
            "id": str(rows[2].id),
            "ruleId": str(rule.id),
            "channelId": str(channel.id),
            "issueId": None,
            "trigger": "new_issue",
            "status": "FAILED",
            "attempts": 2,
            "lastError": "HTTP 410",
            "createdAt": "2026-11-02T08:30:00+00:00",
            "sentAt": None,
        },
        {
            "id": str(rows[1].id),
            "ruleId": None,
            "channelId": str(channel.id),
            "issueId": None,
            "trigger": "test",
            "status": "SENT",
            "attempts": 1,
            "lastError": None,
            "createdAt": "2026-11-02T08:30:00+00:00",
            "sentAt": "2026-11-02T08:30:00+00:00",
        },
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    after = {**variables, "after": first["pageInfo"]["endCursor"]}
    rest = (await data(http, server, DELIVERIES, after, auth))["project"]["deliveries"]
    assert [e["node"]["id"] for e in rest["edges"]] == [str(rows[0].id)]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    for filters, expected in (
        ({"status": "SENT"}, [rows[1], rows[0]]),
        ({"rule": str(rule.id)}, [rows[2], rows[0]]),
        ({"rule": str(rule.id), "status": "FAILED"}, [rows[2]]),
    ):
        found = await data(http, server, DELIVERIES, {**variables, "first": 10, **filters}, auth)
        edges = found["project"]["deliveries"]["edges"]
        assert [e["node"]["id"] for e in edges] == [str(r.id) for r in expected], filters
    for bad, field, message in (
        ({"first": 0}, "first", "first: must be an integer from 1 to 100"),
        ({"after": "nope"}, "after", "after: is not a cursor returned by this API"),
        ({"rule": "x"}, "ruleId", "ruleId: must be the id of an alert rule"),
    ):
        result = await execute(http, server, DELIVERIES, {**variables, **bad}, auth)
        assert result["errors"][0]["message"] == message
        assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


EVERY_PROJECT = (
    """{ projects { id channels { id name } alertRules { id channelIds channels { name } } } }"""
)


async def test_rules_and_channels_of_many_projects_cost_the_same_queries(http, server, auth):
    counts = {}
    await data(http, server, "{ projects { id } }", None, auth)  # token use recorded now
    for total in (1, 6):
        while len(await projects.all_projects()) < total:
            project = await projects.create_project(f"P{total}")
            channel = await create_channel(http, server, auth, project.id)
            await data(http, server, CREATE_RULE, {"p": str(project.id), "trigger": "NEW_ISSUE", "channels": [channel["id"]]}, auth)  # fmt: skip
        with recording() as counter:
            found = (await data(http, server, EVERY_PROJECT, None, auth))["projects"]
        assert [len(p["alertRules"][0]["channels"]) for p in found] == [1] * total
        counts[total] = counter.count
    # Projects, their channels, their rules, the rules' channel ids, those channels (the
    # token is cached).
    assert counts == {1: 5, 6: 5}
