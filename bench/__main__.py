"""`python -m bench`: Faultline's ingestion benchmark, end to end, in one run (bench/README.md).

    database   fresh PostgreSQL database `faultline_bench` (unless --database-url)
    project    `faultline project create bench`
    server     `faultline serve --port P [--workers N]`, its own process(es)
    load       `python -m bench.load`, its own process: --concurrency connections for --duration
    stored     polls the database until every accepted (200) event is there
    ceiling    `python -m bench.ceiling`: the same load against a bare aiohttp server
    report     printed, and written to bench/results/latest.json

Every process started is stopped at the end, on errors and on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import aiohttp
import asyncpg

from bench import procs

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "faultline_bench"
STORED_TIMEOUT_S = 60.0
START_TIMEOUT_S = 60.0

# The targets the figures are held against.
TARGET_STORED_PER_S = 1500.0
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 250.0


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    duration: float
    concurrency: int
    workers: int
    groups: int
    pool: int
    database_url: str | None
    admin_url: str
    ceiling_duration: float
    output: Path
    check: bool
    client: str


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Faultline ingestion benchmark (see bench/README.md).",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (20)")
    parser.add_argument("--concurrency", type=int, default=50, help="connections (50)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes: faultline serve --workers (default: one per core)",
    )
    parser.add_argument("--groups", type=int, default=50, help="distinct issues to make (50)")
    parser.add_argument("--pool", type=int, default=2000, help="distinct event payloads (2000)")
    parser.add_argument(
        "--database-url",
        help=f"use this database instead of a fresh PostgreSQL `{BENCH_DATABASE}`",
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("FAULTLINE_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL),
        help="PostgreSQL maintenance database used to drop and create the bench database "
        f"(env FAULTLINE_BENCH_ADMIN_URL; default {DEFAULT_ADMIN_URL})",
    )
    parser.add_argument(
        "--ceiling-duration",
        type=float,
        default=None,
        help="seconds of load against the bare aiohttp ceiling (default: min(duration, 10)); "
        "0 skips it",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "latest.json", help="JSON report path"
    )
    parser.add_argument(
        "--client",
        choices=("aiohttp", "raw"),
        default="raw",
        help="load generator's HTTP client: raw (default), a bare asyncio HTTP/1.1 keep-alive "
        "client that leaves the shared cores to the server as wrk would, or aiohttp (about "
        "twice the CPU per request)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a target is missed (for CI)"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.workers < 1 or args.groups < 1:
        parser.error("duration, concurrency, workers and groups must be positive")
    ceiling = min(args.duration, 10.0) if args.ceiling_duration is None else args.ceiling_duration
    return Options(
        duration=args.duration,
        concurrency=args.concurrency,
        workers=args.workers,
        groups=args.groups,
        pool=max(args.pool, args.groups),
        database_url=args.database_url,
        admin_url=args.admin_url,
        ceiling_duration=max(0.0, ceiling),
        output=args.output,
        check=args.check,
        client=args.client,
    )


# --- child processes -------------------------------------------------------------------------


class Children:
    """Every process the bench starts, each in its own process group, all stopped at the end.

    Own process groups keep a Ctrl-C in the terminal away from them (the bench stops them in
    order instead), and let a server's worker processes be killed with it if need be.
    """

    def __init__(self) -> None:
        self._running: dict[int, tuple[str, asyncio.subprocess.Process]] = {}

    async def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | IO[Any] | None = subprocess.DEVNULL,
        stderr: int | IO[Any] | None = None,
    ) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            cwd=REPO,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        self._running[process.pid] = (name, process)
        return process

    async def stop(self, process: asyncio.subprocess.Process, timeout_s: float = 20.0) -> int:
        """SIGTERM (the server drains and exits), SIGKILL to its group after `timeout_s`."""
        name, _ = self._running.pop(process.pid, ("?", process))
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout_s)
            except TimeoutError:
                log(f"{name} (pid {process.pid}) did not stop in {timeout_s:.0f} s; killing it")
        # Whatever is left of its group (workers whose supervisor died, say): SIGKILL.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.returncode is None:
            await process.wait()
        return process.returncode if process.returncode is not None else -1

    async def stop_all(self) -> None:
        for _, process in list(self._running.values())[::-1]:
            await self.stop(process, timeout_s=10.0)

    def kill_all(self) -> None:
        """Last resort, without an event loop: SIGKILL every group still registered."""
        for pid in list(self._running):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        self._running.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def faultline_command() -> list[str]:
    script = Path(sys.executable).with_name("faultline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["FAULTLINE_LOG_LEVEL"] = "WARNING"
    return env


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


async def wait_healthy(
    process: asyncio.subprocess.Process, port: int, log_path: Path | None
) -> float:
    """Seconds until GET /health answers 200; raises when the process exits or times out."""
    started = time.perf_counter()
    deadline = started + START_TIMEOUT_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.perf_counter() < deadline:
            if process.returncode is not None:
                logs = tail(log_path) if log_path else ""
                raise BenchError(f"server exited with {process.returncode}:\n{logs}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            await asyncio.sleep(0.1)
    raise BenchError(f"server did not answer /health within {START_TIMEOUT_S:.0f} s")


# --- database --------------------------------------------------------------------------------


def asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def database_url_for(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rstrip("/").rpartition("/")
    return f"{base}/{name}"


async def recreate_database(admin_url: str, name: str) -> str:
    connection = await asyncpg.connect(asyncpg_url(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url_for(admin_url, name)


class Database:
    """Read-only look-ups in the bench database (PostgreSQL, or SQLite for a --database-url)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pg: asyncpg.Connection | None = None

    async def __aenter__(self) -> Database:
        if is_postgres(self.url):
            self._pg = await asyncpg.connect(asyncpg_url(self.url))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pg is not None:
            await self._pg.close()

    async def value(self, sql: str, *args: Any) -> Any:
        if self._pg is not None:
            numbers = iter(range(1, len(args) + 1))
            return await self._pg.fetchval(re.sub(r"\?", lambda _: f"${next(numbers)}", sql), *args)
        path = self.url.removeprefix("sqlite://").split("?", 1)[0]

        def query() -> Any:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                row = conn.execute(sql, args).fetchone()
                return row[0] if row else None

        return await asyncio.to_thread(query)

    async def pg_counters(self) -> dict[str, int]:
        """Commits in this database, WAL bytes and WAL syncs of the cluster (PostgreSQL only)."""
        if self._pg is None:
            return {}
        row = await self._pg.fetchrow(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())"
            " AS commits, pg_current_wal_lsn() - '0/0'::pg_lsn AS wal_bytes,"
            " (SELECT wal_sync FROM pg_stat_wal) AS wal_syncs"
        )
        return {key: int(row[key] or 0) for key in ("commits", "wal_bytes", "wal_syncs")}


