"""`python -m bench`: Faultline's ingestion benchmark, end to end, in one run (bench/README.md).

    database   fresh PostgreSQL database `faultline_bench` (unless --database-url)
    project    `faultline project create bench`
    server     `faultline serve --port P [--workers N]`, its own process(es)
    load       `python -m bench.load`, its own process: --concurrency connections for --duration
    stored     polls the database until every accepted (200) event is there
    sweeping   with --sweeping: the same again, a fresh server sweeping expired events of
               another project meanwhile (backlog.py), then once more without; the ratio of
               the sweeping rate to the mean of the two others
    alerts     (--alert-rules) the Sentry run again, on a fresh database, for a project with
               new_issue, regression and spike rules posting to a webhook in this process
    rollbar    the same events as pyrollbar items to POST /api/1/item/ on a second project
               (--rollbar-duration), load and stored the same way
    ceiling    `python -m bench.ceiling`: the same load against a bare aiohttp server
    report     printed, and written to bench/results/latest.json

Every process started is stopped at the end, on errors and on Ctrl-C too.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench import backlog
from bench.alerts import ALERT_ENV, add_alert_rules, delivery_counts, webhook_receiver
from bench.bodies import request_headers
from bench.children import (
    Children,
    LoadProcess,
    free_port,
    run_bench,
    start_server,
    tail,
    wait_healthy,
)
from bench.common import RESULTS, log
from bench.database import Database, create_project, recreate_database, wait_stored
from bench.measure import RssMonitor, measured_load
from bench.options import BENCH_DATABASE, Options, parse_args
from bench.report import (
    cpu_per_event,
    machine_info,
    postgres_figures,
    render,
    summarize,
)
from bench.rollbar_items import request_headers as rollbar_headers


async def run(options: Options, children: Children) -> dict[str, Any]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    report["machine"] = machine_info()
    report["options"] = {
        "duration_s": options.duration,
        "concurrency": options.concurrency,
        "workers": options.workers,
        "groups": options.groups,
        "pool": options.pool,
        "ceiling_duration_s": options.ceiling_duration,
        "rollbar_duration_s": options.rollbar_duration,
        "client": options.client,
        "sweeping_events": options.sweeping,
        "alert_rules": options.alert_rules,
        "server_env": {k: v for k, v in os.environ.items() if k.startswith("FAULTLINE_")},
    }

    # The load generator builds its pool while the database and server come up.
    pool_args = ["--groups", str(options.groups), "--pool", str(options.pool)]
    load_process = await children.start(
        "load generator",
        [sys.executable, "-m", "bench.load", *pool_args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    load = LoadProcess(load_process, options.client)

    if options.database_url:
        database_url = options.database_url
        log(f"database: {database_url} (given)")
    else:
        log(f"database: dropping and creating {BENCH_DATABASE}")
        database_url = await recreate_database(options.admin_url, BENCH_DATABASE)
    report["database"] = database_url.split("@")[-1]
    log("project: faultline project create bench")
    project = await create_project(database_url)
    project_id = int(project["id"])
    headers = request_headers(project["sentry_key"].replace("-", ""))

    ready = await load.read(timeout_s=300)
    report["events"] = {**ready["pool"], "build_s": ready["build_s"]}
    report["load_generator_setup_cpu_s"] = ready["build_cpu_s"]
    log(
        f"events: {ready['pool']['events']} payloads, {ready['pool']['json_kb_mean']} KB JSON / "
        f"{ready['pool']['gzip_kb_mean']} KB gzip on average, {options.groups} groups"
    )

    expired_project = None
    if options.sweeping:
        log(f"sweeping: {options.sweeping} expired events for the sweeper, in another project")
        expired_project = await backlog.fill(database_url, options.sweeping)
    report["faultline"] = await faultline_phase(
        options, children, load, database_url, project_id, headers, backlog_of=expired_project
    )
    if expired_project is not None:
        log("sweeping: the same run again, the retention sweeper deleting them meanwhile")
        report["sweeping"] = await faultline_phase(
            options,
            children,
            load,
            database_url,
            project_id,
            headers,
            backlog_of=expired_project,
            env={"FAULTLINE_RETENTION_SWEEP_INTERVAL_S": "1"},
        )
        log("sweeping: the run without sweeping once more (the baseline is the mean of both)")
        report["plain_after"] = await faultline_phase(
            options, children, load, database_url, project_id, headers, backlog_of=expired_project
        )
    if options.alert_rules:
        report["alerts"] = await alerts_phase(options, children, load, database_url)
    if options.rollbar_duration > 0:
        log("project: faultline project create bench (Rollbar items)")
        rollbar_project = int((await create_project(database_url))["id"])
        async with Database(database_url) as db:
            token = await db.value(
                "SELECT token FROM project_access_token WHERE project_id = ? AND scopes = ?",
                rollbar_project,
                "post_server_item",
            )
        report["rollbar"] = await faultline_phase(
            options,
            children,
            load,
            database_url,
            rollbar_project,
            rollbar_headers(token),
            surface="rollbar",
        )
    if options.ceiling_duration > 0:
        report["ceiling"] = await ceiling_phase(options, children, load, project_id, headers)

    await load.send({"cmd": "exit"})
    await children.stop(load_process)
    report["summary"] = summarize(report)
    return report


async def faultline_phase(
    options: Options,
    children: Children,
    load: LoadProcess,
    database_url: str,
    project_id: int,
    headers: dict[str, str],
    surface: str = "sentry",
    *,
    backlog_of: int | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Server up, the load, the wait until stored, server down: the report's `faultline`
    (or `rollbar`: the same, with pyrollbar items to the item endpoint; or `sweeping`: with
    `env` making the server sweep). `backlog_of`: the project of expired events, counted
    before and after the load."""
    server_log = RESULTS / "server.log"
    server, port, startup_s = await start_server(
        children, database_url, options.workers, server_log, env
    )
    expired: dict[str, int] = {}

    async with Database(database_url) as db:
        counters_before = await db.pg_counters()
        monitor = RssMonitor(server.pid)
        monitor.start()
        if surface == "rollbar":
            url, duration = f"http://127.0.0.1:{port}/api/1/item/", options.rollbar_duration
        else:
            url, duration = f"http://127.0.0.1:{port}/api/{project_id}/envelope/", options.duration
        log(f"load: {options.concurrency} connections for {duration:g} s against {url}")
        if backlog_of is not None:
            expired["before"] = await backlog.expired_left(db, backlog_of)
        result, cpu = await measured_load(
            load, server.pid, url, headers, options.concurrency, duration, surface
        )
        if backlog_of is not None:
            expired["after"] = await backlog.expired_left(db, backlog_of)
        log(f"load: {result['ok']} accepted ({result['ok_per_s']}/s); waiting until stored")
        stored, last_stored_at, waited = await wait_stored(
            db, project_id, result["ok"], result["wall_end"]
        )
        memory = await monitor.stop()
        issues = await db.value("SELECT count(*) FROM issue WHERE project_id = ?", project_id)
        exit_code = await children.stop(server)
        counters_after = await db.pg_counters()

    end_to_end_s = last_stored_at - result["wall_start"]
    cpu_ms_per_event, cpu_bound_per_s = cpu_per_event(cpu, result["ok"])
    return {
        **result,
        "stored": stored,
        "stored_wait_s": round(waited, 2),
        "end_to_end_s": round(end_to_end_s, 3),
        "stored_per_s": round(min(stored, result["ok"]) / end_to_end_s, 1)
        if end_to_end_s > 0
        else 0.0,
        "issues": issues,
        "memory": memory,
        "cpu": cpu,
        "cpu_ms_per_event": cpu_ms_per_event,
        "cpu_bound_per_s": cpu_bound_per_s,
        "server_startup_s": round(startup_s, 2),
        "server_exit_code": exit_code,
        "server_log_lines": len(tail(server_log, 100_000).splitlines()),
        "postgres": postgres_figures(counters_before, counters_after, stored),
        **({"expired_events": expired} if expired else {}),
    }


