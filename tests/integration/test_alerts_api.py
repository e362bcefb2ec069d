"""Alert management over REST: channels, rules, the delivery log; their errors and isolation."""

from __future__ import annotations

import asyncio
import re

from app.alerts.service import MAX_CHANNELS, MAX_RULES
from app.projects import service as projects
from models import AlertChannel, AlertRule

ISO = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")
HOOK = "https://hooks.example.com/faultline"


async def post(http, url, body, auth, status=201):
    async with http.post(url, json=body, headers=auth) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def get(http, url, auth, status=200):
    async with http.get(url, headers=auth) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def new_channel(http, server, auth, project_id, **body):
    fields = {"kind": "webhook", "name": "hook", "url": HOOK, **body}
    return await post(http, server(f"/api/projects/{project_id}/channels"), fields, auth)


async def test_a_webhook_channel_shows_its_generated_secret_once(http, server, auth):
    project = await projects.create_project("Alerts")
    url = server(f"/api/projects/{project.id}/channels")
    created = await post(http, url, {"kind": "webhook", "name": " Ops hook ", "url": HOOK}, auth)
    stored = await AlertChannel.get(id=created["id"])
    assert re.fullmatch(r"[0-9a-f]{64}", created["secret"])
    assert stored.secret == created["secret"]
    assert ISO.fullmatch(created["created_at"])
    assert created == {
        "id": stored.id,
        "kind": "webhook",
        "name": "Ops hook",
        "url": HOOK,
        "to": None,
        "created_at": created["created_at"],
        "secret": stored.secret,
    }
    listed = (await get(http, url, auth))["data"]
    assert listed == [{k: v for k, v in created.items() if k != "secret"}]


async def test_channels_of_each_kind_are_listed_oldest_first_without_secrets(http, server, auth):
    project = await projects.create_project("Alerts")
    url = server(f"/api/projects/{project.id}/channels")
    own = "s3cret-of-sixteen+chars"
    hook = await post(http, url, {"kind": "webhook", "name": "h", "url": HOOK, "secret": own}, auth)
    assert hook["secret"] == own
    slack_url = "https://hooks.slack.com/services/T0/B0/abc"
    slack = await post(http, url, {"kind": "slack", "name": "s", "url": slack_url}, auth)
    assert "secret" not in slack
    to = ["ops@example.com", "Dev.Team+alerts@mail.example.org"]
    email = await post(http, url, {"kind": "email", "name": "e", "to": to}, auth)
    assert (email["url"], email["to"], "secret" in email) == (None, to, False)
    listed = (await get(http, url, auth))["data"]
    assert [(c["id"], c["kind"], c["url"], c["to"]) for c in listed] == [
        (hook["id"], "webhook", HOOK, None),
        (slack["id"], "slack", slack_url, None),
        (email["id"], "email", None, to),
    ]
    assert all("secret" not in c for c in listed)
    assert own not in str(listed)


async def test_a_channel_is_deleted_once_and_only_through_its_project(http, server, auth):
    mine = await projects.create_project("Mine")
    other = await projects.create_project("Other")
    channel = await new_channel(http, server, auth, mine.id)
    wrong = server(f"/api/projects/{other.id}/channels/{channel['id']}")
    async with http.delete(wrong, headers=auth) as r:
        assert r.status == 404
        assert await r.json() == {
            "error": f"channel {channel['id']} not found in project {other.id}"
        }
    right = server(f"/api/projects/{mine.id}/channels/{channel['id']}")
    async with http.delete(right, headers=auth) as r:
        assert r.status == 204
    assert not await AlertChannel.exists(id=channel["id"])
    async with http.delete(right, headers=auth) as r:
        assert r.status == 404
    assert (await get(http, server(f"/api/projects/{other.id}/channels"), auth)) == {"data": []}


