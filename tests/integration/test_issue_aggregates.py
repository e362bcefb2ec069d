"""Per-issue aggregates kept by ingestion: frequency, tags, environments, releases.

Events go in through the real envelope endpoint of a server whose clock the test sets, carrying
their own timestamps; the aggregates are read through the service and the REST routes.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from tortoise import connections

from app.ingest import tallies
from app.issues import aggregates
from app.issues.aggregates import Bucket, Period, TagSummary, TagValue
from models import Issue, IssueHourly, IssueTag, IssueTagKey
from tests.conftest import free_port, recreate_pg_database
from tests.integration.dedicated import Dedicated, FakeClock, dedicated_server
from tests.integration.processes import REPO, faultline_env, start_server, stop
from tests.integration.sentry import SentryProject, event_envelope, exception_event, new_project
from tests.integration.test_processes import count, create_project

HOUR = 3600
DAY = 24 * HOUR
# 2026-11-20 10:30:00 UTC: half past an hour, so events an hour apart fall in separate buckets.
T = 1_795_170_600


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


async def send(
    http: Any, dedicated: Dedicated, project: SentryProject, status: int = 200, **event: Any
) -> None:
    body = event_envelope(exception_event(**event))
    async with http.post(
        dedicated.server(f"/api/{project.id}/envelope/"), data=body, headers=project.auth
    ) as resp:
        assert resp.status == status, await resp.text()


async def hourly_rows(issue_id: int) -> list[tuple[int, int]]:
    return sorted(await IssueHourly.filter(issue_id=issue_id).values_list("hour", "count"))


def counts(buckets: list[Bucket]) -> list[int]:
    return [b.count for b in buckets]


async def test_frequency_counts_events_per_hour_and_per_utc_day(http, database_url, server):
    assert at(T) == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    project = await new_project(server)
    # Seconds from T -> events at that moment.
    moments = {
        0: 3,
        50: 1,  # a little ahead of the server's clock: accepted as it is
        -HOUR: 2,
        -23 * HOUR: 1,
        -24 * HOUR: 1,
        -25 * HOUR: 1,
        -10 * DAY: 4,
        -29 * DAY - 5 * HOUR: 1,
        -30 * DAY: 1,  # the oldest timestamp kept as sent; a day before the month's first
    }
    async with dedicated_server(database_url, clock=FakeClock(T)) as dedicated:
        for offset, n in moments.items():
            for _ in range(n):
                await send(http, dedicated, project, timestamp=T + offset)
    issue = await Issue.get(project_id=project.id)
    assert issue.event_count == 15

    day = await aggregates.frequency(issue.id, Period.DAY, at(T))
    assert [b.start for b in day] == [at(T - 1800 - h * HOUR) for h in range(23, -1, -1)]
    assert counts(day) == [1] + [0] * 21 + [2, 4]

    month = await aggregates.frequency(issue.id, Period.MONTH, at(T))
    midnight = T - 10 * HOUR - 1800
    assert [b.start for b in month] == [at(midnight - d * DAY) for d in range(29, -1, -1)]
    assert counts(month) == [1] + [0] * 18 + [4] + [0] * 8 + [3, 6]
    # Later, the same rows answer for another window.
    later = await aggregates.frequency(issue.id, Period.DAY, at(T + 2 * HOUR))
    assert counts(later) == [0] * 20 + [2, 4, 0, 0]


async def test_frequency_and_tags_over_rest(http, server, auth):
    project = await new_project(server)
    now = float(int(time.time()))
    async with http.post(
        project.envelope_url,
        data=event_envelope(
            exception_event(timestamp=now, environment="production", tags={"browser": "Chrome"})
        ),
        headers=project.auth,
    ) as resp:
        assert resp.status == 200
    issue = await Issue.get(project_id=project.id)
    event_hour = int(now) // HOUR * HOUR
    for period, width in (("day", HOUR), ("month", DAY)):
        async with http.get(
            server(f"/api/issues/{issue.id}/frequency?period={period}"), headers=auth
        ) as resp:
            assert resp.status == 200
            body = await resp.json()
        assert body["period"] == period
        assert len(body["buckets"]) == (24 if period == "day" else 30)
        bucket = at(event_hour // width * width).isoformat().replace("+00:00", "Z")
        assert {b["start"]: b["count"] for b in body["buckets"] if b["count"]} == {bucket: 1}
    async with http.get(server(f"/api/issues/{issue.id}/frequency"), headers=auth) as resp:
        assert (await resp.json())["period"] == "day"
    async with http.get(server(f"/api/issues/{issue.id}/tags"), headers=auth) as resp:
        assert resp.status == 200
        stamp = at(now).isoformat().replace("+00:00", "Z")
        value = {"count": 1, "first_seen": stamp, "last_seen": stamp}
        assert await resp.json() == {
            "data": [
                {
                    "key": "browser",
                    "total": 1,
                    "distinct": 1,
                    "other": 0,
                    "top_values": [{"value": "Chrome", **value}],
                },
                {
                    "key": "environment",
                    "total": 1,
                    "distinct": 1,
                    "other": 0,
                    "top_values": [{"value": "production", **value}],
                },
            ]
        }


async def test_tag_values_environments_and_releases(http, database_url, server, auth):
    project = await new_project(server)
    other = await new_project(server, "Other")
    events = [
        {
            "environment": "production",
            "release": "1.0",
            "tags": {"browser": "Chrome", "region": "eu"},
        },
        {
            "environment": "production",
            "release": "1.1",
            "tags": {"browser": "Chrome", "region": "us"},
        },
        {"environment": "staging", "release": "1.1", "tags": {"browser": "Firefox"}},
        # Tags named like the reserved keys are not counted: the event's own fields are.
        {"tags": {"browser": "Chrome", "environment": "fake", "release": "fake"}},
    ]
    async with dedicated_server(database_url, clock=FakeClock(T)) as dedicated:
        for i, event in enumerate(events):
            await send(http, dedicated, project, timestamp=T - 100 + i, **event)
        # Many at once: one batch holds several events of one issue.
        await asyncio.gather(
            *(
                send(
                    http,
                    dedicated,
                    other,
                    timestamp=T,
                    environment="production",
                    tags={"n": str(i % 3)},
                )
                for i in range(12)
            )
        )
    issue = await Issue.get(project_id=project.id)
    other_issue = await Issue.get(project_id=other.id)

    def value(name: str, count: int, first: int, last: int) -> TagValue:
        return TagValue(name, count, at(T - 100 + first), at(T - 100 + last))

    expected = [
        TagSummary("browser", 4, 2, 0, [value("Chrome", 3, 0, 3), value("Firefox", 1, 2, 2)]),
        TagSummary(
            "environment", 3, 2, 0, [value("production", 2, 0, 1), value("staging", 1, 2, 2)]
        ),
        TagSummary("region", 2, 2, 0, [value("eu", 1, 0, 0), value("us", 1, 1, 1)]),
        TagSummary("release", 3, 2, 0, [value("1.1", 2, 1, 2), value("1.0", 1, 0, 0)]),
    ]
    found = await aggregates.tag_values([issue.id, other_issue.id, 0])
    assert found[issue.id] == expected
    assert found[0] == []
    n = [TagValue(str(i), 4, at(T), at(T)) for i in range(3)]
    production = TagValue("production", 12, at(T), at(T))
    assert found[other_issue.id] == [
        TagSummary("environment", 12, 1, 0, [production]),
        TagSummary("n", 12, 3, 0, n),
    ]
    top = await aggregates.tag_values([issue.id], ["release", "browser"], top=1)
    assert top[issue.id] == [
        TagSummary("browser", 4, 2, 0, [value("Chrome", 3, 0, 3)]),
        TagSummary("release", 3, 2, 0, [value("1.1", 2, 1, 2)]),
    ]
    assert await aggregates.environments([issue.id, other_issue.id, 0]) == {
        issue.id: ["production", "staging"],
        other_issue.id: ["production"],
        0: [],
    }
    assert await aggregates.releases([issue.id, other_issue.id]) == {
        issue.id: ["1.1", "1.0"],
        other_issue.id: [],
    }
    async with http.get(
        server(f"/api/issues/{issue.id}/tags?key=release&top=1"), headers=auth
    ) as resp:
        assert resp.status == 200
        assert await resp.json() == {
            "data": [
                {
                    "key": "release",
                    "total": 3,
                    "distinct": 2,
                    "other": 0,
                    "top_values": [
                        {
                            "value": "1.1",
                            "count": 2,
                            "first_seen": "2026-11-20T10:28:21Z",
                            "last_seen": "2026-11-20T10:28:22Z",
                        }
                    ],
                }
            ]
        }


async def test_duplicates_and_rate_limited_events_are_not_counted(http, database_url, server, auth):
    project = await new_project(server)
    clock = FakeClock(T // 60 * 60 + 1)
    async with dedicated_server(database_url, clock=clock) as dedicated:
        async with http.patch(
            dedicated.server(f"/api/projects/{project.id}"),
            json={"rate_limit_per_minute": 4},
            headers=auth,
        ) as resp:
            assert resp.status == 200
        event_id = uuid.uuid4().hex
        for _ in range(2):  # the repeat takes a place in the minute's window
            await send(http, dedicated, project, event_id=event_id, tags={"k": "dup"})
        for status in (200, 200, 429, 429):
            await send(http, dedicated, project, status, tags={"k": "limited"})
    issue = await Issue.get(project_id=project.id)
    assert issue.event_count == 3
    assert await hourly_rows(issue.id) == [(clock.now // HOUR, 3)]
    (summary,) = (await aggregates.tag_values([issue.id]))[issue.id]
    assert (summary.total, [(v.value, v.count) for v in summary.top]) == (
        3,
        [("limited", 2), ("dup", 1)],
    )


async def test_tags_that_are_not_counted(http, database_url, server):
    project = await new_project(server)
    many = {f"t{i:02}": "x" for i in range(60)}
    tags: dict[str, Any] = {
        "ok.key_1:x-y": "v",
        "k" * 32: "longest key",
        "k" * 33: "key too long",
        "has space": "spaces become dashes",  # normalisation makes it has-space
        "ümlaut": "not a key character",
        "newline": "a\nb",
        "empty": "",
        "longest": "v" * 200,
        "number": 7,  # normalised to "7"
        "flag": True,  # normalised to "True"
        "nul": "a\u0000b",  # stored without the NUL
        "surrogate": "a\ud800b",  # a lone surrogate: stored as U+FFFD
    }
    async with dedicated_server(database_url, clock=FakeClock(T)) as dedicated:
        await send(http, dedicated, project, timestamp=T, tags=tags, release="r" * 201)
        await send(http, dedicated, project, timestamp=T, tags=many, environment="e" * 200)
    issue = await Issue.get(project_id=project.id)
    found = {
        s.key: [(v.value, v.count) for v in s.top]
        for s in (await aggregates.tag_values([issue.id]))[issue.id]
    }
    assert found == {
        "environment": [("e" * 200, 1)],
        "flag": [("True", 1)],
        "has-space": [("spaces become dashes", 1)],
        "k" * 32: [("longest key", 1)],
        "longest": [("v" * 200, 1)],
        "nul": [("ab", 1)],
        "number": [("7", 1)],
        "ok.key_1:x-y": [("v", 1)],
        "surrogate": [("a\ufffdb", 1)],
        # The first 50 tags of an event.
        **{f"t{i:02}": [("x", 1)] for i in range(50)},
    }
    assert await aggregates.releases([issue.id]) == {issue.id: []}


async def test_keys_and_values_per_issue_are_capped(http, database_url, server, monkeypatch):
    project = await new_project(server)
    async with dedicated_server(database_url, clock=FakeClock(T)) as dedicated:
        # 150 keys in three events: the first 100 are kept, environment besides them.
        for part in range(3):
            tags = {f"k{i:03}": "v" for i in range(part * 50, part * 50 + 50)}
            await send(http, dedicated, project, timestamp=T, tags=tags, environment=f"e{part}")
        issue = await Issue.get(project_id=project.id)
        kept = {s.key for s in (await aggregates.tag_values([issue.id]))[issue.id]}
        assert kept == {"environment"} | {f"k{i:03}" for i in range(100)}

        # Values: a cap of 3 (1,000 in production) shows what happens past it.
        monkeypatch.setattr(tallies, "MAX_VALUES_PER_KEY", 3)
        other = await new_project(server, "Capped")
        for name in ("a", "b", "c", "a", "d", "e"):
            await send(http, dedicated, other, timestamp=T, tags={"user": name})
        await asyncio.gather(
            *(send(http, dedicated, other, timestamp=T, tags={"user": n}) for n in "fgda")
        )
    capped = await Issue.get(project_id=other.id)
    (summary,) = (await aggregates.tag_values([capped.id], ["user"]))[capped.id]
    assert (summary.total, summary.distinct, summary.other) == (10, 3, 5)
    assert [(v.value, v.count) for v in summary.top] == [("a", 3), ("b", 1), ("c", 1)]
    assert await IssueTag.filter(issue_id=capped.id, key="user").count() == 3
    assert await IssueTagKey.filter(issue_id=capped.id, key="user").values_list(
        "value_count", "other_count"
    ) == [(3, 5)]


async def test_hours_past_retention_are_pruned_when_an_issue_starts_a_new_hour(
    http, database_url, server
):
    project = await new_project(server)
    clock = FakeClock(T)
    async with dedicated_server(database_url, clock=clock) as dedicated:
        await send(http, dedicated, project, timestamp=T, function="pruned")
        await send(http, dedicated, project, timestamp=T, function="idle")
        clock.advance(40 * DAY)
        now = clock.now
        # Dated 29 days back: within retention, and the first row of a new hour.
        await send(http, dedicated, project, timestamp=now - 29 * DAY, function="pruned")
        await send(http, dedicated, project, timestamp=now, function="pruned")
    pruned = await Issue.get(project_id=project.id, culprit__contains="pruned")
    idle = await Issue.get(project_id=project.id, culprit__contains="idle")
    assert await hourly_rows(pruned.id) == [
        ((now - 29 * DAY) // HOUR, 1),
        (now // HOUR, 1),
    ]
    # An issue without new events keeps its rows (no window shows them).
    assert await hourly_rows(idle.id) == [(T // HOUR, 1)]
    month = await aggregates.frequency(pruned.id, Period.MONTH, at(now))
    assert sum(counts(month)) == 2


async def test_deleting_an_issue_deletes_its_aggregates(http, database_url, server, auth):
    project = await new_project(server)
    async with dedicated_server(database_url, clock=FakeClock(T)) as dedicated:
        await send(http, dedicated, project, timestamp=T, tags={"a": "b"}, release="1")
    issue = await Issue.get(project_id=project.id)
    assert await IssueTag.filter(issue_id=issue.id).count() == 2
    async with http.delete(server(f"/api/issues/{issue.id}"), headers=auth) as resp:
        assert resp.status == 204
    for model in (IssueHourly, IssueTag, IssueTagKey):
        assert await model.filter(issue_id=issue.id).count() == 0


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("frequency?period=week", "period: must be one of day, month"),
        ("frequency?period=", "period: must be one of day, month"),
        ("frequency?period=day&period=month", "period: must be given at most once"),
        ("tags?top=0", "top: must be an integer from 1 to 100"),
        ("tags?top=101", "top: must be an integer from 1 to 100"),
        ("tags?top=-1", "top: must be an integer from 1 to 100"),
        ("tags?top=%EF%BC%91", "top: must be an integer from 1 to 100"),  # fullwidth 1
        ("tags?top=1&top=2", "top: must be given at most once"),
        ("tags?key=", "key: must be 1 to 32 characters of a-z A-Z 0-9 _ . : -"),
        ("tags?key=" + "k" * 33, "key: must be 1 to 32 characters of a-z A-Z 0-9 _ . : -"),
        ("tags?key=a%20b", "key: must be 1 to 32 characters of a-z A-Z 0-9 _ . : -"),
        (
            "tags?" + "&".join(f"key=k{n}" for n in range(103)),
            "key: at most 102 keys (an issue has no more)",
        ),
    ],
)
async def test_bad_aggregate_parameters_are_named(http, server, auth, query, error):
    project = await new_project(server)
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
    ) as resp:
        assert resp.status == 200
    issue = await Issue.get(project_id=project.id)
    async with http.get(server(f"/api/issues/{issue.id}/{query}"), headers=auth) as resp:
        body = {"error": error, "field": error.split(":")[0]}
        assert (resp.status, await resp.json()) == (400, body)


@pytest.mark.parametrize("route", ["tags", "frequency"])
async def test_aggregates_of_unknown_issues(http, server, auth, route):
    for issue_id in ("123456789", "99999999999999999999999"):
        async with http.get(server(f"/api/issues/{issue_id}/{route}"), headers=auth) as resp:
            assert resp.status == 404
            assert await resp.json() == {"error": f"issue {issue_id} not found"}
    async with http.get(server(f"/api/issues/1/{route}")) as resp:
        assert resp.status == 401


def backfill_sql(dialect: str) -> str:
    (path,) = (REPO / "migrations" / dialect / "models").glob("*_aggregates.py")
    spec = importlib.util.spec_from_file_location("aggregates_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.BACKFILL)


async def aggregate_rows(issue_ids: list[int]) -> list[list[tuple[Any, ...]]]:
    return [
        sorted(await model.filter(issue_id__in=issue_ids).values_list(*fields))
        for model, fields in (
            (IssueHourly, ("issue_id", "hour", "count")),
            (IssueTag, ("issue_id", "key", "value", "count", "first_seen", "last_seen")),
            (IssueTagKey, ("issue_id", "key", "value_count", "other_count")),
        )
    ]


async def test_the_migration_backfills_what_ingestion_would_have_counted(
    http, database_url, server
):
    project = await new_project(server)
    now = time.time() // HOUR * HOUR - HOUR / 2  # half past the last hour: the rows are known
    odd = {"k" * 33: "x", "nl": "a\nb", "environment": "no", "num": 5, "many": "x" * 300}
    if database_url.startswith("postgres"):
        # SQLite's JSON functions cut a string at a NUL: its backfill keeps "a" (README).
        odd["nul"] = "a\u0000b"
    async with dedicated_server(database_url, clock=FakeClock(now)) as dedicated:
        for i in range(24):
            await send(
                http,
                dedicated,
                project,
                function=f"f{i % 3}",
                timestamp=now - (i % 5) * HOUR - i,
                environment=("production", "staging", None)[i % 3],
                release=f"1.{i % 4}",
                tags={"browser": ("Chrome", "Firefox")[i % 2], "user": f"u{i % 7}", **odd},
            )
    issue_ids = [i.id for i in await Issue.filter(project_id=project.id)]
    live = await aggregate_rows(issue_ids)
    assert len(live[0]) == 3 * 5
    for model in (IssueHourly, IssueTag, IssueTagKey):
        await model.all().delete()
    dialect = "postgres" if database_url.startswith("postgres") else "sqlite"
    await connections.get("default").execute_script(backfill_sql(dialect))
    assert await aggregate_rows(issue_ids) == live


async def test_two_processes_adding_to_the_same_issues_make_exact_totals(tmp_path):
    url = await recreate_pg_database("faultline_aggregates")
    env = faultline_env(url)
    project = create_project(env, tmp_path)
    key = uuid.UUID(project["sentry_key"]).hex
    ports = [free_port(), free_port()]
    now = int(time.time())
    events = [
        {
            "event_id": uuid.uuid4().hex,
            "timestamp": now - (i % 3) * HOUR,
            "environment": ("production", "staging")[i % 2],
            "tags": {"shard": str(i % 5), "user": f"u{i % 11}"},
            **exception_event(function=f"f{i % 4}"),
        }
        for i in range(240)
    ]
    procs = [await start_server(port, env, tmp_path) for port in ports]
    try:
        async with aiohttp.ClientSession() as session:

            async def post(i: int) -> int:
                url = f"http://127.0.0.1:{ports[i % 2]}/api/{project['id']}/envelope/"
                async with session.post(
                    url,
                    data=event_envelope(events[i]),
                    headers={"X-Sentry-Auth": f"Sentry sentry_key={key}"},
                ) as resp:
                    return resp.status

            assert await asyncio.gather(*(post(i) for i in range(len(events)))) == [200] * 240
    finally:
        for proc in procs:
            assert await stop(proc) == 0
    functions = dict(await count(url, tmp_path, "SELECT id, culprit FROM issue"))
    by_function = {culprit.rsplit(" ", 1)[-1]: issue for issue, culprit in functions.items()}
    hours: Counter[tuple[int, int]] = Counter()
    tags: Counter[tuple[int, str, str]] = Counter()
    for event in events:
        issue = by_function[event["exception"]["values"][0]["stacktrace"]["frames"][-1]["function"]]
        hours[(issue, int(event["timestamp"]) // HOUR)] += 1
        tags[(issue, "environment", event["environment"])] += 1
        for name, value in event["tags"].items():
            tags[(issue, name, value)] += 1
    assert sorted(
        await count(url, tmp_path, "SELECT issue_id, hour, count FROM issue_hourly")
    ) == sorted((issue, hour, n) for (issue, hour), n in hours.items())
    assert sorted(
        await count(url, tmp_path, "SELECT issue_id, key, value, count FROM issue_tag")
    ) == sorted((*k, n) for k, n in tags.items())
    distinct = Counter((issue, name) for issue, name, _ in tags)
    assert sorted(
        await count(
            url, tmp_path, "SELECT issue_id, key, value_count, other_count FROM issue_tag_key"
        )
    ) == sorted((issue, name, n, 0) for (issue, name), n in distinct.items())
