"""The read benchmark's data: events ingested through the running server, then issue states.

Every event goes through `/api/<project>/envelope/` like an SDK's, so issues, events and the
per-issue aggregates are built by production code. The load generator (bench/load.py) runs in
slices until the database holds the wanted number of events; then a share of the issues is
resolved and muted through GraphQL so `is:open` selects.
"""

from __future__ import annotations

import time
from typing import Any

from bench.children import LoadProcess
from bench.common import BenchError, log
from bench.database import Database
from bench.graphql.runner import GraphQLClient

SLICE_MAX_S = 30.0
FIRST_GUESS_PER_S = 1000.0  # a short first slice, then the rate measured
RESOLVED_EVERY = 10  # every 10th issue resolved
MUTED_EVERY = 25  # every 25th (not resolved) muted
MAX_STALLED_SLICES = 3
BULK_LIMIT = 100  # ids per bulkUpdateIssues, within the schema's documented limit

BULK_UPDATE = """
mutation Bulk($ids: [ID!]!, $state: IssueState!) {
  bulkUpdateIssues(ids: $ids, state: $state) { id }
}
"""


async def ingest(
    load: LoadProcess,
    db: Database,
    url: str,
    headers: dict[str, str],
    project_id: int,
    concurrency: int,
    target_events: int,
) -> dict[str, Any]:
    """Sends events until `target_events` are stored; how many, how long, how fast."""
    started = time.perf_counter()
    stored = 0
    rate = FIRST_GUESS_PER_S
    stalled = 0
    while stored < target_events:
        duration = max(1.0, min(SLICE_MAX_S, (target_events - stored) / rate))
        result = await load.run(url, headers, concurrency, duration)
        before = stored
        stored = await _count(db, project_id)
        rate = max(result["ok_per_s"], 1.0)
        log(f"seed: {stored:,} of {target_events:,} events stored ({result['ok_per_s']}/s)")
        stalled = stalled + 1 if stored == before else 0
        if stalled >= MAX_STALLED_SLICES:
            raise BenchError(f"seeding stalls at {stored} events: {result['error_samples']}")
    elapsed = time.perf_counter() - started
    return {
        "events": stored,
        "issues": int(
            await db.value("SELECT count(*) FROM issue WHERE project_id = ?", project_id)
        ),
        "seconds": round(elapsed, 1),
        "events_per_s": round(stored / elapsed, 1),
    }


async def _count(db: Database, project_id: int) -> int:
    return int(await db.value("SELECT count(*) FROM event WHERE project_id = ?", project_id))


def state_plan(issue_ids: list[str]) -> dict[str, list[str]]:
    """Which issues to resolve and mute (by position), the rest stay open."""
    resolved = issue_ids[::RESOLVED_EVERY]
    muted = [i for i in issue_ids[::MUTED_EVERY] if i not in set(resolved)]
    return {"RESOLVED": resolved, "MUTED": muted}


async def set_states(client: GraphQLClient, issue_ids: list[str]) -> dict[str, int]:
    """Resolves and mutes a share of the issues through `bulkUpdateIssues`; counts per state."""
    counts = {}
    for state, ids in state_plan(issue_ids).items():
        for start in range(0, len(ids), BULK_LIMIT):
            await client.data(BULK_UPDATE, {"ids": ids[start : start + BULK_LIMIT], "state": state})
        counts[state.lower()] = len(ids)
    return counts