async def test_a_channel_a_rule_sends_to_cannot_be_deleted(http, server, auth):
    project = await projects.create_project("Alerts")
    channel = await new_channel(http, server, auth, project.id)
    rules = server(f"/api/projects/{project.id}/alert-rules")
    rule = await post(http, rules, {"trigger": "new_issue", "channel_ids": [channel["id"]]}, auth)
    url = server(f"/api/projects/{project.id}/channels/{channel['id']}")
    async with http.delete(url, headers=auth) as r:
        assert r.status == 400
        assert await r.json() == {
            "error": f"channel {channel['id']} is used by alert rule(s) {rule['id']}; "
            "remove it from them or delete them first"
        }
    async with http.delete(f"{rules}/{rule['id']}", headers=auth) as r:
        assert r.status == 204
    async with http.delete(url, headers=auth) as r:
        assert r.status == 204


async def test_invalid_channels_are_refused_naming_the_field(http, server, auth):
    project = await projects.create_project("Alerts")
    url = server(f"/api/projects/{project.id}/channels")
    long_url = "https://x.example/" + "a" * 2031
    addresses = [f"u{i}@example.com" for i in range(21)]
    hook = {"kind": "webhook", "name": "h", "url": HOOK}
    for body, field, problem in (
        ({}, "kind", "is required: one of webhook, slack, email"),
        ({"kind": "sms", "name": "x"}, "kind", "must be one of webhook, slack, email"),
        ({"kind": ["webhook"]}, "kind", "must be one of webhook, slack, email"),
        ({"kind": "webhook", "url": HOOK}, "name", "is required"),
        ({**hook, "name": 7}, "name", "must be a string"),
        ({**hook, "name": "   "}, "name", "must not be empty"),
        ({**hook, "name": "n" * 201}, "name", "must be at most 200 characters"),
        ({**hook, "name": "a\nb"}, "name", "must not contain control characters"),
        ({"kind": "webhook", "name": "h"}, "url", "is required"),
        ({**hook, "url": 5}, "url", "must be a string"),
        ({**hook, "url": "ftp://x.example/"}, "url", "must be an http:// or https:// URL"),
        ({**hook, "url": "file:///etc/passwd"}, "url", "must be an http:// or https:// URL"),
        ({**hook, "url": "https://u:p@x.example/"}, "url", "must not contain credentials (user:password@)"),
        ({**hook, "url": "https://u@x.example/"}, "url", "must not contain credentials (user:password@)"),
        ({**hook, "url": "https:///path"}, "url", "must name a host"),
        ({**hook, "url": "https://x.example:99999/"}, "url", "is not a valid URL"),
        ({**hook, "url": "https://x.example/a b"}, "url", "must be ASCII without spaces (percent-encode the rest)"),
        ({**hook, "url": "https://exämple.com/"}, "url", "must be ASCII without spaces (percent-encode the rest)"),
        ({**hook, "url": long_url}, "url", "must be at most 2048 characters"),
        ({**hook, "secret": "short"}, "secret", "must be 16 to 128 printable ASCII characters without spaces"),
        ({**hook, "secret": "x" * 129}, "secret", "must be 16 to 128 printable ASCII characters without spaces"),
        ({**hook, "secret": "with a space in it!"}, "secret", "must be 16 to 128 printable ASCII characters without spaces"),
        ({**hook, "secret": 1234567890123456}, "secret", "must be a string"),
        ({**hook, "to": ["a@example.com"]}, "to", "is not a field of a webhook channel"),
        ({"kind": "slack", "name": "s", "url": HOOK, "secret": "x" * 16}, "secret", "is not a field of a slack channel"),
        ({"kind": "email", "name": "e", "url": HOOK}, "url", "is not a field of a email channel"),
        ({"kind": "email", "name": "e"}, "to", "is required: a list of email addresses"),
        ({"kind": "email", "name": "e", "to": "a@example.com"}, "to", "must be a list of email addresses"),
        ({"kind": "email", "name": "e", "to": []}, "to", "must list 1 to 20 addresses"),
        ({"kind": "email", "name": "e", "to": addresses}, "to", "must list 1 to 20 addresses"),
        ({"kind": "email", "name": "e", "to": [1]}, "to", "each address must be a string"),
        ({"kind": "email", "name": "e", "to": ["nobody"]}, "to", "'nobody' is not an email address such as you@example.com"),
        ({"kind": "email", "name": "e", "to": ["a@b@example.com"]}, "to", "'a@b@example.com' is not an email address such as you@example.com"),
        ({"kind": "email", "name": "e", "to": ["a@example.com\r\nBcc: x@evil.example"]}, "to", "'a@example.com\\r\\nBcc: x@evil.example' is not an email address such as you@example.com"),
        ({"kind": "email", "name": "e", "to": ["a@" + "b" * 260 + ".com"]}, "to", f"'a@{'b' * 58}...' is longer than 254 characters"),
        ({"kind": "email", "name": "e", "to": ["a@x.example", "A@x.example"]}, "to", "lists an address twice"),
        ({**hook, "colour": "red"}, "colour", "is not a field of a channel; expected: kind, name, url, secret, to"),
    ):  # fmt: skip
        async with http.post(url, json=body, headers=auth) as r:
            assert r.status == 400, body
            assert await r.json() == {"error": f"{field}: {problem}", "field": field}, body
    assert await AlertChannel.filter(project_id=project.id).count() == 0