async def create_project(database_url: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        *faultline_command(),
        "project",
        "create",
        "bench",
        env=server_env(database_url),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 120)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise BenchError(f"faultline project create failed: {err.decode(errors='replace')}")
    project: dict[str, Any] = json.loads(out)
    return project


async def wait_stored(
    db: Database, project_id: int, accepted: int, load_end: float
) -> tuple[int, float, float]:
    """(stored count, when the last accepted event was stored, seconds waited) — see README."""
    started = time.time()
    deadline = time.monotonic() + STORED_TIMEOUT_S
    first = True
    while True:
        stored = int(await db.value("SELECT count(*) FROM event WHERE project_id = ?", project_id))
        now = time.time()
        if stored >= accepted:
            # A 200 is sent after the commit: already complete at the first look means the last
            # one was stored before its answer, i.e. by the end of the load.
            return stored, (load_end if first else now), now - started
        if time.monotonic() > deadline:
            return stored, now, now - started
        first = False
        await asyncio.sleep(0.05)


# --- memory ----------------------------------------------------------------------------------


class RssMonitor:
    """Polls the summed VmRSS of a process tree; the peak is the figure reported."""

    def __init__(self, root: int, interval_s: float = 0.1) -> None:
        self.root = root
        self.interval_s = interval_s
        self.peak_kb = 0
        self.peak_at = 0.0
        self.samples = 0
        self.pids: list[int] = procs.tree(root)
        self.start_kb = sum(procs.rss_kb(pid) for pid in self.pids)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            if self.samples % 20 == 0:
                self.pids = procs.tree(self.root)
            total = sum(procs.rss_kb(pid) for pid in self.pids)
            self.samples += 1
            if total > self.peak_kb:
                self.peak_kb, self.peak_at = total, time.time()
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> dict[str, Any]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        processes: list[dict[str, Any]] = []
        for pid in procs.tree(self.root):
            rss, hwm = procs.memory_kb(pid)
            processes.append(
                {
                    "pid": pid,
                    "cmd": procs.cmdline(pid)[:100],
                    "rss_mb": round(rss / 1024, 1),
                    "hwm_mb": round(hwm / 1024, 1),
                }
            )
        return {
            "peak_mb": round(self.peak_kb / 1024, 1),
            "idle_mb": round(self.start_kb / 1024, 1),
            "sum_of_process_peaks_mb": round(sum(p["hwm_mb"] for p in processes), 1),
            "samples": self.samples,
            "processes": processes,
        }


