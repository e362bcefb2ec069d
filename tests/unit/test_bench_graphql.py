"""The GraphQL benchmark's pure parts: its queries against the schema, figures and report."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from graphql import parse, validate

from bench.__main__ import main as bench_main
from bench.events import EventFactory
from bench.graphql.options import Options, parse_args
from bench.graphql.queries import (
    DETAIL_FIELDS,
    ISSUE_LIST,
    ISSUE_SEARCH,
    SEARCH,
    SINGLE_EVENT,
    detail_query,
    operations,
    subscription_fields,
    type_fields,
)
from bench.graphql.report import cpu_ms_per_request, render, summarize
from bench.graphql.runner import summarize as summarize_operation
from bench.graphql.seed import state_plan
from bench.graphql.subscribers import (
    PROTOCOL,
    SUBSCRIPTIONS,
    Subscriber,
    pick_subscription,
    subscribed,
)
from bench.load import percentile
from bench.options import DEFAULT_ADMIN_URL
from schema import schema

ISSUE_FIELDS = list(schema._schema.type_map["Issue"].fields)  # type: ignore[attr-defined]


def _errors(query: str) -> list[str]:
    return [e.message for e in validate(schema._schema, parse(query))]


# --- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [ISSUE_LIST, ISSUE_SEARCH, SINGLE_EVENT])
def test_fixed_queries_are_valid_against_the_schema(query: str) -> None:
    assert _errors(query) == []


def test_detail_query_takes_the_fields_the_schema_has_and_is_valid() -> None:
    query, measured = detail_query(ISSUE_FIELDS)
    assert measured == [n for n, _ in DETAIL_FIELDS if n in set(ISSUE_FIELDS)]
    assert {"latestEvent", "history"} <= set(measured)
    assert "stacktrace { frames {" in query
    assert _errors(query) == []


def test_detail_query_with_every_wanted_field() -> None:
    query, measured = detail_query(["tags", "frequency", "latestEvent", "junk"])
    assert measured == ["frequency", "tags", "latestEvent"]
    assert "frequency(period: DAY)" in query
    assert "tags {" in query
    assert "history" not in query
    parse(query)  # syntactically valid even where the schema lacks the fields


def test_operations_rotate_their_variables() -> None:
    ops, measured = operations("7", ["1", "2"], ["e1"], ["latestEvent"])
    assert [op.query for op in ops[:2]] == [ISSUE_LIST, ISSUE_SEARCH]
    assert ops[0].variables_for(5) == {"projectId": "7"}
    assert ops[1].variables_for(0) == {"projectId": "7", "search": SEARCH}
    assert [ops[2].variables_for(n) for n in range(3)] == [{"id": "1"}, {"id": "2"}, {"id": "1"}]
    assert ops[3].variables_for(9) == {"id": "e1"}
    assert measured == ["latestEvent"]
    with pytest.raises(ValueError, match="at least one issue id"):
        operations("7", [], ["e1"], [])


def test_introspection_answers_are_read_into_field_names() -> None:
    assert type_fields({"__type": {"fields": [{"name": "id"}, {"name": "tags"}]}}) == ["id", "tags"]
    assert type_fields({"__type": None}) == []
    assert subscription_fields({"__schema": {"subscriptionType": None}}) == []
    answer = {"__schema": {"subscriptionType": {"fields": [{"name": "issueCreated"}]}}}
    assert subscription_fields(answer) == ["issueCreated"]


def test_subscription_choice() -> None:
    assert pick_subscription(["issueCreated", "issueChanged"]) == "issueChanged"
    assert pick_subscription(["issueCreated"]) == "issueCreated"
    assert pick_subscription([]) is None
    for query in SUBSCRIPTIONS.values():
        parse(query)


# --- seed ---------------------------------------------------------------------------------------


def test_state_plan_resolves_every_10th_and_mutes_every_25th_other() -> None:
    ids = [str(i) for i in range(100)]
    plan = state_plan(ids)
    assert plan["RESOLVED"] == [str(i) for i in range(0, 100, 10)]
    assert plan["MUTED"] == ["25", "75"]


def test_events_vary_their_level_by_group() -> None:
    factory = EventFactory(groups=30)
    levels = Counter(factory.event(n)["level"] for n in range(30))
    assert levels == {"error": 21, "warning": 6, "fatal": 3}


# --- figures and report -------------------------------------------------------------------------


def test_operation_figures_are_nearest_rank_percentiles() -> None:
    latencies = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    result = summarize_operation("q", latencies, Counter({"GraphQL errors": 2}), ["x"], 4.0)
    assert result == {
        "operation": "q",
        "requests": 100,
        "ok": 98,
        "requests_per_s": 25.0,
        "latency_ms": {"p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0},
        "errors": {"GraphQL errors": 2},
        "error_samples": ["x"],
    }
    assert summarize_operation("q", [], Counter(), [], 0.0)["latency_ms"]["p99"] == 0.0


def _report(p99s: list[float], subscribers: dict[str, Any]) -> dict[str, Any]:
    queries = [
        summarize_operation(f"op{i}", [p99 / 1000], Counter(), [], 1.0)
        for i, p99 in enumerate(p99s)
    ]
    report: dict[str, Any] = {
        "started_at": "2026-11-29T00:00:00+00:00",
        "machine": {"git": "abc", "cores": 2, "cpu": "x"},
        "options": {"concurrency": 10, "duration_s": 10.0, "workers": 2},
        "database": "127.0.0.1:5432/db",
        "seed": {"issues": 1000, "events": 100_000, "seconds": 120.0, "events_per_s": 833.3},
        "detail_fields": ["history", "latestEvent"],
        "queries": queries,
        "subscribers": subscribers,
    }
    report["seed"]["states"] = {"resolved": 100, "muted": 36}
    report["summary"] = summarize(report)
    return report


def test_targets_are_p99_under_50_ms_and_subscribed_ingest_within_5_percent() -> None:
    report = _report(
        [49.9, 50.0],
        {
            "count": 10,
            "field": "issueChanged",
            "ratio": 0.95,
            "with_per_s": 950.0,
            "without_per_s": 1000.0,
            "messages_per_subscriber": [3] * 10,
            "server_cpu_ms_per_event": [1.04, 1.1, 1.06],
        },
    )
    s = report["summary"]
    assert {name: t["met"] for name, t in s["targets"].items()} == {
        "p99 op0": True,
        "p99 op1": False,
        "ingest rate with subscribers": True,
    }
    assert s["detail_fields_missing"] == ["frequency", "tags"]
    assert s["all_targets_met"] is False
    text = render(report)
    assert "< 50 ms MISS" in text
    assert "< 50 ms ok" in text
    assert "not in the schema yet: frequency, tags" in text
    assert "950.0/s vs 1,000.0/s without = 0.950" in text
    assert "server CPU ms per event: 1.04 without, 1.10 with, 1.06 without again" in text
    assert "targets missed: p99 op1" in text


def test_unmeasured_subscribers_are_said_so_and_set_no_target() -> None:
    report = _report([10.0], {"count": 10, "skipped": "no subscription"})
    assert report["summary"]["all_targets_met"] is True
    assert "subscribers: not measured (no subscription)" in render(report)


# --- options ------------------------------------------------------------------------------------


def test_options_defaults_follow_the_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAULTLINE_BENCH_ADMIN_URL", raising=False)
    options = parse_args([])
    assert options == Options(
        issues=1000,
        events=100_000,
        duration=10.0,
        concurrency=10,
        workers=os.cpu_count() or 1,
        seed_concurrency=50,
        subscribers=10,
        ingest_duration=10.0,
        detail_query=None,
        admin_url=DEFAULT_ADMIN_URL,
        output=options.output,
        check=False,
    )
    assert options.output.name == "graphql.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["--events", "10", "--issues", "20"],
        ["--concurrency", "0"],
        ["--subscribers", "-1"],
        ["--duration", "0"],
        ["--ingest-duration", "-1"],
        ["--detail-query", "/nonexistent/q.graphql"],
    ],
)
def test_bad_options_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2
    assert "python -m bench graphql: error:" in capsys.readouterr().err


def test_bench_graphql_is_a_mode_of_python_m_bench(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench_main(["graphql", "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m bench graphql" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("n", "fraction", "rank"),
    [
        (100, 0.50, 50),
        (100, 0.95, 95),
        (100, 0.99, 99),
        (100, 0.07, 7),
        (10, 0.99, 10),
        (1, 0.5, 1),
    ],
)
def test_percentile_is_the_nearest_rank(n: int, fraction: float, rank: int) -> None:
    # round(x + 0.5) rounded half to even: ranks 96 and 100 for p95 and p99 of 100 values.
    assert percentile(list(range(1, n + 1)), fraction) == rank
    assert percentile([], fraction) == 0.0


def test_cpu_per_request_by_group_and_its_report_line() -> None:
    split = {
        "groups": {"server": {"cpu_s": 3.0}, "postgres": {"cpu_s": 0.5}, "client": {"cpu_s": 0}}
    }
    assert cpu_ms_per_request(split, 200) == {"server": 15.0, "postgres": 2.5, "client": 0.0}
    assert cpu_ms_per_request(split, 0) == {"server": 0.0, "postgres": 0.0, "client": 0.0}
    report = _report([10.0], {})
    report["queries"][0].update(
        cpu_ms_per_request={"server": 15.0, "postgres": 2.5}, machine_busy_pct=97.0, steal_s=0.3
    )
    assert "CPU ms per request: server 15.0, postgres 2.5; machine busy 97.0%, steal 0.3 s" in (
        render(report)
    )


def test_a_detail_query_file_is_read_and_parsed_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.graphql"
    good.write_text("query ($id: ID!) { issue(id: $id) { id } }")
    assert parse_args(["--detail-query", str(good)]).detail_query == good
    bad = tmp_path / "bad.graphql"
    bad.write_text("query { issue(id: ")
    with pytest.raises(SystemExit):
        parse_args(["--detail-query", str(bad)])
    assert "--detail-query" in capsys.readouterr().err


# --- subscribers, against a graphql-transport-ws peer (the schema has no subscription yet) -----


async def _peer(request: web.Request) -> web.WebSocketResponse:
    """Acks a connection_init with the bench token, answers a subscribe with 3 `next`s."""
    ws = web.WebSocketResponse(protocols=("graphql-transport-ws",))
    await ws.prepare(request)
    init = await ws.receive_json()
    if init["payload"] != {"Authorization": "Bearer t0ken"}:
        await ws.close(code=4401)
        return ws
    await ws.send_json({"type": "connection_ack"})
    subscribe = await ws.receive_json()
    assert subscribe["payload"] == {"query": SUBSCRIPTIONS["issueChanged"], "variables": {"p": "7"}}
    for n in range(3):
        await ws.send_json({"id": subscribe["id"], "type": "next", "payload": {"data": {"n": n}}})
    if request.query.get("stay"):
        async for _ in ws:  # until the client closes
            pass
    await ws.close()
    return ws


@pytest.fixture
async def peer_url() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/graphql", _peer)
    server = TestServer(app)
    await server.start_server()
    yield str(server.make_url("/graphql"))
    await server.close()


async def test_a_subscriber_counts_what_it_receives(peer_url: str) -> None:
    subscriber = Subscriber()
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(peer_url, protocols=(PROTOCOL,)) as ws,
    ):
        await subscriber.run(ws, "issueChanged", "7", "t0ken")  # the peer closes after three
    assert subscriber.messages == 3
    assert subscriber.errors == []
    assert subscriber.subscribed.is_set()


async def test_subscribers_are_all_subscribed_inside_the_block(peer_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{peer_url}?stay=1"
        async with subscribed(http, url, "t0ken", "7", "issueChanged", 4) as subscribers:
            assert [s.subscribed.is_set() for s in subscribers] == [True] * 4
        assert [s.errors for s in subscribers] == [[], [], [], []]


async def test_subscribers_refused_are_an_error_not_a_silent_zero(peer_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(RuntimeError, match="not all subscribed"):
            async with subscribed(http, peer_url, "wrong", "7", "issueChanged", 2):
                pass