async def test_a_project_holds_at_most_a_hundred_channels(http, server, auth):
    project = await projects.create_project("Alerts")
    await AlertChannel.bulk_create(
        [
            AlertChannel(project_id=project.id, kind="slack", name=f"c{i}", url=HOOK)
            for i in range(MAX_CHANNELS)
        ]
    )
    url = server(f"/api/projects/{project.id}/channels")
    async with http.post(
        url, json={"kind": "slack", "name": "one more", "url": HOOK}, headers=auth
    ) as r:
        assert r.status == 400
        assert await r.json() == {
            "error": f"project {project.id} has 100 channels, the most it may have; "
            "delete one first"
        }
    assert len((await get(http, url, auth))["data"]) == 100


async def test_rules_are_created_read_changed_and_deleted(http, server, auth):
    project = await projects.create_project("Alerts")
    a = await new_channel(http, server, auth, project.id, name="a")
    b = await new_channel(http, server, auth, project.id, name="b")
    rules = server(f"/api/projects/{project.id}/alert-rules")
    created = await post(
        http, rules, {"trigger": "new_issue", "channel_ids": [b["id"], a["id"]]}, auth
    )
    assert ISO.fullmatch(created["created_at"])
    assert created == {
        "id": created["id"],
        "trigger": "new_issue",
        "channel_ids": sorted([a["id"], b["id"]]),
        "throttle_minutes": 30,
        "threshold": None,
        "window_minutes": None,
        "enabled": True,
        "created_at": created["created_at"],
    }
    spike = await post(
        http,
        rules,
        {
            "trigger": "spike",
            "channel_ids": [a["id"]],
            "threshold": 100,
            "window_minutes": 5,
            "throttle_minutes": 60,
            "enabled": False,
        },
        auth,
    )
    assert (spike["threshold"], spike["window_minutes"], spike["throttle_minutes"]) == (100, 5, 60)
    assert spike["enabled"] is False
    assert (await get(http, rules, auth))["data"] == [created, spike]
    assert await get(http, f"{rules}/{created['id']}", auth) == created

    async with http.patch(
        f"{rules}/{created['id']}", json={"enabled": False, "channel_ids": [b["id"]]}, headers=auth
    ) as r:
        assert r.status == 200
        changed = await r.json()
    assert changed == {**created, "enabled": False, "channel_ids": [b["id"]]}
    assert await get(http, f"{rules}/{created['id']}", auth) == changed
    stored = await AlertRule.get(id=created["id"])
    assert [c.id for c in await stored.channels.all()] == [b["id"]]

    # Into a spike rule and back: leaving spike drops its threshold and window.
    to_spike = {"trigger": "spike", "threshold": 3, "window_minutes": 10}
    async with http.patch(f"{rules}/{created['id']}", json=to_spike, headers=auth) as r:
        assert (await r.json())["threshold"] == 3
    async with http.patch(
        f"{rules}/{created['id']}", json={"trigger": "regression"}, headers=auth
    ) as r:
        back = await r.json()
    assert (back["trigger"], back["threshold"], back["window_minutes"]) == (
        "regression",
        None,
        None,
    )

    async with http.delete(f"{rules}/{created['id']}", headers=auth) as r:
        assert r.status == 204
    async with http.get(f"{rules}/{created['id']}", headers=auth) as r:
        assert r.status == 404
        assert await r.json() == {
            "error": f"alert rule {created['id']} not found in project {project.id}"
        }
    assert [rule["id"] for rule in (await get(http, rules, auth))["data"]] == [spike["id"]]


