"""Per-project ingest stats in GET /api/projects/{id}: events accepted, requests refused by reason,
kept in the database so that every server process adds to the same numbers."""

from __future__ import annotations

import time

import pytest

from tests.conftest import free_port
from tests.integration.dedicated import FakeClock, dedicated_server, raw_post
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import event_envelope, exception_event, new_project


def stats(accepted: int = 0, **rejected: int) -> dict[str, object]:
    reasons = ("unauthorized", "rate_limited", "too_large", "invalid", "timeout")
    return {"accepted": accepted, "rejected": {r: rejected.get(r, 0) for r in reasons}}


async def project_stats(http, server, auth, project_id: int) -> object:
    async with http.get(server(f"/api/projects/{project_id}"), headers=auth) as resp:
        assert resp.status == 200
        return (await resp.json())["stats"]


async def test_accepted_events_and_refusals_by_reason_are_counted(http, database_url, server, auth):
    project = await new_project(server)
    other = await new_project(server, "other")
    clock = FakeClock.minute_start(time.time())
    async with dedicated_server(
        database_url, clock=clock, max_event_bytes=10_000, body_read_timeout_s=1.0
    ) as dedicated:
        async with http.patch(
            dedicated.server(f"/api/projects/{project.id}"),
            json={"rate_limit_per_minute": 2},
            headers=auth,
        ):
            pass
        url = dedicated.server(f"/api/{project.id}/envelope/")

        async def post(body: bytes, headers: dict[str, str], status: int) -> None:
            async with http.post(url, data=body, headers=headers) as resp:
                assert resp.status == status, await resp.text()

        event = event_envelope(exception_event())
        await post(event_envelope(exception_event()), project.auth, 200)
        await post(event_envelope(exception_event()), project.auth, 200)
        await post(event_envelope(exception_event(blob="x" * 20_000)), project.auth, 413)
        await post(b"{}\n[1]\n", project.auth, 400)
        await post(event, other.auth, 401)
        await post(event, {"X-Sentry-Auth": "Sentry sentry_key=nothex"}, 401)
        await post(event, {}, 401)
        slow = await raw_post(
            dedicated.server.settings.port,
            f"/api/{project.id}/envelope/",
            {**project.auth, "Content-Length": str(len(event))},
            (event[i : i + 10] for i in range(0, len(event), 10)),
            pause_s=0.1,
        )
        assert slow.status == 408
        await post(event_envelope(exception_event()), project.auth, 429)
        await post(event_envelope(exception_event()), project.auth, 429)
        async with http.post(dedicated.server("/api/999999/envelope/"), data=event) as resp:
            assert resp.status == 404
        # Accepted events are counted as they are stored, refusals when flushed.
        assert await project_stats(http, server, auth, project.id) == stats(accepted=2)
        await dedicated.digest.flush_rejections()
        assert await project_stats(http, server, auth, project.id) == stats(
            accepted=2, unauthorized=3, rate_limited=2, too_large=1, invalid=1, timeout=1
        )
    assert await project_stats(http, server, auth, other.id) == stats()


async def test_every_server_process_adds_to_the_same_stats(http, database_url, server, auth):
    if not database_url.startswith("postgres"):
        pytest.skip("several server processes share a PostgreSQL database")
    project = await new_project(server)
    ports = [free_port(), free_port()]
    procs = [await start_server(port, faultline_env(database_url)) for port in ports]
    try:
        for port in ports:
            url = f"http://127.0.0.1:{port}/api/{project.id}/envelope/"
            for headers, status in [(project.auth, 200), (project.auth, 200), ({}, 401)]:
                async with http.post(
                    url, data=event_envelope(exception_event()), headers=headers
                ) as resp:
                    assert resp.status == status
    finally:
        # Refusals still in memory are stored as each process shuts down.
        assert [await stop(proc) for proc in procs] == [0, 0]
    assert await project_stats(http, server, auth, project.id) == stats(accepted=4, unauthorized=2)


async def test_refusals_of_a_project_deleted_before_the_flush_are_dropped_alone(
    http, database_url, server, auth, caplog
):
    doomed = await new_project(server, "doomed")
    kept = await new_project(server, "kept")
    async with dedicated_server(database_url) as dedicated:
        for project in (doomed, kept):
            async with http.post(
                dedicated.server(f"/api/{project.id}/envelope/"),
                data=event_envelope(exception_event()),
            ) as resp:
                assert resp.status == 401
        async with http.delete(server(f"/api/projects/{doomed.id}"), headers=auth) as resp:
            assert resp.status == 204
        await dedicated.digest.flush_rejections()
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    assert await project_stats(http, server, auth, kept.id) == stats(unauthorized=1)
