"""The GraphQL bench's client side against the real app: its queries answer without errors."""

from __future__ import annotations

import uuid
from pathlib import Path

from bench.bodies import build_pool, gzip_body, request_headers
from bench.events import EventFactory
from bench.graphql.__main__ import build_operations
from bench.graphql.options import parse_args
from bench.graphql.queries import DETAIL_FIELDS
from bench.graphql.runner import GraphQLClient, run_operation
from bench.graphql.seed import set_states
from models import Issue
from schema import schema
from tests.integration.sentry import new_project

GROUPS = 12


async def test_seeded_issues_answer_every_bench_query(http, server, token, tmp_path: Path):
    project = await new_project(server)
    headers = request_headers(project.key.replace("-", ""))
    for prepared in build_pool(EventFactory(GROUPS), GROUPS):
        body = gzip_body(prepared, uuid.uuid4().hex, "2026-11-29T00:00:00.000000Z")
        async with http.post(project.envelope_url, data=body, headers=headers) as response:
            assert response.status == 200, await response.text()
    issue_ids = [str(i) for i in await Issue.all().order_by("id").values_list("id", flat=True)]
    assert len(issue_ids) == GROUPS

    client = GraphQLClient(http, server("/graphql"), token)
    assert await set_states(client, issue_ids) == {"resolved": 2, "muted": 0}
    assert await Issue.filter(state="resolved").count() == 2

    event_id = str(
        uuid.UUID(hex=(await Issue.all().first().prefetch_related("events")).events[0].event_id)
    )  # type: ignore[union-attr]
    options = parse_args(["--output", str(tmp_path / "r.json")])
    ops, measured = await build_operations(client, options, str(project.id), issue_ids, [event_id])
    # Every detail field the schema has: a selection of ours that no longer fits fails here.
    in_schema = schema._schema.type_map["Issue"].fields
    assert measured == [name for name, _ in DETAIL_FIELDS if name in in_schema]
    for operation in ops:
        result = await run_operation(client, operation, concurrency=2, duration_s=0.2)
        assert result["errors"] == {}, result["error_samples"]
        assert result["ok"] == result["requests"] > 0