async def test_invalid_rules_are_refused_naming_the_field(http, server, auth):
    project = await projects.create_project("Alerts")
    other = await projects.create_project("Other")
    mine = await new_channel(http, server, auth, project.id)
    theirs = await new_channel(http, server, auth, other.id)
    rules = server(f"/api/projects/{project.id}/alert-rules")
    ok = {"trigger": "new_issue", "channel_ids": [mine["id"]]}
    spike = {"trigger": "spike", "channel_ids": [mine["id"]], "threshold": 5, "window_minutes": 5}
    for body, field, problem in (
        ({"channel_ids": [mine["id"]]}, "trigger", "is required: one of new_issue, regression, spike"),
        ({**ok, "trigger": "resolved"}, "trigger", "must be one of new_issue, regression, spike"),
        ({"trigger": "new_issue"}, "channel_ids", "is required: a list of channel ids"),
        ({**ok, "channel_ids": mine["id"]}, "channel_ids", "must be a list of channel ids"),
        ({**ok, "channel_ids": []}, "channel_ids", "must list 1 to 20 channels"),
        ({**ok, "channel_ids": list(range(1, 22))}, "channel_ids", "must list 1 to 20 channels"),
        ({**ok, "channel_ids": [str(mine["id"])]}, "channel_ids", "each channel id must be an integer"),
        ({**ok, "channel_ids": [True]}, "channel_ids", "each channel id must be an integer"),
        ({**ok, "channel_ids": [mine["id"], mine["id"]]}, "channel_ids", f"lists channel {mine['id']} twice"),
        ({**ok, "channel_ids": [theirs["id"]]}, "channel_ids", f"channel {theirs['id']} is not a channel of this project"),
        ({**ok, "channel_ids": [mine["id"], 2**63]}, "channel_ids", f"channel {2**63} is not a channel of this project"),
        ({**ok, "channel_ids": [-1]}, "channel_ids", "channel -1 is not a channel of this project"),
        ({**ok, "throttle_minutes": 0}, "throttle_minutes", "must be an integer from 1 to 10080"),
        ({**ok, "throttle_minutes": 10081}, "throttle_minutes", "must be an integer from 1 to 10080"),
        ({**ok, "throttle_minutes": 1.5}, "throttle_minutes", "must be an integer from 1 to 10080"),
        ({**ok, "throttle_minutes": "30"}, "throttle_minutes", "must be an integer from 1 to 10080"),
        ({**ok, "enabled": "yes"}, "enabled", "must be true or false"),
        ({**ok, "threshold": 5}, "threshold", "is only for spike rules"),
        ({**ok, "window_minutes": 5}, "window_minutes", "is only for spike rules"),
        ({**spike, "threshold": None}, "threshold", "is required for a spike rule"),
        ({"trigger": "spike", "channel_ids": [mine["id"]], "threshold": 5}, "window_minutes", "is required for a spike rule"),
        ({**spike, "threshold": 0}, "threshold", "must be an integer from 1 to 1000000"),
        ({**spike, "threshold": 1_000_001}, "threshold", "must be an integer from 1 to 1000000"),
        ({**spike, "window_minutes": 1441}, "window_minutes", "must be an integer from 1 to 1440"),
        ({**ok, "name": "mine"}, "name", "is not a field of an alert rule; expected: trigger, channel_ids, throttle_minutes, threshold, window_minutes, enabled"),
    ):  # fmt: skip
        async with http.post(rules, json=body, headers=auth) as r:
            assert r.status == 400, body
            assert await r.json() == {"error": f"{field}: {problem}", "field": field}, body
    assert await AlertRule.filter(project_id=project.id).count() == 0
    # `threshold: null` on a rule that is not a spike is the same as leaving it out.
    created = await post(http, rules, {**ok, "threshold": None, "window_minutes": None}, auth)
    assert created["threshold"] is None


