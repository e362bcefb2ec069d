"""The GraphQL benchmark's command line: `python -m bench graphql --help`."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLError, parse

from bench.common import RESULTS
from bench.options import DEFAULT_ADMIN_URL

GRAPHQL_DATABASE = "faultline_bench_graphql"


@dataclass(frozen=True, slots=True)
class Options:
    issues: int
    events: int
    duration: float
    concurrency: int
    workers: int
    seed_concurrency: int
    subscribers: int
    ingest_duration: float
    detail_query: Path | None
    admin_url: str
    output: Path
    check: bool


def _check_query(parser: argparse.ArgumentParser, path: Path) -> None:
    """Refused here, not after minutes of seeding: an unreadable or unparsable query file."""
    try:
        parse(path.read_text())
    except (OSError, UnicodeDecodeError, GraphQLError) as exc:
        parser.error(f"--detail-query {path}: {exc}")


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench graphql",
        description="Faultline GraphQL read benchmark (see bench/README.md, GraphQL).",
    )
    parser.add_argument("--issues", type=int, default=1000, help="issues to make (1000)")
    parser.add_argument("--events", type=int, default=100_000, help="events to store (100000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per query (10)")
    parser.add_argument("--concurrency", type=int, default=10, help="clients per query (10)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="faultline serve --workers"
    )
    parser.add_argument(
        "--seed-concurrency", type=int, default=50, help="connections while seeding (50)"
    )
    parser.add_argument(
        "--subscribers", type=int, default=10, help="websocket subscribers; 0 skips (10)"
    )
    parser.add_argument(
        "--ingest-duration",
        type=float,
        default=10.0,
        help="seconds of each ingest phase with and without subscribers (10)",
    )
    parser.add_argument(
        "--detail-query",
        type=Path,
        help="a file with the issue-detail query to use instead of the built-in one ($id)",
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("FAULTLINE_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL),
        help="PostgreSQL maintenance database (env FAULTLINE_BENCH_ADMIN_URL)",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "graphql.json", help="JSON report path"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if min(args.issues, args.concurrency, args.workers, args.seed_concurrency) < 1:
        parser.error("issues, concurrency, workers and seed concurrency must be positive")
    if args.events < args.issues or args.subscribers < 0:
        parser.error("events must be at least issues, subscribers at least 0")
    if args.duration <= 0 or args.ingest_duration <= 0:
        parser.error("durations must be positive")
    if args.detail_query is not None:
        _check_query(parser, args.detail_query)
    return Options(
        issues=args.issues,
        events=args.events,
        duration=args.duration,
        concurrency=args.concurrency,
        workers=args.workers,
        seed_concurrency=args.seed_concurrency,
        subscribers=args.subscribers,
        ingest_duration=args.ingest_duration,
        detail_query=args.detail_query,
        admin_url=args.admin_url,
        output=args.output,
        check=args.check,
    )
