"""`python -m bench graphql`: the GraphQL read path at concurrency 10 (bench/README.md).

database   fresh PostgreSQL database `faultline_bench_graphql`
project    `faultline project create bench`, `faultline token create`
server     `faultline serve --port P [--workers N]`
seed       --events events of --issues groups ingested through the server, then a share
           of the issues resolved and muted through GraphQL
queries    issue list, search, issue detail, single event: each --concurrency clients
           for --duration seconds
subscribe  ingest rate without, with --subscribers websocket subscribers, and without again
report     printed, and written to bench/results/graphql.json
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp

from bench import procs
from bench.bodies import request_headers
from bench.children import Children, LoadProcess, run_bench, start_server
from bench.common import RESULTS, BenchError, log
from bench.database import Database, create_project, create_token, recreate_database
from bench.graphql import seed
from bench.graphql.options import GRAPHQL_DATABASE, Options, parse_args
from bench.graphql.queries import (
    ISSUE_FIELDS_QUERY,
    SUBSCRIPTION_FIELDS_QUERY,
    WANTED_DETAIL,
    Operation,
    detail_query,
    operations,
    subscription_fields,
    type_fields,
)
from bench.graphql.report import cpu_ms_per_request, render, summarize
from bench.graphql.runner import GraphQLClient, run_operation
from bench.graphql.subscribers import pick_subscription, subscribed
from bench.report import machine_info

EVENT_SAMPLE = 500
HTTP_TIMEOUT_S = 30.0


async def run(options: Options, children: Children) -> dict[str, Any]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "options": {
            "issues": options.issues,
            "events": options.events,
            "duration_s": options.duration,
            "concurrency": options.concurrency,
            "workers": options.workers,
            "seed_concurrency": options.seed_concurrency,
            "subscribers": options.subscribers,
            "ingest_duration_s": options.ingest_duration,
        },
    }
    pool = str(max(2 * options.issues, 2000))
    load_process = await children.start(
        "load generator",
        [sys.executable, "-m", "bench.load", "--groups", str(options.issues), "--pool", pool],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    load = LoadProcess(load_process, "raw")
    log(f"database: dropping and creating {GRAPHQL_DATABASE}")
    database_url = await recreate_database(options.admin_url, GRAPHQL_DATABASE)
    report["database"] = database_url.split("@")[-1]
    project = await create_project(database_url)
    project_id = int(project["id"])
    token = await create_token(database_url)
    headers = request_headers(project["sentry_key"].replace("-", ""))
    await load.read(timeout_s=300)  # the pool is built

    server, port, _ = await start_server(
        children, database_url, options.workers, RESULTS / "server-graphql.log"
    )
    envelope_url = f"http://127.0.0.1:{port}/api/{project_id}/envelope/"
    graphql_url = f"http://127.0.0.1:{port}/graphql"
    timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=options.concurrency + options.subscribers + 5)
    async with (
        Database(database_url) as db,
        aiohttp.ClientSession(timeout=timeout, connector=connector) as http,
    ):
        client = GraphQLClient(http, graphql_url, token)
        report["seed"] = await seed.ingest(
            load, db, envelope_url, headers, project_id, options.seed_concurrency, options.events
        )
        issue_ids = [
            str(i)
            for i in await db.column(
                "SELECT id FROM issue WHERE project_id = ? ORDER BY id", project_id
            )
        ]
        report["seed"]["states"] = await seed.set_states(client, issue_ids)
        event_ids = [
            str(uuid.UUID(hex=e))
            for e in await db.column(
                "SELECT event_id FROM event WHERE project_id = ? ORDER BY random() LIMIT ?",
                project_id,
                EVENT_SAMPLE,
            )
        ]
        # Seeding updates every issue row per event; autovacuum (off on some shared clusters)
        # would have cleaned up and analysed by the time a user reads.
        await db.value("VACUUM ANALYZE")
        ops, report["detail_fields"] = await build_operations(
            client, options, str(project_id), issue_ids, event_ids
        )
        report["queries"] = []
        for operation in ops:
            log(f"query: {operation.name}, {options.concurrency} clients, {options.duration:g} s")
            result = await measured_operation(client, operation, options, server.pid)
            result["query"] = operation.query
            report["queries"].append(result)
        if options.subscribers:
            report["subscribers"] = await subscriber_phase(
                options,
                load,
                http,
                client,
                envelope_url,
                headers,
                graphql_url,
                token,
                project_id,
                server.pid,
            )
    await children.stop(server)
    await load.send({"cmd": "exit"})
    await children.stop(load_process)
    report["summary"] = summarize(report)
    return report


async def measured_operation(
    client: GraphQLClient, operation: Operation, options: Options, server_pid: int
) -> dict[str, Any]:
    """One operation's figures, with the CPU the server, PostgreSQL and this client spent."""
    groups = {
        "server": procs.tree(server_pid),
        "postgres": procs.postgres_pids(),
        "client": [os.getpid()],
    }
    before = procs.CpuSnapshot.take(groups)
    started = time.perf_counter()
    result = await run_operation(client, operation, options.concurrency, options.duration)
    split = procs.cpu_split(before, procs.CpuSnapshot.take(groups), time.perf_counter() - started)
    result["cpu_ms_per_request"] = cpu_ms_per_request(split, result["requests"])
    result["machine_busy_pct"] = split.get("machine", {}).get("busy_pct")
    result["steal_s"] = split.get("machine", {}).get("steal_s")
    return result


