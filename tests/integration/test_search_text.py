"""Free text matches as PostgreSQL's ILIKE does (any case, by the database's lower()), and as
SQLite's LIKE does (ASCII letters folded only): the same issues as before it was rewritten."""

from __future__ import annotations

from tortoise import connections

from models import Issue, Project
from tests.integration import seed
from tests.integration.graphql import data
from tests.integration.sentry import new_project

SEARCH = """query($p: ID!, $search: String!) {
  issues(projectId: $p, first: 50, search: $search) { totalCount edges { node { shortId } } }
}"""
TITLES = (
    "ÉCHEC du paiement",
    "İstanbul timeout",
    "Straße gesperrt",
    "KELVIN 5 \u212a",  # the Kelvin sign, whose lower case is "k"
    "ΣΊΣΥΦΟΣ",
    "50% done_now",
    r"back\slash",
)
# (query, its text as a LIKE pattern, the issues PostgreSQL finds, the issues SQLite finds)
CASES: list[tuple[str, str, set[int], set[int]]] = [
    ("échec", "%échec%", {1}, set()),
    ("ÉCHEC", "%ÉCHEC%", {1}, {1}),
    ("ISTANBUL", "%ISTANBUL%", {2}, set()),  # PostgreSQL lowers İ to i
    ("stanbul", "%stanbul%", {2}, {2}),
    ("STRASSE", "%STRASSE%", set(), set()),
    ("straße", "%straße%", {3}, {3}),
    ("kelvin", "%kelvin%", {4}, {4}),
    ("5 k", "%5 k%", {4}, {4}),
    ("σίσυφοσ", "%σίσυφοσ%", {5}, set()),  # lower() has no final sigma
    ("σίσυφος", "%σίσυφος%", set(), set()),
    ("50%", "%50\\%%", {6}, {6}),
    ("e_n", "%e\\_n%", {6}, {6}),
    ("E?N", "%E?N%", set(), set()),
    ("d*W", "%d%W%", {6}, {6}),
    ("\\\\s", "%\\\\s%", {7}, {7}),
]


async def test_free_text_matches_like_ilike(http, server, auth):
    project = await new_project(server)
    model = await Project.get(id=project.id)
    for n, title in enumerate(TITLES, start=1):
        await seed.issue(model, n, title=title, message="", culprit="")
    postgres = Issue._meta.db.capabilities.dialect == "postgres"
    db = connections.get("default")
    found, expected, ilike = {}, {}, {}
    for query, pattern, on_postgres, on_sqlite in CASES:
        result = await data(http, server, SEARCH, {"p": str(project.id), "search": query}, auth)
        names = {e["node"]["shortId"] for e in result["issues"]["edges"]}
        found[query] = (names, result["issues"]["totalCount"])
        wanted = on_postgres if postgres else on_sqlite
        expected[query] = ({f"MY-APP-{n}" for n in wanted}, len(wanted))
        if postgres:  # what the condition was before: ILIKE on each column
            rows = await db.execute_query_dict(
                "SELECT counter FROM issue WHERE project_id = $1 AND (title ILIKE $2 "
                "OR message ILIKE $2 OR culprit ILIKE $2)",
                [project.id, pattern],
            )
            ilike[query] = {row["counter"] for row in rows}
    assert found == expected
    if postgres:
        assert ilike == {query: wanted for query, _, wanted, _ in CASES}
