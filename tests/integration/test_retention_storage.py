"""What a project keeps, shown by GraphQL `Project.storage` and `faultline stats` (both backends)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from app.compat.rustrak.serializers import iso
from models import Event
from tests.integration.graphql import data
from tests.integration.processes import faultline_env, run_cli
from tests.integration.sentry import ingest, new_project

NOW = datetime.now(UTC).replace(microsecond=0)
STORAGE = "storage { events bytes oldestEvent }"


async def payload_bytes(project_id: int) -> int:
    payloads = await Event.filter(project_id=project_id).values_list("payload", flat=True)
    return sum(len(str(p).encode()) for p in payloads)


async def test_graphql_storage_counts_what_is_kept(http, server, auth):
    kept = await new_project(server, "Kept")
    empty = await new_project(server, "Empty")
    for days in (3, 1):
        await ingest(http, server.url, kept, "stored_fn", NOW - timedelta(days=days))
    await ingest(http, server.url, kept, "other_fn", NOW - timedelta(days=2))
    expected_bytes = await payload_bytes(kept.id)
    assert expected_bytes > 0
    found = await data(
        http,
        server,
        f'{{ a: project(id: "{kept.id}") {{ {STORAGE} }} '
        f'b: project(id: "{empty.id}") {{ {STORAGE} }} }}',
        headers=auth,
    )
    assert found == {
        "a": {
            "storage": {
                "events": 3,
                "bytes": expected_bytes,
                "oldestEvent": (NOW - timedelta(days=3)).isoformat(),
            }
        },
        "b": {"storage": {"events": 0, "bytes": 0, "oldestEvent": None}},
    }


async def test_the_stats_command_prints_each_projects_storage(http, server):
    kept = await new_project(server, "Kept")
    empty = await new_project(server, "Empty")
    await ingest(http, server.url, kept, "stored_fn", NOW - timedelta(days=4))
    await ingest(http, server.url, kept, "stored_fn", NOW)
    expected_bytes = await payload_bytes(kept.id)
    env = faultline_env(server.settings.database_url)
    done = await asyncio.to_thread(run_cli, ["stats"], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "id": kept.id,
            "slug": "kept",
            "events": 2,
            "bytes": expected_bytes,
            "oldest_event": iso(NOW - timedelta(days=4)),
        },
        {"id": empty.id, "slug": "empty", "events": 0, "bytes": 0, "oldest_event": None},
    ]