# --- one load phase --------------------------------------------------------------------------


class LoadProcess:
    """The load generator's process and its JSON-lines protocol (bench/load.py)."""

    def __init__(self, process: asyncio.subprocess.Process, client: str) -> None:
        self.process = process
        self.client = client

    async def read(self, timeout_s: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout_s)
        if not line:
            raise BenchError(f"the load generator exited ({self.process.returncode})")
        message: dict[str, Any] = json.loads(line)
        return message

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def run(
        self, url: str, headers: dict[str, str], concurrency: int, duration: float
    ) -> dict[str, Any]:
        await self.send(
            {
                "cmd": "run",
                "url": url,
                "headers": headers,
                "concurrency": concurrency,
                "duration": duration,
                "client": self.client,
            }
        )
        return await self.read(timeout_s=duration + 120)


def cpu_groups(server_pid: int, load_pid: int) -> dict[str, list[int]]:
    return {
        "server": procs.tree(server_pid),
        "postgres": procs.postgres_pids(),
        "load_generator": [load_pid],
        "bench": [os.getpid()],
    }


async def measured_load(
    load: LoadProcess,
    server_pid: int,
    url: str,
    headers: dict[str, str],
    concurrency: int,
    duration: float,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one load phase; returns the generator's result and the CPU split over it."""
    before = procs.CpuSnapshot.take(cpu_groups(server_pid, load.process.pid))
    everyone_before = procs.all_cpu()
    started = time.perf_counter()
    result = await load.run(url, headers, concurrency, duration)
    wall = time.perf_counter() - started
    everyone_after = procs.all_cpu()
    after = procs.CpuSnapshot.take(cpu_groups(server_pid, load.process.pid))
    split = procs.cpu_split(before, after, wall)
    groups: dict[str, dict[str, float]] = split["groups"]
    machine: dict[str, float] = split.get("machine", {})
    measured = [pid for pids in after.groups.values() for pid in pids]
    others = procs.top_processes(everyone_before, everyone_after, measured, 100_000, min_s=0)
    other_s = sum(p["cpu_s"] for p in others)
    groups["other processes"] = {
        "cpu_s": round(other_s, 2),
        "cores_used": round(other_s / wall, 2),
    }
    split["top_other_processes"] = [p for p in others[:5] if p["cpu_s"] >= 0.05]
    if machine:
        irq = machine["irq_s"]
        groups["kernel irq"] = {"cpu_s": irq, "cores_used": round(irq / wall, 2)}
    return result, split


# --- the run ---------------------------------------------------------------------------------


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
        "client": options.client,
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
    key = project["sentry_key"].replace("-", "")
    headers = {
        "Content-Type": "application/x-sentry-envelope",
        "Content-Encoding": "gzip",
        "Accept-Encoding": "identity",
        "User-Agent": "sentry.python/2.75.0",
        "X-Sentry-Auth": f"Sentry sentry_key={key}, sentry_version=7, "
        "sentry_client=sentry.python/2.75.0",
    }

    ready = await load.read(timeout_s=300)
    report["events"] = {**ready["pool"], "build_s": ready["build_s"]}
    report["load_generator_setup_cpu_s"] = ready["build_cpu_s"]
    log(
        f"events: {ready['pool']['events']} payloads, {ready['pool']['json_kb_mean']} KB JSON / "
        f"{ready['pool']['gzip_kb_mean']} KB gzip on average, {options.groups} groups"
    )

    # --- Faultline ---
    port = free_port()
    server_log = RESULTS / "server.log"
    workers = ["--workers", str(options.workers)] if options.workers > 1 else []
    with server_log.open("wb") as log_file:
        server = await children.start(
            "faultline server",
            [*faultline_command(), "serve", "--port", str(port), *workers],
            env=server_env(database_url),
            stdout=log_file,
            stderr=log_file,
        )
    startup_s = await wait_healthy(server, port, server_log)
    await asyncio.sleep(1.0)  # let spawned workers settle (all answer /health by now)
    log(f"server: pid {server.pid} on port {port}, healthy after {startup_s:.1f} s")

    async with Database(database_url) as db:
        counters_before = await db.pg_counters()
        monitor = RssMonitor(server.pid)
        monitor.start()
        url = f"http://127.0.0.1:{port}/api/{project_id}/envelope/"
        log(f"load: {options.concurrency} connections for {options.duration:g} s against {url}")
        result, cpu = await measured_load(
            load, server.pid, url, headers, options.concurrency, options.duration
        )
        log(f"load: {result['ok']} accepted ({result['ok_per_s']}/s); waiting until stored")
        stored, last_stored_at, waited = await wait_stored(
            db, project_id, result["ok"], result["wall_end"]
        )
        memory = await monitor.stop()
        issues = await db.value("SELECT count(*) FROM issue WHERE project_id = ?", project_id)
        exit_code = await children.stop(server)
        counters_after = await db.pg_counters()

    end_to_end_s = last_stored_at - result["wall_start"]
    cpu_ms_per_event = {
        name: round(group["cpu_s"] * 1000 / result["ok"], 3) if result["ok"] else None
        for name, group in cpu["groups"].items()
    }
    pipeline_ms = sum(
        cpu_ms_per_event.get(name) or 0.0 for name in ("server", "postgres", "load_generator")
    )
    commits = counters_after.get("commits", 0) - counters_before.get("commits", 0)
    report["faultline"] = {
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
        # What the machine could do if server, PostgreSQL and generator had every core busy.
        "cpu_bound_per_s": round(cpu["cores"] * 1000 / pipeline_ms, 0) if pipeline_ms else None,
        "server_startup_s": round(startup_s, 2),
        "server_exit_code": exit_code,
        "server_log_lines": len(tail(server_log, 100_000).splitlines()),
        "postgres": {
            # asyncpg's pool resets a connection on release with a statement of its own, one
            # more transaction: a group commit shows as two.
            "transactions": commits,
            "events_per_batch": round(stored / (commits / 2), 1) if commits > 1 else None,
            "wal_mb": round(
                (counters_after.get("wal_bytes", 0) - counters_before.get("wal_bytes", 0))
                / 1024
                / 1024,
                1,
            ),
            "wal_syncs": counters_after.get("wal_syncs", 0) - counters_before.get("wal_syncs", 0),
        }
        if counters_before
        else {},
    }

    # --- ceiling ---
    if options.ceiling_duration > 0:
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
        ceiling_monitor = RssMonitor(ceiling.pid)
        ceiling_monitor.start()
        ceiling_result, ceiling_cpu = await measured_load(
            load, ceiling.pid, url, headers, options.concurrency, options.ceiling_duration
        )
        ceiling_memory = await ceiling_monitor.stop()
        await children.stop(ceiling)
        report["ceiling"] = {
            **ceiling_result,
            "workers": options.workers,
            "cpu": ceiling_cpu,
            "memory": ceiling_memory,
        }

    await load.send({"cmd": "exit"})
    await children.stop(load_process)
    report["summary"] = summarize(report)
    return report


# --- the report ------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "git": f"{commit}{' (uncommitted changes)' if dirty else ''}",
        "load_average": os.getloadavg()[0],
    }


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    faultline = report["faultline"]
    non_2xx = sum(faultline["non_2xx"].values())
    connection_errors = sum(faultline["connection_errors"].values())
    missing = max(0, faultline["ok"] - faultline["stored"])
    ceiling = report.get("ceiling")
    ceiling_per_s = ceiling["ok_per_s"] if ceiling else None
    summary = {
        "accepted_per_s": faultline["ok_per_s"],
        "stored_per_s": faultline["stored_per_s"],
        "p50_ms": faultline["latency_ms"]["p50"],
        "p95_ms": faultline["latency_ms"]["p95"],
        "p99_ms": faultline["latency_ms"]["p99"],
        "non_2xx": faultline["non_2xx"],
        "connection_errors": faultline["connection_errors"],
        "errors": non_2xx + connection_errors,
        "accepted_not_stored": missing,
        "server_peak_rss_mb": faultline["memory"]["peak_mb"],
        "load_generator_cpu_s": faultline["cpu_s"],
        "ceiling_per_s": ceiling_per_s,
        "stored_vs_ceiling": round(faultline["stored_per_s"] / ceiling_per_s, 3)
        if ceiling_per_s
        else None,
    }
    summary["targets"] = {
        "stored_per_s": {
            "target": f">= {TARGET_STORED_PER_S:g}",
            "met": faultline["stored_per_s"] >= TARGET_STORED_PER_S,
        },
        "p99_ms": {
            "target": f"<= {TARGET_P99_MS:g}",
            "met": faultline["latency_ms"]["p99"] <= TARGET_P99_MS,
        },
        "errors": {"target": "0", "met": non_2xx + connection_errors + missing == 0},
        "server_peak_rss_mb": {
            "target": f"<= {TARGET_RSS_MB:g}",
            "met": faultline["memory"]["peak_mb"] <= TARGET_RSS_MB,
        },
    }
    summary["all_targets_met"] = all(t["met"] for t in summary["targets"].values())
    return summary


