"""The report: the machine it ran on, the derived figures, the targets, the printed summary."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from typing import Any

from bench.common import REPO

# The targets the figures are held against.
TARGET_STORED_PER_S = 1500.0
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 250.0
# Rollbar items stored per second, as a share of Sentry events stored per second.
TARGET_ROLLBAR_VS_SENTRY = 0.9
# Ingestion while the retention sweeper works stays within 10 % of the rate without it.
TARGET_SWEEPING_VS_PLAIN = 0.9


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


def cpu_per_event(
    cpu: dict[str, Any], accepted: int
) -> tuple[dict[str, float | None], float | None]:
    """CPU ms per accepted event of each group, and the events/s that cost allows."""
    per_event = {
        name: round(group["cpu_s"] * 1000 / accepted, 3) if accepted else None
        for name, group in cpu["groups"].items()
    }
    pipeline_ms = sum(
        per_event.get(name) or 0.0 for name in ("server", "postgres", "load_generator")
    )
    # What the machine could do if server, PostgreSQL and generator had every core busy.
    bound = round(cpu["cores"] * 1000 / pipeline_ms, 0) if pipeline_ms else None
    return per_event, bound


def postgres_figures(before: dict[str, int], after: dict[str, int], stored: int) -> dict[str, Any]:
    """Transactions, events per group commit and WAL between two `Database.pg_counters`."""
    if not before:
        return {}
    commits = after.get("commits", 0) - before.get("commits", 0)
    return {
        # asyncpg's pool resets a connection on release with a statement of its own, one
        # more transaction: a group commit shows as two.
        "transactions": commits,
        "events_per_batch": round(stored / (commits / 2), 1) if commits > 1 else None,
        "wal_mb": round((after.get("wal_bytes", 0) - before.get("wal_bytes", 0)) / 1024 / 1024, 1),
        "wal_syncs": after.get("wal_syncs", 0) - before.get("wal_syncs", 0),
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
    rollbar = report.get("rollbar")
    if rollbar:
        ratio = (
            round(rollbar["stored_per_s"] / faultline["stored_per_s"], 3)
            if faultline["stored_per_s"]
            else 0.0
        )
        rollbar_errors = sum(rollbar["non_2xx"].values()) + sum(
            rollbar["connection_errors"].values()
        )
        summary["rollbar"] = {
            "stored_per_s": rollbar["stored_per_s"],
            "p99_ms": rollbar["latency_ms"]["p99"],
            "errors": rollbar_errors + max(0, rollbar["ok"] - rollbar["stored"]),
            "vs_sentry": ratio,
        }
        summary["targets"]["rollbar_vs_sentry"] = {
            "target": f">= {TARGET_ROLLBAR_VS_SENTRY:g}",
            "met": ratio >= TARGET_ROLLBAR_VS_SENTRY,
        }
    sweeping = report.get("sweeping")
    if sweeping:
        summary["sweeping"] = sweeping_summary(faultline, sweeping, report["plain_after"])
        summary["targets"]["sweeping_vs_plain"] = {
            "target": f">= {TARGET_SWEEPING_VS_PLAIN:g}",
            "met": summary["sweeping"]["vs_plain"] >= TARGET_SWEEPING_VS_PLAIN,
        }
    summary["all_targets_met"] = all(t["met"] for t in summary["targets"].values())
    return summary


def sweeping_summary(
    before: dict[str, Any], sweeping: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """The sweeping run against the runs without it just before and after (their mean, so a
    drift of the machine or the first run's warm-up favours neither): both rates, the ratio,
    CPU per event, what was swept during the load and whether the backlog lasted it (if not,
    the ratio flatters the sweeper)."""
    swept = sweeping["expired_events"]["before"] - sweeping["expired_events"]["after"]
    errors = sum(sweeping["non_2xx"].values()) + sum(sweeping["connection_errors"].values())
    plain = (before["stored_per_s"] + after["stored_per_s"]) / 2

    def cpu_ms(run: dict[str, Any]) -> float:
        return sum(run["cpu_ms_per_event"].get(name) or 0.0 for name in ("server", "postgres"))

    return {
        "plain_stored_per_s": [before["stored_per_s"], after["stored_per_s"]],
        "stored_per_s": sweeping["stored_per_s"],
        "vs_plain": round(sweeping["stored_per_s"] / plain, 3) if plain else 0.0,
        "p99_ms": sweeping["latency_ms"]["p99"],
        "plain_p99_ms": round((before["latency_ms"]["p99"] + after["latency_ms"]["p99"]) / 2, 1),
        "cpu_ms_per_event": round(cpu_ms(sweeping), 3),
        "plain_cpu_ms_per_event": round((cpu_ms(before) + cpu_ms(after)) / 2, 3),
        "errors": errors + max(0, sweeping["ok"] - sweeping["stored"]),
        "swept_during_load": swept,
        "swept_per_s": round(swept / sweeping["elapsed_s"], 1) if sweeping["elapsed_s"] else 0.0,
        "backlog_lasted": sweeping["expired_events"]["after"] > 0,
    }


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
    rollbar = s.get("rollbar")
    if rollbar:
        target = targets["rollbar_vs_sentry"]
        lines += [
            "",
            f"  Rollbar items (pyrollbar-shaped, POST /api/1/item/), same concurrency, "
            f"{opts['rollbar_duration_s']:g} s",
            f"  {'stored items/s, end to end':38} {rollbar['stored_per_s']:>14,.1f}",
            f"  {'latency p99 (ms)':38} {rollbar['p99_ms']:>14.1f}",
            f"  {'errors (non-2xx + connection + lost)':38} {rollbar['errors']:>14}",
            f"  {'Rollbar stored/s / Sentry stored/s':38} {rollbar['vs_sentry']:>14.3f}   "
            f"{target['target']:<10} {_mark(target['met'])}",
        ]
    sweeping = s.get("sweeping")
    if sweeping:
        target = targets["sweeping_vs_plain"]
        lasted = "" if sweeping["backlog_lasted"] else " (backlog gone before the end)"
        lines += [
            "",
            f"  Sentry run again while the retention sweeper deletes "
            f"{opts['sweeping_events']:,} expired events of another project, then once more "
            "without it",
            f"  {'stored/s without: before / after':38} "
            f"{sweeping['plain_stored_per_s'][0]:,.1f} / {sweeping['plain_stored_per_s'][1]:,.1f}",
            f"  {'stored/s with sweeping':38} {sweeping['stored_per_s']:>14,.1f}",
            f"  {'latency p99 without / with (ms)':38} "
            f"{sweeping['plain_p99_ms']:>7.1f} / {sweeping['p99_ms']:.1f}",
            f"  {'server+PostgreSQL CPU ms/event w/o / w':38} "
            f"{sweeping['plain_cpu_ms_per_event']:>7.2f} / {sweeping['cpu_ms_per_event']:.2f}",
            f"  {'expired events swept during the load':38} "
            f"{sweeping['swept_during_load']:>14,}   ({sweeping['swept_per_s']:,.0f}/s){lasted}",
            f"  {'errors (non-2xx + connection + lost)':38} {sweeping['errors']:>14}",
            f"  {'stored/s with / without (their mean)':38} {sweeping['vs_plain']:>14.3f}   "
            f"{target['target']:<10} {_mark(target['met'])}",
        ]
    verdict = (
        "all targets met"
        if s["all_targets_met"]
        else "targets missed: " + ", ".join(name for name, t in targets.items() if not t["met"])
    )
    lines += ["", f"  {verdict}", ""]
    return "\n".join(lines)
