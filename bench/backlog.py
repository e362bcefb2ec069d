"""Work for the retention sweeper during `--sweeping`: a project whose events have all expired.

A project of its own (`faultline project create`, then `retention_days = 1`), with
`--sweeping N` events dated 30 days ago spread over one issue per 500 events, written by SQL
in chunks (PostgreSQL only). Their payloads are ~1 KB of JSON text (real ones are 11 to 15 KB,
compressed by TOAST to ~3 KB): the sweep deletes rows through the same index and in the same
batches either way. The sweeping run's server sweeps every second, so from its start until the
backlog is gone the sweeper deletes a batch, pauses, deletes the next, beside the load.
"""

from __future__ import annotations

from bench.database import Database, create_project

EVENTS_PER_ISSUE = 500
CHUNK = 50_000

_ISSUES = (
    "INSERT INTO issue (project_id, fingerprint, grouping_version, grouping, counter, state, "
    "level, type, message, title, culprit, platform, event_count, first_seen, last_seen) "
    "SELECT $1, md5('expired' || g), 'bench', '{}', g, 'open', 'error', 'Expired', '', "
    "'Expired: ' || g, 'bench.expired', 'python', $3, now() - interval '31 days', "
    "now() - interval '30 days' FROM generate_series(1, $2) AS g"
)
_EVENTS = (
    "INSERT INTO event (project_id, issue_id, event_id, timestamp, received_at, level, "
    'platform, environment, release, "user", tags, payload) '
    "SELECT $1, i.id, md5(random()::text || g), "
    "now() - interval '30 days' - g * interval '1 millisecond', now() - interval '30 days', "
    "'error', 'python', 'production', NULL, NULL, '{\"zone\": \"eu\"}', "
    "'{\"message\": \"' || repeat(md5(g::text), 30) || '\"}' "
    "FROM generate_series($2::int, $3::int) AS g "
    "JOIN issue AS i ON i.project_id = $1 AND i.counter = 1 + g % $4"
)


async def fill(database_url: str, events: int) -> int:
    """The expired project's id, once its `events` events are written."""
    project_id = int((await create_project(database_url))["id"])
    issues = max(1, events // EVENTS_PER_ISSUE)
    async with Database(database_url) as db:
        pg = db.postgres
        await pg.execute("UPDATE project SET retention_days = 1 WHERE id = $1", project_id)
        await pg.execute(_ISSUES, project_id, issues, EVENTS_PER_ISSUE)
        for start in range(1, events + 1, CHUNK):
            end = min(events, start + CHUNK - 1)
            await pg.execute(_EVENTS, project_id, start, end, issues)
        await pg.execute("ANALYZE event")
        await pg.execute("ANALYZE issue")
    return project_id


async def expired_left(db: Database, project_id: int) -> int:
    return int(await db.value("SELECT count(*) FROM event WHERE project_id = ?", project_id))
