"""The official rollbar.js (npm `rollbar`, tests/js) from Node against the real server.

`make install-test` installs it (`npm ci` in tests/js); without it the tests skip locally
and fail in CI, like the PostgreSQL ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from typing import Any

import pytest

from models import Event, Issue, TokenScope
from tests.integration.processes import REPO
from tests.integration.rollbar_sdk import RollbarProject, new_rollbar_project

JS = REPO / "tests" / "js"


def _require_rollbar_js() -> None:
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (JS / "node_modules" / "rollbar").is_dir():
        missing = "rollbar.js is not installed (make install-test runs npm ci in tests/js)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


async def report(project: RollbarProject, scope: TokenScope, platform: str = "") -> list[Any]:
    _require_rollbar_js()
    process = await asyncio.create_subprocess_exec(
        "node",
        str(JS / "report.cjs"),
        project.server("/api/1/item/"),
        project.tokens[scope],
        *([platform] if platform else []),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=JS,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines()]


async def test_a_server_side_error_and_message_from_node(server):
    project = await new_rollbar_project(server)
    answers = await report(project, TokenScope.POST_SERVER_ITEM)
    assert [a["err"] for a in answers] == [None, None]
    uuids = {uuid.UUID(a["response"]["uuid"]).hex for a in answers}
    stored = await Event.filter(project_id=project.id).values_list("event_id", flat=True)
    assert set(stored) == uuids
    issues = await Issue.filter(project_id=project.id).order_by("counter")
    assert [(i.title, i.level, i.platform) for i in issues] == [
        (issues[0].title, "error", "node"),
        ("disk almost full", "warning", "node"),
    ]
    assert issues[0].title.startswith("SyntaxError: ")
    event = await Event.get(issue_id=issues[0].id)
    assert (event.environment, event.release) == ("node-tests", "9.9.9")
    payload = json.loads(event.payload)
    frames = payload["exception"]["values"][0]["stacktrace"]["frames"]
    assert "failingCall" in [f.get("function") for f in frames]
    assert payload["extra"]["order_id"] == 17


async def test_a_browser_platform_item_takes_a_client_token(server):
    project = await new_rollbar_project(server)
    answers = await report(project, TokenScope.POST_CLIENT_ITEM, platform="browser")
    assert [a["err"] for a in answers] == [None, None]
    platforms = await Issue.filter(project_id=project.id).values_list("platform", flat=True)
    assert sorted(platforms) == ["javascript", "javascript"]


async def test_a_server_item_with_a_client_token_is_refused(server):
    project = await new_rollbar_project(server)
    answers = await report(project, TokenScope.POST_CLIENT_ITEM)
    assert len(answers) == 2
    assert all("insufficient privileges" in (a["err"] or "") for a in answers), answers
    assert await Event.filter(project_id=project.id).count() == 0
