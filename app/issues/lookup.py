"""An issue with its project (and, if asked, its latest event) in one statement made once.

Tortoise builds a select_related query anew for every read (its filters resolved, the join
and the SQL rendered): most of the cost of reading one issue. The models are made as
select_related (and `events.latest_events`) make them.
"""

from __future__ import annotations

from functools import cache

from tortoise import connections

from models import Event, Issue, Project


async def issue_with_project(issue_id: int) -> Issue | None:
    """The issue, its project in `issue.project`; None if either is missing or the project
    is deleted."""
    found = await _read(issue_id, None)
    return None if found is None else found[0]


async def issue_with_latest_event(
    issue_id: int, *, payload: bool
) -> tuple[Issue, Event | None] | None:
    """The issue (as `issue_with_project`) and its newest event (by timestamp, then id) as
    `events.latest_events` reads it: `payload=False` leaves the payload out (None) where the
    message is stored."""
    return await _read(issue_id, payload)


async def _read(issue_id: int, payload: bool | None) -> tuple[Issue, Event | None] | None:
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    sql = _sql("$1" if postgres else "?", payload)
    # (SQLite numbers no parameter: the id is given for each marker)
    rows = await client.execute_query_dict(sql, [issue_id] * (1 if postgres else sql.count("?")))
    if not rows:
        return None
    row = rows[0]
    issue = Issue._init_from_db(**{c: row[c] for c in _columns(Issue)})
    project = Project._init_from_db(**{c: row[f"project.{c}"] for c in _columns(Project)})
    object.__setattr__(issue, "_project", project)  # where select_related puts it
    event = None
    if payload is not None and row["event.id"] is not None:
        event = Event._init_from_db(**{c: row[f"event.{c}"] for c in _columns(Event)})
    return issue, event


@cache
def _columns(model: type[Issue] | type[Project] | type[Event]) -> tuple[str, ...]:
    # (read once models are initialised: foreign key columns are known only then)
    return tuple(sorted(model._meta.fields_db_projection.values()))


@cache
def _sql(marker: str, payload: bool | None) -> str:
    """`payload`: None, no event; else whether the payload of an event whose message is
    stored is read too."""
    columns = [f'i."{c}"' for c in _columns(Issue)]
    columns += [f'p."{c}" AS "project.{c}"' for c in _columns(Project)]
    latest = ""
    if payload is not None:
        columns += [
            f'e."{c}" AS "event.{c}"'
            if c != "payload" or payload
            else 'CASE WHEN e.message_stored THEN NULL ELSE e.payload END AS "event.payload"'
            for c in _columns(Event)
        ]
        # Not correlated: found once, by the (issue, timestamp, id) index backwards.
        latest = (
            " LEFT JOIN event AS e ON e.id = (SELECT l.id FROM event AS l WHERE l.issue_id = "
            f"{marker} ORDER BY l.timestamp DESC, l.id DESC LIMIT 1)"
        )
    return (
        f"SELECT {', '.join(columns)} FROM issue AS i JOIN project AS p "
        f"ON p.id = i.project_id{latest} WHERE i.id = {marker} AND p.deleted_at IS NULL"
    )
