"""Helpers for Sentry-side tests: projects with DSNs, hand-built envelopes, the real SDK."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import sentry_sdk

from app.projects import service as projects
from app.projects.naming import dsn as make_dsn
from tests.conftest import Server


@dataclass(frozen=True)
class SentryProject:
    id: int
    key: str  # 32 hex
    dsn: str
    server: Server

    @property
    def envelope_url(self) -> str:
        return self.server(f"/api/{self.id}/envelope/")

    @property
    def store_url(self) -> str:
        return self.server(f"/api/{self.id}/store/")

    @property
    def auth(self) -> dict[str, str]:
        return {
            "X-Sentry-Auth": f"Sentry sentry_key={self.key}, sentry_version=7, sentry_client=tests/1.0"
        }


async def new_project(server: Server, name: str = "My App") -> SentryProject:
    project = await projects.create_project(name)
    return SentryProject(
        id=project.id,
        key=project.sentry_key,
        dsn=make_dsn(server.url, project.sentry_key, project.id),
        server=server,
    )


def event_envelope(
    event: dict[str, Any], *, header: dict[str, Any] | None = None, with_length: bool = True
) -> bytes:
    event = {"event_id": uuid.uuid4().hex, **event}
    payload = json.dumps(event).encode()
    item_header: dict[str, Any] = {"type": "event"}
    if with_length:
        item_header["length"] = len(payload)
    env_header = {"event_id": event["event_id"], **(header or {})}
    return (
        b"\n".join([json.dumps(env_header).encode(), json.dumps(item_header).encode(), payload])
        + b"\n"
    )


def exception_event(
    type_: str = "ValueError", value: str = "bad", function: str = "handler", **extra: Any
) -> dict[str, Any]:
    return {
        "platform": "python",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": type_,
                    "value": value,
                    "stacktrace": {
                        "frames": [
                            {
                                "module": "app.main",
                                "function": "main",
                                "lineno": 10,
                                "in_app": True,
                                "context_line": "handler()",
                            },
                            {
                                "module": "app.views",
                                "function": function,
                                "lineno": 20,
                                "in_app": True,
                                "context_line": "raise Oops()",
                            },
                        ]
                    },
                }
            ]
        },
        **extra,
    }


async def with_sdk(dsn: str, actions: Callable[[], None], **options: Any) -> None:
    """Run `actions` against a fresh sentry_sdk client in a thread, then flush and close it.

    A thread, because the SDK's transport blocks while it sends and the server under test
    runs on this event loop.
    """

    def run() -> None:
        # No auto-enabled integrations: the aiohttp one would instrument the server under test.
        sentry_sdk.init(
            dsn=dsn, auto_session_tracking=False, auto_enabling_integrations=False, **options
        )
        try:
            with sentry_sdk.isolation_scope():  # no tags or breadcrumbs from earlier tests
                actions()
            sentry_sdk.flush(timeout=10)
        finally:
            sentry_sdk.get_client().close(timeout=10)

    await asyncio.to_thread(run)


async def ingest(
    http: aiohttp.ClientSession, url: str, project: SentryProject, function: str, at: datetime
) -> None:
    """One event of `function` at `at` (its own timestamp) through the envelope endpoint."""
    event = exception_event(function=function, timestamp=at.timestamp(), tags={"zone": "eu"})
    async with http.post(
        f"{url}/api/{project.id}/envelope/", data=event_envelope(event), headers=project.auth
    ) as resp:
        assert resp.status == 200, await resp.text()
