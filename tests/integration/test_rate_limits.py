"""Per-project rate limits: 429 with integer back-off headers, limited events not stored."""

from __future__ import annotations

import asyncio
import time

from models import Event
from tests.conftest import free_port
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import event_envelope, exception_event, new_project


async def _inside_one_minute(needed_s: float = 8) -> None:
    """Windows are calendar minutes: start a test early enough not to straddle two."""
    into = time.time() % 60
    if into > 60 - needed_s:
        await asyncio.sleep(60 - into + 0.05)


async def test_events_above_the_project_limit_are_refused_with_back_off_headers(http, server, auth):
    project = await new_project(server)
    async with http.patch(
        server(f"/api/projects/{project.id}"), json={"rate_limit_per_minute": 3}, headers=auth
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["rate_limit_per_minute"] == 3
    await _inside_one_minute(3)
    statuses, refused = [], None
    for _ in range(5):
        async with http.post(
            project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
        ) as resp:
            statuses.append(resp.status)
            if resp.status == 429:
                refused = (dict(resp.headers), await resp.json())
    assert statuses == [200, 200, 200, 429, 429]
    assert refused is not None
    headers, body = refused
    retry = int(headers["Retry-After"])
    assert 1 <= retry <= 60
    assert headers["X-Sentry-Rate-Limits"] == f"{retry}:error;default;security:project:rate_limit"
    assert body == {
        "error": "event rejected due to rate limit",
        "detail": "event rejected due to rate limit",
    }
    assert await Event.filter(project_id=project.id).count() == 3


async def test_lifting_the_limit_applies_within_a_second(http, server, auth):
    project = await new_project(server)
    url = server(f"/api/projects/{project.id}")
    await _inside_one_minute(5)
    async with http.patch(url, json={"rate_limit_per_minute": 0}, headers=auth) as resp:
        assert resp.status == 200
        assert (await resp.json())["rate_limit_per_minute"] == 0
    await asyncio.sleep(1.1)
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
    ) as resp:
        assert resp.status == 429
    async with http.patch(url, json={"rate_limit_per_minute": None}, headers=auth) as resp:
        assert resp.status == 200
        assert (await resp.json())["rate_limit_per_minute"] is None
    await asyncio.sleep(1.1)
    async with http.post(
        project.envelope_url, data=event_envelope(exception_event()), headers=project.auth
    ) as resp:
        assert resp.status == 200
    assert await Event.filter(project_id=project.id).count() == 1


async def test_the_server_default_limit_comes_from_the_environment(
    http, database_url, server, auth
):
    project = await new_project(server)
    port = free_port()
    await _inside_one_minute(6)
    proc = await start_server(
        port, faultline_env(database_url, FAULTLINE_RATE_LIMIT_PER_MINUTE="2")
    )
    url = f"http://127.0.0.1:{port}/api/{project.id}/envelope/"
    try:
        statuses = []
        for _ in range(3):
            async with http.post(
                url, data=event_envelope(exception_event()), headers=project.auth
            ) as resp:
                statuses.append(resp.status)
        assert statuses == [200, 200, 429]
        # A project's own limit overrides the server default.
        async with http.patch(
            server(f"/api/projects/{project.id}"), json={"rate_limit_per_minute": 100}, headers=auth
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["rate_limit_per_minute"] == 100
        await asyncio.sleep(1.1)
        async with http.post(
            url, data=event_envelope(exception_event()), headers=project.auth
        ) as resp:
            assert resp.status == 200
    finally:
        await stop(proc)