def _mark(met: bool) -> str:
    return "ok  " if met else "MISS"


def _cpu_line(cpu: dict[str, Any]) -> str:
    groups = cpu["groups"]
    parts = [f"{name} {g['cores_used']:.2f}" for name, g in groups.items() if g["cpu_s"] > 0]
    machine = cpu.get("machine", {})
    idle = (
        f"; machine busy {machine['busy_pct']:.0f}%, iowait {machine['iowait_s']:.1f} s, "
        f"steal {machine['steal_s']:.1f} s"
        if machine
        else ""
    )
    others = ", ".join(f"{p['comm']} {p['cpu_s']:.1f} s" for p in cpu["top_other_processes"])
    others = f"\n      other processes: {others}" if others else ""
    return f"{', '.join(parts)} (of {cpu['cores']}){idle}{others}"


def render(report: dict[str, Any]) -> str:
    s = report["summary"]
    f = report["faultline"]
    opts = report["options"]
    events = report["events"]
    targets = s["targets"]
    errors = s["errors"] + s["accepted_not_stored"]
    per_event = {k: v or 0.0 for k, v in f["cpu_ms_per_event"].items()}
    lines = [
        "",
        f"Faultline ingestion benchmark  {report['started_at']}  git {report['machine']['git']}",
        f"machine: {report['machine']['cores']} cores ({report['machine']['cpu']}), Python "
        f"{report['machine']['python']}; server, PostgreSQL and load generator share them",
        f"load:    {opts['concurrency']} connections ({opts['client']} client) for "
        f"{opts['duration_s']:g} s, "
        f"{opts['workers']} server process(es), database {report['database']}",
        f"events:  {events['events']} payloads x unique ids, {events['json_kb_mean']} KB JSON "
        f"({events['json_kb_min']}-{events['json_kb_max']}), {events['gzip_kb_mean']} KB gzip, "
        f"{opts['groups']} groups -> {f['issues']} issues",
        "",
        f"  {'':38} {'result':>14}   {'target':<10}",
        f"  {'stored events/s, end to end':38} {s['stored_per_s']:>14,.1f}   "
        f"{targets['stored_per_s']['target']:<10} {_mark(targets['stored_per_s']['met'])}",
        f"  {'accepted/s (200s over the load window)':38} {s['accepted_per_s']:>14,.1f}",
        f"  {'latency p50 / p95 (ms)':38} {s['p50_ms']:>6.1f} / {s['p95_ms']:>5.1f}",
        f"  {'latency p99 (ms)':38} {s['p99_ms']:>14.1f}   "
        f"{targets['p99_ms']['target']:<10} {_mark(targets['p99_ms']['met'])}",
        f"  {'errors (non-2xx + connection + lost)':38} {errors:>14}   "
        f"{targets['errors']['target']:<10} {_mark(targets['errors']['met'])}",
        f"  {'server peak RSS (MB, all processes)':38} {s['server_peak_rss_mb']:>14.1f}   "
        f"{targets['server_peak_rss_mb']['target']:<10} "
        f"{_mark(targets['server_peak_rss_mb']['met'])}",
    ]
    if s["errors"] or s["accepted_not_stored"]:
        lines.append(
            f"      non-2xx {s['non_2xx'] or '{}'}, connection errors "
            f"{s['connection_errors'] or '{}'}, accepted but not stored "
            f"{s['accepted_not_stored']}"
        )
        lines += [f"      e.g. {sample}" for sample in f["error_samples"][:3]]
    lines += [
        "",
        f"  requests {f['responses']:,} ({f['ok']:,} accepted), stored {f['stored']:,}; "
        f"load {f['elapsed_s']:.1f} s, last event stored {f['end_to_end_s']:.2f} s after "
        f"the start; latency max {f['latency_ms']['max']:.0f} ms",
        f"  accepted per second: min {min(f['per_second_ok'][:-1] or [0]):,}, "
        f"max {max(f['per_second_ok'] or [0]):,} (the last, partial second left out)",
        f"  server RSS: {f['memory']['idle_mb']:.0f} MB idle before the load, peak "
        f"{f['memory']['peak_mb']:.0f} MB (sum of per-process peaks "
        f"{f['memory']['sum_of_process_peaks_mb']:.0f} MB)",
        f"  CPU during the load, in cores: {_cpu_line(f['cpu'])}",
        f"  CPU per accepted event: server {per_event['server']:.2f} ms, postgres "
        f"{per_event['postgres']:.2f} ms, load generator {per_event['load_generator']:.2f} ms"
        f" -> all {f['cpu']['cores']} cores busy would give ~{f['cpu_bound_per_s']:,.0f}/s",
        f"  load generator: {f['cpu_s']:.1f} CPU s = {f['cpu_us_per_request']:.0f} µs/request "
        f"(+ {report['load_generator_setup_cpu_s']:.1f} s building the payloads beforehand)",
    ]
    pg = f.get("postgres") or {}
    if pg:
        lines.append(
            f"  PostgreSQL: {pg['transactions']:,} transactions in the bench database (~2 per "
            f"group commit: ~{pg['events_per_batch']} events per batch), {pg['wal_mb']:.0f} MB "
            f"WAL, {pg['wal_syncs']:,} WAL syncs (cluster-wide)"
        )
    ceiling = report.get("ceiling")
    if ceiling:
        lines += [
            "",
            f"  ceiling: bare aiohttp, same route and load, {ceiling['workers']} process(es), "
            f"{ceiling['duration_s']:g} s",
            f"  {'ceiling requests/s':38} {ceiling['ok_per_s']:>14,.1f}   "
            f"(p99 {ceiling['latency_ms']['p99']:.1f} ms, errors "
            f"{sum(ceiling['non_2xx'].values()) + sum(ceiling['connection_errors'].values())})",
            f"  {'stored/s / ceiling requests/s':38} {s['stored_vs_ceiling']:>14.3f}",
            f"  CPU during the ceiling load, in cores: {_cpu_line(ceiling['cpu'])}",
            f"  load generator: {ceiling['cpu_s']:.1f} CPU s = "
            f"{ceiling['cpu_us_per_request']:.0f} µs/request",
        ]
    verdict = (
        "all targets met"
        if s["all_targets_met"]
        else "targets missed: " + ", ".join(name for name, t in targets.items() if not t["met"])
    )
    lines += ["", f"  {verdict}", ""]
    return "\n".join(lines)


async def amain(options: Options, children: Children) -> dict[str, Any]:
    # SIGTERM ends the run like Ctrl-C does: cancelled, through the cleanup below.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await run(options, children)
    finally:
        await asyncio.shield(children.stop_all())


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    children = Children()
    try:
        report = asyncio.run(amain(options, children))
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("interrupted; every process the bench started was stopped")
        return 130
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        children.kill_all()  # only if the orderly stop above could not finish
    options.output.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"  report: {options.output}")
    if options.check and not report["summary"]["all_targets_met"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
