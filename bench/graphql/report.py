"""The GraphQL benchmark's summary, targets and printed table."""

from __future__ import annotations

from typing import Any

from bench.graphql.queries import WANTED_DETAIL

TARGET_P99_MS = 50.0
# Ingest rate with subscribers connected, as a share of the rate without them.
TARGET_SUBSCRIBED_RATIO = 0.95


def cpu_ms_per_request(split: dict[str, Any], requests: int) -> dict[str, float]:
    """CPU ms per request of each group in a `procs.cpu_split`."""
    return {
        name: round(group["cpu_s"] * 1000 / requests, 2) if requests else 0.0
        for name, group in split["groups"].items()
    }


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    targets: dict[str, dict[str, Any]] = {}
    for result in report["queries"]:
        met = result["latency_ms"]["p99"] < TARGET_P99_MS and not result["errors"]
        targets[f"p99 {result['operation']}"] = {"target": f"< {TARGET_P99_MS:g} ms", "met": met}
    subscribers = report.get("subscribers") or {}
    ratio = subscribers.get("ratio")
    if ratio is not None:
        targets["ingest rate with subscribers"] = {
            "target": f">= {TARGET_SUBSCRIBED_RATIO:.0%} of without",
            "met": ratio >= TARGET_SUBSCRIBED_RATIO and not subscribers.get("errors"),
        }
    missing = [field for field in WANTED_DETAIL if field not in report["detail_fields"]]
    return {
        "targets": targets,
        "detail_fields_missing": missing,
        "all_targets_met": all(t["met"] for t in targets.values()),
    }


def _mark(met: bool) -> str:
    return "ok  " if met else "MISS"


def render(report: dict[str, Any]) -> str:
    s = report["summary"]
    seed = report["seed"]
    opts = report["options"]
    missing = s["detail_fields_missing"]
    not_yet = f"; not in the schema yet: {', '.join(missing)}" if missing else ""
    lines = [
        "",
        f"Faultline GraphQL read benchmark  {report['started_at']}  git {report['machine']['git']}",
        f"machine: {report['machine']['cores']} cores ({report['machine']['cpu']}); server, "
        "PostgreSQL and this client share them",
        f"data:    {seed['issues']:,} issues, {seed['events']:,} events in {report['database']} "
        f"(ingested through the server in {seed['seconds']:g} s, {seed['events_per_s']:g}/s); "
        f"states {seed['states']}",
        f"load:    {opts['concurrency']} clients per query for {opts['duration_s']:g} s, "
        f"{opts['workers']} server process(es)",
        f"detail:  measured fields {', '.join(report['detail_fields'])}{not_yet}",
        "",
        f"  {'query':50} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6}   target",
    ]
    for result in report["queries"]:
        latency = result["latency_ms"]
        target = s["targets"][f"p99 {result['operation']}"]
        lines.append(
            f"  {result['operation'][:50]:50} {result['requests_per_s']:>7.1f} "
            f"{latency['p50']:>7.1f} {latency['p95']:>7.1f} {latency['p99']:>7.1f} "
            f"{sum(result['errors'].values()):>6}   {target['target']} {_mark(target['met'])}"
        )
        cpu = result.get("cpu_ms_per_request")
        if cpu:
            lines.append(
                "      CPU ms per request: "
                + ", ".join(f"{name} {ms:.1f}" for name, ms in cpu.items())
                + f"; machine busy {result['machine_busy_pct']}%, steal {result['steal_s']} s"
            )
        lines += [f"      e.g. {sample}" for sample in result["error_samples"][:2]]
    lines.append("  (latencies in ms; nearest-rank percentiles over every request)")
    subscribers = report.get("subscribers") or {}
    if subscribers.get("ratio") is not None:
        target = s["targets"]["ingest rate with subscribers"]
        lines += [
            "",
            f"  ingest with {subscribers['count']} `{subscribers['field']}` subscribers: "
            f"{subscribers['with_per_s']:,.1f}/s vs {subscribers['without_per_s']:,.1f}/s without "
            f"= {subscribers['ratio']:.3f}   {target['target']} {_mark(target['met'])}",
            f"  messages received per subscriber: {subscribers['messages_per_subscriber']}",
        ]
        cpu = subscribers.get("server_cpu_ms_per_event")
        if cpu and len(cpu) == 3:
            lines.append(
                f"  server CPU ms per event: {cpu[0]:.2f} without, {cpu[1]:.2f} with, "
                f"{cpu[2]:.2f} without again"
            )
    elif subscribers:
        lines += ["", f"  subscribers: not measured ({subscribers['skipped']})"]
    verdict = (
        "all targets met"
        if s["all_targets_met"]
        else "targets missed: " + ", ".join(n for n, t in s["targets"].items() if not t["met"])
    )
    lines += ["", f"  {verdict}", ""]
    return "\n".join(lines)
