"""The delivery log over REST: newest first, keyset pages, filters; rows written here directly
(the engine writes them in production)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.pagination import encode_cursor, order_of
from app.projects import service as projects
from models import AlertChannel, AlertDelivery, AlertRule, DeliveryStatus, Issue, Project

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def seeded(name: str) -> tuple[Project, AlertRule, AlertChannel, list[AlertDelivery]]:
    """A project with a rule, a channel and five deliveries: pending, sent, failed, sent, test."""
    project = await projects.create_project(name)
    channel = await AlertChannel.create(
        project_id=project.id, kind="webhook", name="h", url="https://x.example/", secret="s" * 32
    )
    rule = await AlertRule.create(project_id=project.id, trigger="new_issue")
    await rule.channels.add(channel)
    rows = []
    for i, (status, trigger) in enumerate(
        [
            (DeliveryStatus.PENDING, "new_issue"),
            (DeliveryStatus.SENT, "new_issue"),
            (DeliveryStatus.FAILED, "new_issue"),
            (DeliveryStatus.SENT, "regression"),
            (DeliveryStatus.SENT, "test"),
        ]
    ):
        at = T0 + timedelta(minutes=i)
        rows.append(
            await AlertDelivery.create(
                project_id=project.id,
                rule_id=None if trigger == "test" else rule.id,
                channel_id=channel.id,
                trigger=trigger,
                status=status,
                attempts=0 if status is DeliveryStatus.PENDING else 1 + i,
                last_error="HTTP 404 from x.example" if status is DeliveryStatus.FAILED else None,
                payload={"n": i},
                created_at=at,
                next_attempt_at=at,
                sent_at=at + timedelta(seconds=1) if status is DeliveryStatus.SENT else None,
            )
        )
    return project, rule, channel, rows


async def test_deliveries_are_listed_newest_first_in_keyset_pages(http, server, auth):
    project, rule, channel, rows = await seeded("Alerts")
    await seeded("Other")  # never listed with the first project's
    url = server(f"/api/projects/{project.id}/deliveries")
    async with http.get(url, params={"limit": "2"}, headers=auth) as r:
        assert r.status == 200
        first = await r.json()
    assert first["data"][0] == {
        "id": rows[4].id,
        "rule_id": None,
        "channel_id": channel.id,
        "issue_id": None,
        "trigger": "test",
        "status": "sent",
        "attempts": 5,
        "last_error": None,
        "created_at": "2026-11-01T12:04:00Z",
        "sent_at": "2026-11-01T12:04:01Z",
    }
    assert [d["id"] for d in first["data"]] == [rows[4].id, rows[3].id]
    seen = [d["id"] for d in first["data"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        async with http.get(url, params={"limit": "2", "cursor": cursor}, headers=auth) as r:
            page = await r.json()
        seen += [d["id"] for d in page["data"]]
        cursor = page["next_cursor"]
    assert seen == [row.id for row in reversed(rows)]
    failed = next(
        d
        for d in (await (await http.get(url, headers=auth)).json())["data"]
        if d["status"] == "failed"
    )
    assert (failed["rule_id"], failed["last_error"], failed["sent_at"]) == (
        rule.id,
        "HTTP 404 from x.example",
        None,
    )


async def test_deliveries_filter_by_status_and_rule(http, server, auth):
    project, rule, _, rows = await seeded("Alerts")
    url = server(f"/api/projects/{project.id}/deliveries")
    for params, expected in (
        ({"status": "sent"}, [rows[4], rows[3], rows[1]]),
        ({"status": "pending"}, [rows[0]]),
        ({"status": "failed"}, [rows[2]]),
        ({"rule_id": str(rule.id)}, [rows[3], rows[2], rows[1], rows[0]]),
        ({"rule_id": str(rule.id), "status": "sent"}, [rows[3], rows[1]]),
        ({"rule_id": str(rule.id + 1000)}, []),
    ):
        async with http.get(url, params=params, headers=auth) as r:
            assert r.status == 200
            assert [d["id"] for d in (await r.json())["data"]] == [row.id for row in expected]


async def test_a_deleted_rule_leaves_its_deliveries_in_the_log(http, server, auth):
    project, rule, _, rows = await seeded("Alerts")
    async with http.delete(
        server(f"/api/projects/{project.id}/alert-rules/{rule.id}"), headers=auth
    ) as r:
        assert r.status == 204
    async with http.get(server(f"/api/projects/{project.id}/deliveries"), headers=auth) as r:
        listed = (await r.json())["data"]
    assert [(d["id"], d["rule_id"]) for d in listed] == [(row.id, None) for row in reversed(rows)]


async def test_bad_delivery_queries_are_refused_naming_the_parameter(http, server, auth):
    project, _, _, _ = await seeded("Alerts")
    url = server(f"/api/projects/{project.id}/deliveries")
    issues_cursor = encode_cursor(order_of(Issue, ("id",), descending=True), [5])
    for params, field, problem in (
        ({"status": "lost"}, "status", "must be one of pending, sent, failed"),
        ({"rule_id": "abc"}, "rule_id", "must be the id of an alert rule"),
        ({"rule_id": "99999999999999999999"}, "rule_id", "must be the id of an alert rule"),
        ({"limit": "0"}, "limit", "must be an integer from 1 to 100"),
        ({"limit": "101"}, "limit", "must be an integer from 1 to 100"),
        ({"cursor": "!!"}, "cursor", "is not a cursor returned by this API"),
        ({"status": ["sent", "failed"]}, "status", "must be given at most once"),
        (
            {"cursor": issues_cursor},
            "cursor",
            "was made for another sort, direction or list; start again without it",
        ),
    ):
        query = [(k, v) for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs)]
        async with http.get(url, params=query, headers=auth) as r:
            assert r.status == 400, params
            assert await r.json() == {"error": f"{field}: {problem}", "field": field}, params
