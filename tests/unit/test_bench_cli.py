"""The benchmark's pure parts: its options, the figures it derives, its report, its bodies."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app.compat.rollbar.items import translate
from bench.bodies import build_pool, gzip_body, plain_envelope
from bench.children import free_port, server_env, wait_healthy
from bench.common import REPO, RESULTS
from bench.events import EventFactory
from bench.options import DEFAULT_ADMIN_URL, Options, parse_args
from bench.report import cpu_per_event, postgres_figures, render, summarize
from bench.rollbar_items import ItemSource, build_item_pool, item_body

# --- options ------------------------------------------------------------------------------------


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAULTLINE_BENCH_ADMIN_URL", raising=False)
    assert parse_args([]) == Options(
        duration=20.0,
        concurrency=50,
        workers=os.cpu_count() or 1,
        groups=50,
        pool=2000,
        database_url=None,
        admin_url=DEFAULT_ADMIN_URL,
        ceiling_duration=10.0,
        rollbar_duration=20.0,
        output=RESULTS / "latest.json",
        check=False,
        client="raw",
    )


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["--duration", "5"], "ceiling_duration", 5.0),  # min(duration, 10)
        (["--ceiling-duration", "0"], "ceiling_duration", 0.0),
        (["--ceiling-duration", "-3"], "ceiling_duration", 0.0),
        (["--duration", "5"], "rollbar_duration", 5.0),
        (["--rollbar-duration", "0"], "rollbar_duration", 0.0),
        (["--groups", "300", "--pool", "10"], "pool", 300),  # every group needs an event
        (["--client", "aiohttp"], "client", "aiohttp"),
        (["--output", "/tmp/x.json"], "output", Path("/tmp/x.json")),
        ([], "sweeping", 0),
        (["--sweeping"], "sweeping", 200_000),
        (["--sweeping", "5000"], "sweeping", 5000),
    ],
)
def test_derived_options(argv: list[str], field: str, value: object) -> None:
    assert getattr(parse_args(argv), field) == value


@pytest.mark.parametrize(
    "argv",
    [
        ["--duration", "0"],
        ["--concurrency", "0"],
        ["--workers", "0"],
        ["--groups", "0"],
    ],
)
def test_non_positive_sizes_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: duration, concurrency, workers and groups must be positive\n"
    )


def test_a_negative_sweeping_backlog_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_args(["--sweeping", "-1"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: --sweeping takes a number of events, at least 0\n"
    )


# --- derived figures, summary, report -----------------------------------------------------------


def _cpu() -> dict[str, Any]:
    groups = {"server": 2.0, "postgres": 0.5, "load_generator": 0.5, "bench": 0.0}
    return {
        "cores": 2,
        "groups": {name: {"cpu_s": s, "cores_used": s / 2} for name, s in groups.items()},
        "machine": {"busy_pct": 90.0, "iowait_s": 0.0, "steal_s": 0.1},
        "top_other_processes": [],
    }


def test_cpu_per_event_and_the_rate_it_allows() -> None:
    per_event, bound = cpu_per_event(_cpu(), 1000)
    assert per_event == {"server": 2.0, "postgres": 0.5, "load_generator": 0.5, "bench": 0.0}
    assert bound == 667.0  # 2 cores / 3 ms
    assert cpu_per_event(_cpu(), 0) == (dict.fromkeys(per_event), None)


def test_postgres_figures() -> None:
    before = {"commits": 10, "wal_bytes": 0, "wal_syncs": 5}
    after = {"commits": 110, "wal_bytes": 3 * 1024 * 1024, "wal_syncs": 55}
    assert postgres_figures(before, after, 1000) == {
        "transactions": 100,
        "events_per_batch": 20.0,
        "wal_mb": 3.0,
        "wal_syncs": 50,
    }
    assert postgres_figures({}, {}, 1000) == {}  # SQLite: no counters


def _report(p99_ms: float, stored: int) -> dict[str, Any]:
    per_event, bound = cpu_per_event(_cpu(), 1000)
    return {
        "started_at": "2026-11-29T00:00:00+00:00",
        "machine": {"git": "abc1234", "cores": 2, "cpu": "Test CPU", "python": "3.11.7"},
        "options": {
            "concurrency": 50,
            "client": "raw",
            "duration_s": 2.0,
            "workers": 2,
            "groups": 5,
        },
        "database": "127.0.0.1:5432/faultline_bench",
        "events": {
            "events": 10,
            "json_kb_mean": 13.0,
            "json_kb_min": 11.0,
            "json_kb_max": 15.0,
            "gzip_kb_mean": 3.0,
        },
        "load_generator_setup_cpu_s": 0.5,
        "faultline": {
            "ok": 1000,
            "ok_per_s": 500.0,
            "stored": stored,
            "stored_per_s": 1600.0,
            "responses": 1000,
            "elapsed_s": 2.0,
            "end_to_end_s": 2.0,
            "latency_ms": {"p50": 20.0, "p95": 50.0, "p99": p99_ms, "max": 120.0},
            "non_2xx": {},
            "connection_errors": {},
            "error_samples": [],
            "per_second_ok": [400, 600, 0],
            "memory": {"peak_mb": 120.0, "idle_mb": 100.0, "sum_of_process_peaks_mb": 121.0},
            "cpu": _cpu(),
            "cpu_s": 0.5,
            "cpu_us_per_request": 500.0,
            "cpu_ms_per_event": per_event,
            "cpu_bound_per_s": bound,
            "issues": 5,
            "postgres": {},
        },
    }


def test_summary_holds_the_figures_against_the_targets() -> None:
    summary = summarize(_report(p99_ms=80.0, stored=1000))
    assert {name: t["met"] for name, t in summary["targets"].items()} == {
        "stored_per_s": True,
        "p99_ms": True,
        "errors": True,
        "server_peak_rss_mb": True,
    }
    assert summary["all_targets_met"] is True
    assert (summary["ceiling_per_s"], summary["stored_vs_ceiling"]) == (None, None)

    missed = summarize(_report(p99_ms=150.0, stored=990))
    assert missed["accepted_not_stored"] == 10
    assert [name for name, t in missed["targets"].items() if not t["met"]] == ["p99_ms", "errors"]
    assert missed["all_targets_met"] is False


def test_render_prints_each_target_and_the_verdict() -> None:
    report = _report(p99_ms=150.0, stored=990)
    report["summary"] = summarize(report)
    lines = render(report).splitlines()
    assert lines[6:14] == [
        "                                                 result   target    ",
        "  stored events/s, end to end                   1,600.0   >= 1500    ok  ",
        "  accepted/s (200s over the load window)          500.0",
        "  latency p50 / p95 (ms)                   20.0 /  50.0",
        "  latency p99 (ms)                                150.0   <= 100     MISS",
        "  errors (non-2xx + connection + lost)               10   0          MISS",
        "  server peak RSS (MB, all processes)             120.0   <= 250     ok  ",
        "      non-2xx {}, connection errors {}, accepted but not stored 10",
    ]
    assert "  accepted per second: min 400, max 600 (the last, partial second left out)" in lines
    assert lines[-1] == "  targets missed: p99_ms, errors"


# --- bodies -------------------------------------------------------------------------------------


def test_a_gzip_body_is_the_envelope_with_its_fresh_id() -> None:
    pool = build_pool(EventFactory(groups=3), 2)
    assert [p.group for p in pool] == [0, 1, 2]  # never fewer events than groups
    event_id = "ab" * 16
    body = gzip_body(pool[1], event_id, "2026-11-29T00:00:00.000000Z")
    plain = gzip.decompress(body)
    assert plain == plain_envelope(pool[1], event_id, "2026-11-29T00:00:00.000000Z")
    header, item_header, item, end = plain.split(b"\n")
    assert json.loads(header) == {"event_id": event_id, "sent_at": "2026-11-29T00:00:00.000000Z"}
    assert json.loads(item_header)["length"] == len(item)
    assert json.loads(item)["event_id"] == event_id
    assert end == b""


def test_a_rollbar_item_is_the_same_event_as_pyrollbar_sends_it() -> None:
    pool = build_item_pool(EventFactory(groups=3), 3)
    events = EventFactory(groups=3)  # the same seed: the same events, in the same order
    event = [events.event(n) for n in range(2)][1]
    tail = pool[1]
    source = ItemSource([tail])
    first, body = source.next()
    second, other = source.next()
    assert first != second
    assert len(body) == len(other)
    data = json.loads(body)["data"]
    assert data["uuid"] == first
    exception = event["exception"]["values"][0]
    item = translate(data, received_at=data["timestamp"], client_ip=None)
    translated = item.event["exception"]["values"][0]
    assert (translated["type"], translated["value"]) == (exception["type"], exception["value"])
    assert [f["function"] for f in translated["stacktrace"]["frames"]] == [
        f["function"] for f in exception["stacktrace"]["frames"]
    ]
    assert item.event["release"] == event["release"].rsplit("@", 1)[-1]
    assert item.event["level"] == event["level"]


def test_every_group_s_item_is_valid_fatal_ones_too() -> None:
    levels = set()
    for tail in build_item_pool(EventFactory(groups=10), 10):
        data = json.loads(item_body(tail, "u"))["data"]
        levels.add(translate(data, received_at=data["timestamp"], client_ip=None).event["level"])
    assert levels == {"error", "warning", "fatal"}


def test_the_summary_compares_rollbar_with_sentry() -> None:
    report = _report(p99_ms=80.0, stored=1000)
    report["options"]["rollbar_duration_s"] = 2.0
    report["rollbar"] = {**report["faultline"], "stored_per_s": 1400.0}
    summary = summarize(report)
    assert summary["rollbar"] == {
        "stored_per_s": 1400.0,
        "p99_ms": 80.0,
        "errors": 0,
        "vs_sentry": 0.875,
    }
    assert summary["targets"]["rollbar_vs_sentry"] == {"target": ">= 0.9", "met": False}
    report["summary"] = summary
    assert "  Rollbar stored/s / Sentry stored/s              0.875   >= 0.9     MISS" in (
        render(report).splitlines()
    )


def test_the_summary_compares_the_sweeping_run_with_the_runs_without_it() -> None:
    report = _report(p99_ms=80.0, stored=1000)
    report["options"]["sweeping_events"] = 200_000
    report["sweeping"] = {
        **report["faultline"],
        "stored_per_s": 1480.0,
        "latency_ms": {"p50": 25.0, "p95": 60.0, "p99": 95.0, "max": 130.0},
        "cpu_ms_per_event": {"server": 0.6, "postgres": 0.35, "load_generator": 0.1},
        "expired_events": {"before": 200_000, "after": 190_000},
    }
    report["plain_after"] = {
        **report["faultline"],
        "stored_per_s": 1400.0,
        "latency_ms": {"p50": 20.0, "p95": 50.0, "p99": 70.0, "max": 120.0},
    }
    summary = summarize(report)
    plain_cpu = sum(report["faultline"]["cpu_ms_per_event"][k] for k in ("server", "postgres"))
    assert summary["sweeping"] == {
        "plain_stored_per_s": [1600.0, 1400.0],
        "stored_per_s": 1480.0,
        "vs_plain": 0.987,  # 1480 / 1500
        "p99_ms": 95.0,
        "plain_p99_ms": 75.0,
        "cpu_ms_per_event": 0.95,
        "plain_cpu_ms_per_event": round(plain_cpu, 3),
        "errors": 0,
        "swept_during_load": 10_000,
        "swept_per_s": 5000.0,
        "backlog_lasted": True,
    }
    assert summary["targets"]["sweeping_vs_plain"] == {"target": ">= 0.9", "met": True}
    report["summary"] = summary
    lines = render(report).splitlines()
    start = lines.index(
        "  Sentry run again while the retention sweeper deletes 200,000 expired events of another "
        "project, then once more without it"
    )
    assert lines[start + 1 : start + 8] == [
        "  stored/s without: before / after       1,600.0 / 1,400.0",
        "  stored/s with sweeping                        1,480.0",
        "  latency p99 without / with (ms)           75.0 / 95.0",
        f"  server+PostgreSQL CPU ms/event w/o / w {plain_cpu:>7.2f} / 0.95",
        "  expired events swept during the load           10,000   (5,000/s)",
        "  errors (non-2xx + connection + lost)                0",
        "  stored/s with / without (their mean)            0.987   >= 0.9     ok  ",
    ]

    report["sweeping"]["expired_events"]["after"] = 0
    report["sweeping"]["stored_per_s"] = 1200.0
    slower = summarize(report)
    assert (slower["sweeping"]["vs_plain"], slower["sweeping"]["backlog_lasted"]) == (0.8, False)
    assert slower["targets"]["sweeping_vs_plain"]["met"] is False
    report["summary"] = slower
    assert "(backlog gone before the end)" in render(report)


# --- the ceiling --------------------------------------------------------------------------------


@pytest.mark.slow
async def test_the_ceiling_serves_with_several_workers_and_stops_on_sigterm() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bench.ceiling", "--port", str(port), "--workers", "2"],
        cwd=REPO,
    )
    try:
        await wait_healthy(process, port, None)
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"http://127.0.0.1:{port}/api/1/envelope/", data=b"x") as response,
        ):
            assert response.status == 200
            assert len((await response.json())["id"]) == 32
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_the_server_runs_this_checkouts_code(tmp_path: Path) -> None:
    """The `faultline` script imports the installed copy unless told: the bench tells it."""
    env = server_env("postgres://u@h/db")
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(REPO)
    found = subprocess.run(
        [sys.executable, "-c", "import app; print(app.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(found.stdout.strip()) == REPO / "app" / "__init__.py"