async def alerts_phase(
    options: Options, children: Children, load: LoadProcess, database_url: str
) -> dict[str, Any]:
    """The Sentry run again with alert rules active: the report's `alerts`."""
    if not options.database_url:  # as the first run had it: an empty database
        log(f"database: dropping and creating {BENCH_DATABASE} (alerts run)")
        database_url = await recreate_database(options.admin_url, BENCH_DATABASE)
    log("project: faultline project create bench (with alert rules)")
    project = await create_project(database_url)
    project_id = int(project["id"])
    headers = request_headers(project["sentry_key"].replace("-", ""))
    async with webhook_receiver() as receiver:
        await add_alert_rules(database_url, project_id, receiver.url)
        # The receiver listens on 127.0.0.1, which the SSRF guard refuses by default.
        result = await faultline_phase(
            options, children, load, database_url, project_id, headers, env=ALERT_ENV
        )
        received = receiver.requests
        distinct = len(receiver.ids)
    result["webhooks_received"] = received
    result["webhooks_distinct"] = distinct
    result["deliveries"] = await delivery_counts(database_url, project_id)
    return result


async def ceiling_phase(
    options: Options,
    children: Children,
    load: LoadProcess,
    project_id: int,
    headers: dict[str, str],
) -> dict[str, Any]:
    """The same load against the bare aiohttp server: the report's `ceiling`."""
    workers = ["--workers", str(options.workers)]
    port = free_port()
    ceiling_log = RESULTS / "ceiling.log"
    with ceiling_log.open("wb") as log_file:
        ceiling = await children.start(
            "ceiling server",
            [sys.executable, "-m", "bench.ceiling", "--port", str(port), *workers],
            stdout=log_file,
            stderr=log_file,
        )
    await wait_healthy(ceiling, port, ceiling_log)
    await asyncio.sleep(1.0 if options.workers > 1 else 0.2)
    url = f"http://127.0.0.1:{port}/api/{project_id}/envelope/"
    log(f"ceiling: bare aiohttp, {options.ceiling_duration:g} s")
    monitor = RssMonitor(ceiling.pid)
    monitor.start()
    result, cpu = await measured_load(
        load, ceiling.pid, url, headers, options.concurrency, options.ceiling_duration
    )
    memory = await monitor.stop()
    await children.stop(ceiling)
    return {**result, "workers": options.workers, "cpu": cpu, "memory": memory}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["graphql"]:
        from bench.graphql.__main__ import main as graphql_main

        return graphql_main(arguments[1:])
    options = parse_args(arguments)
    return run_bench(lambda children: run(options, children), options.output, render, options.check)


if __name__ == "__main__":
    sys.exit(main())
