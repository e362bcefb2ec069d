"""The benchmark's command line: `python -m bench --help`, parsed into Options."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import RESULTS

DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "faultline_bench"
DEFAULT_SWEEPING_EVENTS = 200_000


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
    rollbar_duration: float
    output: Path
    check: bool
    client: str
    sweeping: int = 0  # expired events for the sweeping run (0: no such run)


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
        "--rollbar-duration",
        type=float,
        default=None,
        help="seconds of the Rollbar item run, on a second project (default: duration); 0 skips it",
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
    parser.add_argument(
        "--sweeping",
        type=int,
        nargs="?",
        const=DEFAULT_SWEEPING_EVENTS,
        default=0,
        metavar="N",
        help="after the Sentry run, run it again while the retention sweeper deletes N expired "
        f"events of another project (default N: {DEFAULT_SWEEPING_EVENTS}); both runs see "
        "them, the report gives both rates and their ratio (PostgreSQL only)",
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.workers < 1 or args.groups < 1:
        parser.error("duration, concurrency, workers and groups must be positive")
    if args.sweeping < 0:
        parser.error("--sweeping takes a number of events, at least 0")
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
        rollbar_duration=max(
            0.0, args.duration if args.rollbar_duration is None else args.rollbar_duration
        ),
        output=args.output,
        check=args.check,
        client=args.client,
        sweeping=args.sweeping,
    )
