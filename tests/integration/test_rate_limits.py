"""Per-project rate limits: 429 with integer back-off headers, limited events not stored.

Windows are calendar minutes and project settings are cached for a second: the in-process tests
run a server on a clock they step, so no test depends on when it runs or on sleeping long enough.
"""

from __future__ import annotations

import asyncio
import time

from models import Event
from tests.conftest import free_port
from tests.integration.dedicated import FakeClock, dedicated_server
from tests.integration.processes import faultline_env, start_server, stop
from tests.integration.sentry import event_envelope, exception_event, new_project


async def test_events_above_the_project_limit_are_refused_with_back_off_headers(
    http, database_url, server, auth
):
    project = await new_project(server)
    clock = FakeClock.minute_start(time.time())  # 1 s into a minute: 59 s left
    async with dedicated_server(database_url, clock=clock) as dedicated:
        async with http.patch(
            dedicated.server(f"/api/projects/{project.id}"),
            json={"rate_limit_per_minute": 3},
            headers=auth,
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["rate_limit_per_minute"] == 3
        url = dedicated.server(f"/api/{project.id}/envelope/")
        answers = []
        for _ in range(5):
            async with http.post(
                url, data=event_envelope(exception_event()), headers=project.auth
            ) as resp:
                answers.append((resp.status, dict(resp.headers), await resp.json()))
        assert [status for status, _, _ in answers] == [200, 200, 200, 429, 429]
        for _, headers, body in answers[3:]:
            assert headers["Retry-After"] == "59"
            assert headers["X-Sentry-Rate-Limits"] == "59:error;default;security:project:rate_limit"
            assert body == {
                "error": "event rejected due to rate limit",
                "detail": "event rejected due to rate limit",
            }
        clock.advance(59)  # the next minute: a fresh window
        async with http.post(
            url, data=event_envelope(exception_event()), headers=project.auth
        ) as resp:
            assert resp.status == 200
    assert await Event.filter(project_id=project.id).count() == 4


async def test_a_changed_limit_applies_once_the_cached_one_expires(
    http, database_url, server, auth
):
    project = await new_project(server)
    clock = FakeClock.minute_start(time.time())
    async with dedicated_server(database_url, clock=clock) as dedicated:
        settings_url = dedicated.server(f"/api/projects/{project.id}")
        url = dedicated.server(f"/api/{project.id}/envelope/")

        async def status() -> int:
            async with http.post(
                url, data=event_envelope(exception_event()), headers=project.auth
            ) as resp:
                return resp.status

        async with http.patch(
            settings_url, json={"rate_limit_per_minute": 0}, headers=auth
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["rate_limit_per_minute"] == 0
        assert await status() == 429
        async with http.patch(
            settings_url, json={"rate_limit_per_minute": None}, headers=auth
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["rate_limit_per_minute"] is None
        assert await status() == 429  # the project's settings are cached for a second
        clock.advance(1.0)
        assert await status() == 200
    assert await Event.filter(project_id=project.id).count() == 1


async def test_the_server_default_limit_comes_from_the_environment(
    http, database_url, server, auth
):
    project = await new_project(server)
    port = free_port()
    proc = await start_server(
        port, faultline_env(database_url, FAULTLINE_RATE_LIMIT_PER_MINUTE="0")
    )
    url = f"http://127.0.0.1:{port}/api/{project.id}/envelope/"

    async def status() -> int:
        async with http.post(
            url, data=event_envelope(exception_event()), headers=project.auth
        ) as resp:
            return resp.status

    try:
        assert await status() == 429
        # A project's own limit overrides the server default, once the server sees it.
        async with http.patch(
            server(f"/api/projects/{project.id}"), json={"rate_limit_per_minute": 100}, headers=auth
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["rate_limit_per_minute"] == 100
        deadline = time.monotonic() + 10
        # Polling a real process for the change is the observable effect, not a timed bet.
        while (answer := await status()) == 429 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        assert answer == 200
    finally:
        await stop(proc)
    assert await Event.filter(project_id=project.id).count() == 1
