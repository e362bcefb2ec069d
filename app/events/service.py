"""Event reads shared by the APIs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any

import orjson

from app import prepared
from app.errors import NotFound
from app.events.message import event_message
from app.issues.service import ListedIssue, get_issue
from app.pagination import Page, PageRequest, cursor_at, keyset_page
from models import Event, Issue

# An issue's events in time order; the id breaks ties between equal timestamps.
_TIME_ORDER = ("timestamp", "id")


def event_key(value: str) -> str | None:
    """The stored 32-hex form of an event id given dashed or not; None if it is no UUID."""
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return None


def payload_of(event: Event) -> dict[str, Any]:
    """The stored, normalised event as a dict (orjson: several times faster on 13 KB payloads)."""
    if event.payload is None:  # read without it (latest_events)
        raise RuntimeError(f"the payload of event {event.id} was not read")
    if not event.payload:
        return {}
    try:
        value = orjson.loads(event.payload)
    except orjson.JSONDecodeError:  # rows stored before lone surrogates were replaced
        value = json.loads(event.payload)
    return value if isinstance(value, dict) else {}


def message_of(event: Event) -> str | None:
    """The event's message: stored at ingestion, or derived from the payload of older rows."""
    return event.message if event.message_stored else event_message(payload_of(event))


async def list_events(issue: int | Issue | ListedIssue, page: PageRequest) -> Page[Event]:
    """`issue`: its id (NotFound if there is none) or the issue, already read."""
    issue_id = (await get_issue(issue)).id if isinstance(issue, int) else issue.id
    queryset = Event.filter(issue_id=issue_id)
    return await keyset_page(queryset, _TIME_ORDER, page, descending=True)


async def count_events(issue_id: int) -> int:
    return await Event.filter(issue_id=issue_id).count()


async def get_event(event_id: str) -> Event:
    key = event_key(event_id) if len(event_id) <= 64 else None
    # What Event.filter(of_live_project(), event_id=key).order_by("id").first() sends
    sql = _event_sql(prepared.dialect_of(Event))
    found = await prepared.fetch_models(Event, sql, [key]) if key else []
    if not found:
        raise NotFound(f"event {event_id[:64]} not found")
    return found[0]


@cache
def _event_sql(dialect: str) -> str:
    (marker,) = prepared.placeholders(dialect, 1, 1)
    return (
        f'SELECT {prepared.columns(Event, "event")} FROM "event"'
        ' LEFT OUTER JOIN "project" "event__project" ON "event__project"."id"="event"."project_id"'
        f' WHERE "event__project"."deleted_at" IS NULL AND "event"."event_id"={marker}'
        ' ORDER BY "event"."id" ASC LIMIT 1'
    )


async def delete_event(project_id: int, event_id: int) -> bool:
    """Delete one event of the project (Rollbar's DELETE instance); whether there was one.
    Its issue stays, with its counts: event_count counts the events received, and an issue
    left without events is kept (retention, not this, removes issues it empties)."""
    return bool(await Event.filter(id=event_id, project_id=project_id).delete())


async def get_issue_by_event_id(event_id: str) -> Issue:
    return await get_issue((await get_event(event_id)).issue_id)


async def neighbour(event: Event, *, later: bool) -> Event | None:
    """The event of the same issue just before (or after) `event` in time order."""
    page = PageRequest(limit=1, after=cursor_at(event, _TIME_ORDER, descending=not later))
    found = await keyset_page(
        Event.filter(issue_id=event.issue_id), _TIME_ORDER, page, descending=not later
    )
    return found.items[0] if found.items else None


async def latest_events(issue_ids: Iterable[int], *, payload: bool = True) -> dict[int, Event]:
    """The newest event of each issue, in one query whatever the number of issues.

    `payload=False` leaves the payload out (None) of events whose message is stored: enough for
    what lists show (columns and the message), without reading ~13 KB per event.
    """
    rows = await latest_event_rows(issue_ids, payload=payload)
    return {issue_id: Event._init_from_db(**row) for issue_id, row in rows.items()}


async def latest_event_rows(
    issue_ids: Iterable[int], *, payload: bool = True
) -> dict[int, dict[str, Any]]:
    """What `latest_events` reads, as rows by column (`Event._init_from_db(**row)` is the
    event): a page that shows only columns need not build 50 models (~10 µs each)."""
    ids = sorted({int(i) for i in issue_ids})
    if not ids:
        return {}
    listed = ",".join(str(i) for i in ids)  # ints from the database: safe to inline
    # A correlated subquery per issue walks the (issue, timestamp, id) index backwards once.
    # The OFFSET keeps PostgreSQL from moving it into the join, where it runs twice per issue
    # (SQLite takes an OFFSET only after a LIMIT).
    postgres = prepared.dialect_of(Event) == "postgres"
    fence = "OFFSET 0" if postgres else "LIMIT -1 OFFSET 0"
    sql = (
        f"SELECT {_latest_columns(payload)} FROM (SELECT (SELECT e.id FROM event e"
        " WHERE e.issue_id = i.id ORDER BY e.timestamp DESC, e.id DESC LIMIT 1) AS latest"
        f" FROM issue i WHERE i.id IN ({listed}) {fence}) AS l"
        " JOIN event ON event.id = l.latest"
    )
    issue_column = Event._meta.fields_db_projection["issue_id"]
    return {row[issue_column]: row for row in await prepared.fetch_rows(Event, sql, [])}


@cache
def _latest_columns(payload: bool) -> str:
    """Every column, in `prepared.columns` order; without payload, the payload only of rows
    stored before their message was, which need it. (Read once models are initialised:
    foreign key columns are known only then.)"""
    return ",".join(
        "CASE WHEN event.message_stored THEN NULL ELSE event.payload END AS payload"
        if column == "payload" and not payload
        else f'"event"."{column}"'
        for column in Event._meta.fields_db_projection.values()
    )
