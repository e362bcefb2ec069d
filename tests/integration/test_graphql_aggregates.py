"""An issue's aggregates through GraphQL: frequency, environments, releases and tags, exact.

Events go in through the real envelope endpoint of a server whose clock the test sets (it is
also GraphQL's "now"), so every bucket is known.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import Issue, Project
from tests.integration import seed
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.graphql import data, execute
from tests.integration.sentry import event_envelope, exception_event, new_project

HOUR = 3600
DAY = 24 * HOUR
# 2026-11-20 10:30:00 UTC: half past an hour.
T = 1_795_170_600


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


DETAIL = """query($i: ID!) { issue(id: $i) {
  day: frequency { start count }
  month: frequency(period: MONTH) { start count }
  environments releases
  tags { key total distinct other topValues { value count firstSeen lastSeen } }
  browser: tags(keys: ["browser", "nope"], top: 1) { key total distinct other
    topValues { value count } }
} }"""


async def test_issue_aggregates_are_exact(http, server, auth):
    project = await new_project(server)
    events = [
        # (seconds from T, environment, release, browser)
        (0, "production", "1.0", "Firefox"),
        (-60, "production", "1.0", "Firefox"),
        (-HOUR, "staging", "1.1", "Chrome"),
        (-3 * DAY, "production", "1.1", "Firefox"),
    ]
    async with dedicated_server(server.settings.database_url, clock=FakeClock(T)) as dedicated:
        for offset, environment, release, browser in events:
            body = exception_event(
                timestamp=T + offset,
                environment=environment,
                release=release,
                tags={"browser": browser},
            )
            async with http.post(
                dedicated.server(f"/api/{project.id}/envelope/"),
                data=event_envelope(body),
                headers=project.auth,
            ) as resp:
                assert resp.status == 200
        issue = await Issue.get(project_id=project.id)
        found = (await data(http, dedicated.server, DETAIL, {"i": str(issue.id)}, auth))["issue"]

    this_hour = T - 1800
    assert found["day"] == [
        {"start": iso(this_hour - h * HOUR), "count": {0: 2, 1: 1}.get(h, 0)}
        for h in range(23, -1, -1)
    ]
    today = this_hour - 10 * HOUR
    assert found["month"] == [
        {"start": iso(today - d * DAY), "count": {0: 3, 3: 1}.get(d, 0)} for d in range(29, -1, -1)
    ]
    assert (found["environments"], found["releases"]) == (["production", "staging"], ["1.0", "1.1"])

    def value(name: str, count: int, first: int, last: int) -> dict[str, object]:
        return {
            "value": name,
            "count": count,
            "firstSeen": iso(T + first),
            "lastSeen": iso(T + last),
        }

    assert found["tags"] == [
        {
            "key": "browser",
            "total": 4,
            "distinct": 2,
            "other": 0,
            "topValues": [value("Firefox", 3, -3 * DAY, 0), value("Chrome", 1, -HOUR, -HOUR)],
        },
        {
            "key": "environment",
            "total": 4,
            "distinct": 2,
            "other": 0,
            "topValues": [value("production", 3, -3 * DAY, 0), value("staging", 1, -HOUR, -HOUR)],
        },
        {
            "key": "release",
            "total": 4,
            "distinct": 2,
            "other": 0,
            # Equal counts: by value.
            "topValues": [value("1.0", 2, -60, 0), value("1.1", 2, -3 * DAY, -HOUR)],
        },
    ]
    assert found["browser"] == [
        {
            "key": "browser",
            "total": 4,
            "distinct": 2,
            "other": 0,
            "topValues": [{"value": "Firefox", "count": 3}],
        }
    ]


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ("top: 0", "top: must be an integer from 1 to 100", "top"),
        ("top: 101", "top: must be an integer from 1 to 100", "top"),
        (
            'keys: ["fine", "not fine"]',
            "keys: must be 1 to 32 characters of a-z A-Z 0-9 _ . : -",
            "keys",
        ),
        ('keys: [""]', "keys: must be 1 to 32 characters of a-z A-Z 0-9 _ . : -", "keys"),
        (
            "keys: [" + ", ".join(f'"k{n}"' for n in range(103)) + "]",
            "keys: at most 102 keys (an issue has no more)",
            "keys",
        ),
    ],
)
async def test_bad_tag_arguments_are_bad_user_input(http, server, auth, arguments, message, field):
    project = await new_project(server)
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
    ) as resp:
        assert resp.status == 200
    issue = await Issue.get(project_id=project.id)
    query = f'{{ issue(id: "{issue.id}") {{ id tags({arguments}) {{ key }} }} }}'
    result = await execute(http, server, query, headers=auth)
    assert result["data"] == {"issue": None}
    assert [(e["message"], e["extensions"]) for e in result["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": field})
    ]


async def test_an_issue_without_events_has_empty_aggregates(http, server, auth):
    project = await new_project(server)
    issue = await seed.issue(await Project.get(id=project.id), 1)
    query = """query($i: ID!) { issue(id: $i) {
      environments releases tags { key } month: frequency(period: MONTH) { count } } }"""
    found = (await data(http, server, query, {"i": str(issue.id)}, auth))["issue"]
    assert found == {"environments": [], "releases": [], "tags": [], "month": [{"count": 0}] * 30}


async def test_project_frequency_sums_its_issues_and_no_other_project(http, server, auth):
    mine, other, _ = [await new_project(server, name) for name in ("Mine", "Other", "Quiet")]
    sent = [
        # (project, seconds from T, exception type: one issue per type)
        (mine, 0, "ValueError"),
        (mine, -60, "KeyError"),
        (mine, -2 * HOUR, "ValueError"),
        (mine, -25 * HOUR, "KeyError"),  # outside the DAY window, inside MONTH
        (other, 0, "ValueError"),
    ]
    async with dedicated_server(server.settings.database_url, clock=FakeClock(T)) as dedicated:
        for project, offset, type_ in sent:
            body = exception_event(type_=type_, timestamp=T + offset)
            async with http.post(
                dedicated.server(f"/api/{project.id}/envelope/"),
                data=event_envelope(body),
                headers=project.auth,
            ) as resp:
                assert resp.status == 200
        query = """{ projects { name
          day: frequency { start count } month: frequency(period: MONTH) { count } } }"""
        found = (await data(http, dedicated.server, query, headers=auth))["projects"]

    this_hour = T - 1800
    by_name = {p["name"]: p for p in found}
    assert by_name["Mine"]["day"] == [
        {"start": iso(this_hour - h * HOUR), "count": {0: 2, 2: 1}.get(h, 0)}
        for h in range(23, -1, -1)
    ]
    # T is 10:30 UTC: 25 hours earlier is yesterday 09:30.
    assert [b["count"] for b in by_name["Mine"]["month"]] == [0] * 28 + [1, 3]
    assert [b["count"] for b in by_name["Other"]["day"]] == [0] * 23 + [1]
    assert [b["count"] for b in by_name["Quiet"]["day"]] == [0] * 24
    assert [b["count"] for b in by_name["Quiet"]["month"]] == [0] * 30


async def test_project_environments_and_releases_most_events_first(http, server, auth):
    shop, other = [await new_project(server, name) for name in ("Shop", "Other")]
    sent = [
        (shop, "KeyError", "production", "2.0"),
        (shop, "KeyError", "production", "1.0"),
        (shop, "ValueError", "production", "2.0"),
        (shop, "ValueError", "staging", "2.0"),
        (other, "KeyError", "qa", "9.9"),
    ]
    for project, type_, environment, release in sent:
        body = exception_event(type_=type_, environment=environment, release=release)
        async with http.post(
            project.envelope_url, data=event_envelope(body), headers=project.auth
        ) as resp:
            assert resp.status == 200
    query = "{ projects { name environments releases } }"
    found = (await data(http, server, query, headers=auth))["projects"]
    assert sorted((p["name"], p["environments"], p["releases"]) for p in found) == [
        ("Other", ["qa"], ["9.9"]),
        ("Shop", ["production", "staging"], ["2.0", "1.0"]),
    ]


async def test_project_releases_are_at_most_a_hundred(http, server, auth):
    project = await new_project(server, "Many")
    for n in range(102):
        body = exception_event(release=f"r{n:03}")
        async with http.post(
            project.envelope_url, data=event_envelope(body), headers=project.auth
        ) as resp:
            assert resp.status == 200
    query = "query($p: ID!) { project(id: $p) { releases environments } }"
    found = (await data(http, server, query, {"p": str(project.id)}, auth))["project"]
    assert found == {"releases": [f"r{n:03}" for n in range(100)], "environments": []}
