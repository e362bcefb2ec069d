"""Helpers for Rollbar-side tests: a project's tokens by scope, raw items, the real pyrollbar."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rollbar

from app.projects import service as projects
from models import ProjectAccessToken, TokenScope
from tests.conftest import Server


@dataclass(frozen=True)
class RollbarProject:
    id: int
    tokens: dict[TokenScope, str]  # the four a project is created with, by scope
    server: Server

    @property
    def item_url(self) -> str:
        return self.server("/api/1/item/")

    def header(self, scope: TokenScope = TokenScope.POST_SERVER_ITEM) -> dict[str, str]:
        return {"X-Rollbar-Access-Token": self.tokens[scope]}


async def new_rollbar_project(server: Server, name: str = "Rollbar App") -> RollbarProject:
    project = await projects.create_project(name)
    rows = await ProjectAccessToken.filter(project_id=project.id)
    tokens = {TokenScope(row.scopes): row.token for row in rows}
    return RollbarProject(id=project.id, tokens=tokens, server=server)


def item(body: dict[str, Any] | None = None, **data: Any) -> dict[str, Any]:
    """A minimal valid item: a message unless `body` says otherwise."""
    return {
        "data": {
            "environment": "production",
            "body": {"message": {"body": "hello"}} if body is None else body,
            "timestamp": int(time.time()),
            "uuid": str(uuid.uuid4()),
            **data,
        }
    }


def trace(kind: str, message: str, frames: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A Rollbar trace of (filename, method, code) frames, oldest first."""
    return {
        "frames": [
            {"filename": f, "lineno": n + 1, "method": m, "code": c}
            for n, (f, m, c) in enumerate(frames)
        ],
        "exception": {"class": kind, "message": message},
    }


async def with_pyrollbar(
    token: str, server: Server, actions: Callable[[], None], **options: Any
) -> None:
    """Run `actions` with pyrollbar configured for the server under test (blocking handler,
    in a thread: it sends synchronously while the server runs on this event loop)."""

    def run() -> None:
        # pyrollbar ignores a second init(); start from a clean module state each time.
        rollbar._initialized = False
        rollbar.init(
            token,
            environment=options.pop("environment", "staging"),
            endpoint=server("/api/1/"),
            handler="blocking",
            root=options.pop("root", "/srv/demo"),
            allow_logging_basic_config=False,
            **options,
        )
        actions()

    await asyncio.to_thread(run)


def payload_of(event_payload: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(event_payload)
    return value
