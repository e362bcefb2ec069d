"""Issue pages stay stable while events arrive, and a page costs the same queries at any size."""

from __future__ import annotations

from models import Issue
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.sentry import event_envelope, exception_event, new_project
from tests.integration.statements import recording

PAGE = """query($p: ID!, $first: Int!, $after: String) {
  issues(projectId: $p, first: $first, after: $after) {
    edges { node { shortId } } pageInfo { hasNextPage endCursor }
  }
}"""


async def _ingest(http, project, function: str) -> None:
    body = event_envelope(exception_event(function=function))
    async with http.post(project.envelope_url, data=body, headers=project.auth) as resp:
        assert resp.status == 200, await resp.text()


async def test_pages_never_repeat_or_skip_an_issue_while_events_bump_others(http, server, auth):
    project = await new_project(server)
    # Six issues through real ingestion; the later ones are seen last (listed first).
    for n in range(1, 7):
        await _ingest(http, project, f"f{n}")
    assert await Issue.filter(project_id=project.id).count() == 6
    variables = {"p": str(project.id), "first": 2}
    first = (await data(http, server, PAGE, variables, auth))["issues"]
    assert [e["node"]["shortId"] for e in first["edges"]] == ["MY-APP-6", "MY-APP-5"]
    # New events bump an issue already served (5) and one not served yet (2) to the top.
    await _ingest(http, project, "f5")
    await _ingest(http, project, "f2")
    rest: list[str] = []
    after = first["pageInfo"]["endCursor"]
    while after:
        page = (await data(http, server, PAGE, {**variables, "after": after}, auth))["issues"]
        rest += [e["node"]["shortId"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    # Served pages are not repeated, and every issue not bumped comes exactly once, in order;
    # the bumped one moved above the cursor (the next first page shows it).
    assert rest == ["MY-APP-4", "MY-APP-3", "MY-APP-1"]
    again = (await data(http, server, PAGE, variables, auth))["issues"]
    assert [e["node"]["shortId"] for e in again["edges"]] == ["MY-APP-2", "MY-APP-5"]


LIST = """query($p: ID!, $first: Int!) { issues(projectId: $p, first: $first) {
  totalCount edges { node {
    shortId project { name } grouping latestEvent { id issue { id } }
    frequency { count } environments releases tags(top: 3) { key topValues { value } }
  } }
} }"""


async def test_a_page_costs_the_same_queries_for_5_and_50_issues(http, server, auth):
    project = await new_project(server)
    from models import Project

    model = await Project.get(id=project.id)
    # 51 issues: both pages are full, so both count (a first page that is not full is its count).
    for n in range(1, 52):
        issue = await seed.issue(model, n)
        await seed.event(issue, n)
    variables = {"p": str(project.id)}
    await data(http, server, LIST, {**variables, "first": 1}, auth)  # token read and cached now
    counts = {}
    for first in (5, 50):
        with recording() as counter:
            found = await data(http, server, LIST, {**variables, "first": first}, auth)
        assert len(found["issues"]["edges"]) == first
        counts[first] = counter.count
    # Project, issue page (with its count), groupings (lists leave them out), latest events,
    # their issues (with their project, joined); frequency, environments, releases, tags. The
    # token was cached by the first request; the page's issues need no query for their
    # project: it is the project listed.
    assert counts == {5: 9, 50: 9}


EDGE_CURSORS = """query($p: ID!, $after: String) {
  issues(projectId: $p, first: 2, after: $after) {
    plain: edges { node { shortId } }
    edges { ...Edge }
  }
}
fragment Edge on IssueEdge { at: cursor node { shortId } }"""


async def test_edge_cursors_asked_through_a_fragment_and_an_alias_lead_to_the_next_page(
    http, server, auth
):
    project = await new_project(server)
    for n in range(1, 5):
        await _ingest(http, project, f"f{n}")
    variables = {"p": str(project.id)}
    first = (await data(http, server, EDGE_CURSORS, variables, auth))["issues"]
    # A selection without a cursor answers as ever (its cursors are not encoded).
    assert first["plain"] == [{"node": {"shortId": "MY-APP-4"}}, {"node": {"shortId": "MY-APP-3"}}]
    assert [e["node"]["shortId"] for e in first["edges"]] == ["MY-APP-4", "MY-APP-3"]
    after = first["edges"][-1]["at"]
    rest = (await data(http, server, EDGE_CURSORS, {**variables, "after": after}, auth))["issues"]
    assert [e["node"]["shortId"] for e in rest["edges"]] == ["MY-APP-2", "MY-APP-1"]
    after = first["edges"][0]["at"]
    rest = (await data(http, server, EDGE_CURSORS, {**variables, "after": after}, auth))["issues"]
    assert [e["node"]["shortId"] for e in rest["edges"]] == ["MY-APP-3", "MY-APP-2"]
