"""`totalCount` of an issue page: from the page's own statement when it can tell, else counted
apart; exact either way, on both backends."""

from __future__ import annotations

from typing import Any

from models import Project
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.sentry import new_project
from tests.integration.statements import Statements, recording

PAGE = """query($p: ID!, $first: Int!, $after: String, $search: String) {
  issues(projectId: $p, first: $first, after: $after, search: $search) {
    totalCount edges { node { shortId } } pageInfo { endCursor }
  }
}"""
NO_TOTAL = """query($p: ID!, $search: String) {
  issues(projectId: $p, first: 2, search: $search) { edges { node { shortId } } }
}"""


class _Statements(Statements):
    def counting(self) -> list[str]:
        """What each statement counting issues counts with: COUNT(*) OVER (), a COUNT(*)
        subquery of the page's statement, or COUNT(*) apart."""
        return [
            "over" if "COUNT(*) OVER ()" in sql else "page" if "ORDER BY" in sql else "apart"
            for sql in self.sql
            if "COUNT(*)" in sql and 'FROM "issue"' in sql
        ]


async def _seeded(server: Any) -> int:
    """Seven issues; MY-APP-1, 3, 5 and 7 say "payments", the even ones "orders"."""
    project = await new_project(server)
    model = await Project.get(id=project.id)
    for n in range(1, 8):
        word = "payments" if n % 2 else "orders"
        await seed.issue(model, n, title=f"KeyError: {word} {n}")
    return project.id


async def _page(
    http: Any, server: Any, auth: dict[str, str], **variables: Any
) -> tuple[int, list[str], str | None, list[str]]:
    with recording(_Statements) as statements:
        found = (await data(http, server, PAGE, variables, auth))["issues"]
    names = [edge["node"]["shortId"] for edge in found["edges"]]
    return found["totalCount"], names, found["pageInfo"]["endCursor"], statements.counting()


async def test_a_page_without_a_filter_counts_in_its_own_statement(http, server, auth):
    p = str(await _seeded(server))
    assert await _page(http, server, auth, p=p, first=10) == (
        7,
        [f"MY-APP-{n}" for n in range(7, 0, -1)],
        None,
        ["page"],
    )
    total, names, cursor, counting = await _page(http, server, auth, p=p, first=3)
    assert (total, names, counting) == (7, ["MY-APP-7", "MY-APP-6", "MY-APP-5"], ["page"])
    assert cursor is not None
    # a later page too: an uncorrelated subquery counts every page's issues
    later = await _page(http, server, auth, p=p, first=3, after=cursor)
    assert (later[0], later[1], later[3]) == (7, ["MY-APP-4", "MY-APP-3", "MY-APP-2"], ["page"])


async def test_a_first_page_of_a_search_counts_in_its_own_statement(http, server, auth):
    p = str(await _seeded(server))
    total, names, cursor, counting = await _page(
        http, server, auth, p=p, first=2, search="payments"
    )
    assert (total, names, counting) == (4, ["MY-APP-7", "MY-APP-5"], ["over"])
    # A later page counts apart (its statement sees only the issues after the cursor).
    assert await _page(http, server, auth, p=p, first=2, search="payments", after=cursor) == (
        4,
        ["MY-APP-3", "MY-APP-1"],
        None,
        ["apart"],
    )
    assert await _page(http, server, auth, p=p, first=2, search="nowhere") == (
        0,
        [],
        None,
        ["over"],
    )
    assert await _page(http, server, auth, p=p, first=9, search="!payments") == (
        3,
        ["MY-APP-6", "MY-APP-4", "MY-APP-2"],
        None,
        ["over"],
    )


async def test_a_page_without_total_count_counts_nothing(http, server, auth):
    p = str(await _seeded(server))
    with recording(_Statements) as statements:
        found = await data(http, server, NO_TOTAL, {"p": p, "search": "payments"}, auth)
    assert [e["node"]["shortId"] for e in found["issues"]["edges"]] == ["MY-APP-7", "MY-APP-5"]
    assert statements.counting() == []
