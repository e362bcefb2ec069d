"""What a project keeps: its events, their payloads' bytes and the oldest event's time.

`bytes` is exact for what Faultline stores per event, the normalised payload's JSON text in
UTF-8 (OCTET_LENGTH; SQLite: the length of the text as a blob); the other columns and the
indexes are not counted. One grouped query for any number of projects, read through the event
index (project, timestamp, id) and the payloads of the rows it finds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

_POSTGRES = (
    "SELECT project_id, COUNT(*) AS events, SUM(OCTET_LENGTH(payload)) AS bytes, "
    "MIN(timestamp) AS oldest FROM event WHERE project_id = ANY($1) GROUP BY project_id"
)
_SQLITE = (
    "SELECT project_id, COUNT(*) AS events, SUM(LENGTH(CAST(payload AS BLOB))) AS bytes, "
    "MIN(timestamp) AS oldest FROM event "
    "WHERE project_id IN (SELECT value FROM json_each(?)) GROUP BY project_id"
)


@dataclass(frozen=True, slots=True)
class Storage:
    events: int
    bytes: int
    oldest_event: datetime | None


EMPTY = Storage(events=0, bytes=0, oldest_event=None)


async def storage_of(project_ids: Sequence[int]) -> dict[int, Storage]:
    """Every project asked for, those without events as EMPTY."""
    if not project_ids:
        return {}
    client = connections.get("default")
    if client.capabilities.dialect == "postgres":
        rows = await client.execute_query_dict(_POSTGRES, [list(project_ids)])
    else:
        rows = await client.execute_query_dict(_SQLITE, [json.dumps(list(project_ids))])
    found = {
        int(row["project_id"]): Storage(
            events=int(row["events"]),
            bytes=int(row["bytes"] or 0),
            oldest_event=_moment(row["oldest"]),
        )
        for row in rows
    }
    return {project_id: found.get(project_id, EMPTY) for project_id in project_ids}


def _moment(value: Any) -> datetime:
    # asyncpg returns datetimes; SQLite the text Tortoise wrote.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(UTC)