async def build_operations(
    client: GraphQLClient,
    options: Options,
    project_id: str,
    issue_ids: list[str],
    event_ids: list[str],
) -> tuple[list[Operation], list[str]]:
    """The four operations fitted to the schema; each answered once without errors first."""
    issue_fields = type_fields(await client.data(ISSUE_FIELDS_QUERY))
    ops, measured = operations(project_id, issue_ids, event_ids, issue_fields)
    if options.detail_query is not None:
        ops[2] = Operation(
            "issue detail (--detail-query)", options.detail_query.read_text(), ops[2].variables
        )
        measured = [f"as in {options.detail_query}"]
    for index, operation in enumerate(ops):
        try:
            await client.data(operation.query, operation.variables_for(0))
        except RuntimeError as exc:
            guessed = [f for f in ("frequency", "tags") if f in measured]
            if index != 2 or not guessed:
                raise BenchError(f"{operation.name} fails: {exc}") from exc
            # Our selection of fields landing in parallel may not match theirs: measure without.
            log(f"detail query fails with {guessed}, measured without them: {exc}")
            query, measured = detail_query(set(issue_fields) - set(guessed))
            ops[2] = Operation(operation.name, query, operation.variables)
            await client.data(query, operation.variables_for(0))
    log(f"detail query fields: {measured} (wanted {list(WANTED_DETAIL)})")
    return ops, measured


async def subscriber_phase(
    options: Options,
    load: LoadProcess,
    http: aiohttp.ClientSession,
    client: GraphQLClient,
    envelope_url: str,
    headers: dict[str, str],
    graphql_url: str,
    token: str,
    project_id: int,
    server_pid: int,
) -> dict[str, Any]:
    """Ingest rate without, with `--subscribers` subscribers, and without again; and the
    server's CPU per accepted event in each (steadier than rates on a shared machine)."""
    fields = subscription_fields(await client.data(SUBSCRIPTION_FIELDS_QUERY))
    field = pick_subscription(fields)
    if field is None:
        reason = f"the schema has no issueChanged/issueCreated subscription (has: {fields})"
        log(f"subscribers: {reason}")
        return {"count": options.subscribers, "skipped": reason}

    cpu_ms: list[float] = []

    async def ingest_rate() -> float:
        groups = {"server": procs.tree(server_pid)}
        start = procs.CpuSnapshot.take(groups)
        began = time.perf_counter()
        result = await load.run(
            envelope_url, headers, options.seed_concurrency, options.ingest_duration
        )
        split = procs.cpu_split(start, procs.CpuSnapshot.take(groups), time.perf_counter() - began)
        cpu_ms.append(cpu_ms_per_request(split, int(result["ok"]))["server"])
        return float(result["ok_per_s"])

    before = await ingest_rate()
    try:
        async with subscribed(
            http, graphql_url, token, str(project_id), field, options.subscribers
        ) as subscribers:
            with_subscribers = await ingest_rate()
    except (RuntimeError, aiohttp.ClientError) as exc:
        log(f"subscribers: {exc}")
        return {"count": options.subscribers, "field": field, "skipped": f"failed: {exc}"}
    after = await ingest_rate()
    without = (before + after) / 2
    return {
        "count": options.subscribers,
        "field": field,
        "without_per_s": round(without, 1),
        "without_runs_per_s": [before, after],
        "with_per_s": with_subscribers,
        "ratio": round(with_subscribers / without, 3) if without else None,
        # Without, with, without again.
        "server_cpu_ms_per_event": cpu_ms,
        "messages_per_subscriber": [s.messages for s in subscribers],
        "errors": [e for s in subscribers for e in s.errors],
    }


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    return run_bench(lambda children: run(options, children), options.output, render, options.check)


if __name__ == "__main__":
    sys.exit(main())