async def test_invalid_rule_changes_change_nothing(http, server, auth):
    project = await projects.create_project("Alerts")
    other = await projects.create_project("Other")
    mine = await new_channel(http, server, auth, project.id)
    theirs = await new_channel(http, server, auth, other.id)
    rules = server(f"/api/projects/{project.id}/alert-rules")
    rule = await post(http, rules, {"trigger": "new_issue", "channel_ids": [mine["id"]]}, auth)
    url = f"{rules}/{rule['id']}"
    for body, status, error in (
        ({}, 400, {"error": "body must name a field to change: trigger, channel_ids, "
                   "throttle_minutes, threshold, window_minutes, enabled"}),
        ({"trigger": "spike"}, 400, {"error": "threshold: is required for a spike rule", "field": "threshold"}),
        ({"trigger": "spike", "threshold": 2}, 400, {"error": "window_minutes: is required for a spike rule", "field": "window_minutes"}),
        ({"enabled": False, "channel_ids": [theirs["id"]]}, 400, {"error": f"channel_ids: channel {theirs['id']} is not a channel of this project", "field": "channel_ids"}),
        ({"enabled": None}, 400, {"error": "enabled: must be true or false", "field": "enabled"}),
        ({"id": 5}, 400, {"error": "id: is not a field of an alert rule; expected: trigger, channel_ids, throttle_minutes, threshold, window_minutes, enabled", "field": "id"}),
    ):  # fmt: skip
        async with http.patch(url, json=body, headers=auth) as r:
            assert (r.status, await r.json()) == (status, error), body
    assert await get(http, url, auth) == rule
    # Through another project the rule is not found, and stays as it was.
    elsewhere = server(f"/api/projects/{other.id}/alert-rules/{rule['id']}")
    for method in ("GET", "PATCH", "DELETE"):
        async with http.request(method, elsewhere, json={"enabled": False}, headers=auth) as r:
            assert r.status == 404, method
            assert await r.json() == {
                "error": f"alert rule {rule['id']} not found in project {other.id}"
            }
    assert await get(http, url, auth) == rule


async def test_a_project_holds_at_most_a_hundred_rules(http, server, auth):
    project = await projects.create_project("Alerts")
    channel = await new_channel(http, server, auth, project.id)
    await AlertRule.bulk_create(
        [AlertRule(project_id=project.id, trigger="new_issue") for _ in range(MAX_RULES)]
    )
    url = server(f"/api/projects/{project.id}/alert-rules")
    body = {"trigger": "regression", "channel_ids": [channel["id"]]}
    async with http.post(url, json=body, headers=auth) as r:
        assert r.status == 400
        assert await r.json() == {
            "error": f"project {project.id} has 100 alert rules, the most it may have; "
            "delete one first"
        }


