"""An issue with its project in one statement whose text is made once.

Tortoise builds a select_related query anew for every read (its filters resolved, the join
and the SQL rendered): most of the cost of reading one issue. The models are made as
select_related makes them.
"""

from __future__ import annotations

from functools import cache

from tortoise import connections

from models import Issue, Project


async def issue_with_project(issue_id: int) -> Issue | None:
    """The issue, its project in `issue.project`; None if either is missing or the project
    is deleted."""
    client = connections.get("default")
    marker = "$1" if client.capabilities.dialect == "postgres" else "?"
    rows = await client.execute_query_dict(_sql(marker), [issue_id])
    if not rows:
        return None
    row = rows[0]
    issue = Issue._init_from_db(**{c: row[c] for c in _columns(Issue)})
    project = Project._init_from_db(**{c: row[f"project.{c}"] for c in _columns(Project)})
    object.__setattr__(issue, "_project", project)  # where select_related puts it
    return issue


@cache
def _columns(model: type[Issue] | type[Project]) -> tuple[str, ...]:
    # (read once models are initialised: foreign key columns are known only then)
    return tuple(sorted(model._meta.fields_db_projection.values()))


@cache
def _sql(marker: str) -> str:
    issue = [f'i."{c}"' for c in _columns(Issue)]
    project = [f'p."{c}" AS "project.{c}"' for c in _columns(Project)]
    return (
        f"SELECT {', '.join(issue + project)} FROM issue AS i JOIN project AS p "
        f"ON p.id = i.project_id WHERE i.id = {marker} AND p.deleted_at IS NULL"
    )