async def test_unknown_projects_and_ids_are_not_found(http, server, auth):
    project = await projects.create_project("Alerts")
    missing = project.id + 1000
    for method, path, error in (
        ("GET", f"/api/projects/{missing}/channels", f"project {missing} not found"),
        ("POST", f"/api/projects/{missing}/channels", f"project {missing} not found"),
        ("DELETE", f"/api/projects/{missing}/channels/1", f"project {missing} not found"),
        ("GET", f"/api/projects/{missing}/alert-rules", f"project {missing} not found"),
        ("POST", f"/api/projects/{missing}/alert-rules", f"project {missing} not found"),
        ("GET", f"/api/projects/{missing}/alert-rules/1", f"project {missing} not found"),
        ("PATCH", f"/api/projects/{missing}/alert-rules/1", f"project {missing} not found"),
        ("DELETE", f"/api/projects/{missing}/alert-rules/1", f"project {missing} not found"),
        ("GET", f"/api/projects/{missing}/deliveries", f"project {missing} not found"),
        ("GET", "/api/projects/99999999999999999999/channels", "project 99999999999999999999 not found"),
        ("DELETE", f"/api/projects/{project.id}/channels/99999999999999999999", "channel 99999999999999999999 not found"),
        ("GET", f"/api/projects/{project.id}/alert-rules/0099999999999999999999", "alert rule 99999999999999999999 not found"),
        ("DELETE", f"/api/projects/{project.id}/channels/12345", f"channel 12345 not found in project {project.id}"),
        ("DELETE", f"/api/projects/{project.id}/alert-rules/12345", f"alert rule 12345 not found in project {project.id}"),
    ):  # fmt: skip
        body = {"kind": "slack", "name": "s", "url": HOOK}
        if "alert-rules" in path:
            body = {"trigger": "new_issue", "channel_ids": [1]}
        if method == "PATCH":
            body = {"enabled": False}
        async with http.request(method, server(path), json=body, headers=auth) as r:
            assert r.status == 404, path
            assert await r.json() == {"error": error}, path


async def test_every_route_needs_an_api_token(http, server, auth):
    project = await projects.create_project("Alerts")
    base = f"/api/projects/{project.id}"
    for method, path in (
        ("GET", "/channels"),
        ("POST", "/channels"),
        ("DELETE", "/channels/1"),
        ("GET", "/alert-rules"),
        ("POST", "/alert-rules"),
        ("GET", "/alert-rules/1"),
        ("PATCH", "/alert-rules/1"),
        ("DELETE", "/alert-rules/1"),
        ("GET", "/deliveries"),
    ):
        for headers, error in (
            ({}, "missing Authorization: Bearer <token> header"),
            ({"Authorization": "Bearer nope"}, "invalid API token"),
            ({"Authorization": "Basic abc"}, "Authorization header must be 'Bearer <token>'"),
        ):
            body = {"kind": "slack", "name": "s", "url": HOOK}
            async with http.request(method, server(base + path), json=body, headers=headers) as r:
                assert r.status == 401, (method, path)
                assert await r.json() == {"error": error}
    assert await AlertChannel.filter(project_id=project.id).count() == 0


async def test_concurrent_creations_stop_exactly_at_the_bound(http, server, auth):
    project = await projects.create_project("Alerts")
    await AlertChannel.bulk_create(
        [
            AlertChannel(project_id=project.id, kind="slack", name=f"c{i}", url=HOOK)
            for i in range(MAX_CHANNELS - 1)
        ]
    )
    url = server(f"/api/projects/{project.id}/channels")

    async def create(i: int) -> int:
        body = {"kind": "slack", "name": f"racer {i}", "url": HOOK}
        async with http.post(url, json=body, headers=auth) as r:
            return r.status

    statuses = await asyncio.gather(*(create(i) for i in range(6)))
    assert sorted(statuses) == [201, 400, 400, 400, 400, 400]
    assert await AlertChannel.filter(project_id=project.id).count() == MAX_CHANNELS


async def test_a_deleted_projects_alerts_are_not_found(http, server, auth):
    project = await projects.create_project("Going")
    channel = await new_channel(http, server, auth, project.id)
    await projects.delete_project(project.id)
    base = f"/api/projects/{project.id}"
    gone = {"error": f"project {project.id} not found"}
    for path in ("/channels", "/alert-rules", "/deliveries"):
        assert await get(http, server(base + path), auth, status=404) == gone
    rule = {"trigger": "new_issue", "channel_ids": [channel["id"]]}
    assert await post(http, server(base + "/alert-rules"), rule, auth, status=404) == gone
