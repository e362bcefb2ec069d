"""The official pyrollbar against the real server: items become issues and events."""

from __future__ import annotations

import json
from collections.abc import Callable

import rollbar
import sentry_sdk

from app.projects.naming import dsn as make_dsn
from models import Event, Issue, Project, TokenScope
from tests.integration.processes import REPO
from tests.integration.rollbar_sdk import new_rollbar_project, with_pyrollbar
from tests.integration.sentry import with_sdk
from tests.integration.test_sentry_sdk import raise_chained as sentry_crash


def raise_chained() -> None:
    def inner(x: int) -> float:
        return 1 / x

    try:
        inner(0)
    except ZeroDivisionError as exc:
        raise ValueError("bad value 42") from exc


def report_chained() -> None:
    try:
        raise_chained()
    except ValueError:
        rollbar.report_exc_info(
            extra_data={"order_id": 17},
            payload_data={"person": {"id": "u1", "username": "alice", "email": "a@x.org"}},
        )


def report_division() -> None:
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        rollbar.report_exc_info(level="warning")


async def test_report_exc_info_of_a_chained_exception(server):
    project = await new_rollbar_project(server)
    await with_pyrollbar(
        project.tokens[TokenScope.POST_SERVER_ITEM], server, report_chained, code_version="1.2.3"
    )
    issue = await Issue.get(project_id=project.id)
    assert (issue.title, issue.type, issue.level) == (
        "ValueError: bad value 42",
        "ValueError",
        "error",
    )
    assert issue.platform == "python"
    event = await Event.get(issue_id=issue.id)
    assert (event.environment, event.release, event.level) == ("staging", "1.2.3", "error")
    assert event.user == {"id": "u1", "username": "alice", "email": "a@x.org"}
    payload = json.loads(event.payload)
    # Rollbar sends the caught exception first; stored in Sentry's order, the cause first.
    assert [v["type"] for v in payload["exception"]["values"]] == [
        "ZeroDivisionError",
        "ValueError",
    ]
    cause = payload["exception"]["values"][0]
    assert [f["function"] for f in cause["stacktrace"]["frames"]][-1] == "inner"
    assert cause["stacktrace"]["frames"][-1]["context_line"] == "return 1 / x"
    assert payload["extra"] == {"order_id": 17}
    assert payload["contexts"]["rollbar"]["notifier"] == {
        "name": "pyrollbar",
        "version": rollbar.__version__,
    }
    assert payload["contexts"]["server"]["root"] == "/srv/demo"
    assert payload["server_name"] == payload["contexts"]["server"]["host"]


async def test_report_exc_info_twice_is_one_issue_with_two_events(server):
    project = await new_rollbar_project(server)
    token = project.tokens[TokenScope.POST_SERVER_ITEM]
    await with_pyrollbar(token, server, lambda: (report_division(), report_division()))
    issue = await Issue.get(project_id=project.id)
    assert (issue.title, issue.level, issue.event_count) == (
        "ZeroDivisionError: division by zero",
        "warning",
        2,
    )


async def test_report_message_with_a_custom_fingerprint_and_title(server):
    project = await new_rollbar_project(server)

    def send() -> None:
        for body in ("first text", "entirely different text"):
            rollbar.report_message(
                body,
                level="error",
                payload_data={"fingerprint": "my-fp", "title": "Custom title"},
            )
        rollbar.report_message("unrelated", level="info")

    await with_pyrollbar(project.tokens[TokenScope.POST_SERVER_ITEM], server, send)
    issues = await Issue.filter(project_id=project.id).order_by("counter")
    assert [(i.title, i.level, i.event_count) for i in issues] == [
        ("Custom title", "error", 2),
        ("unrelated", "info", 1),
    ]
    event = await Event.filter(issue_id=issues[0].id).order_by("id").first()
    assert event is not None
    assert json.loads(event.payload)["fingerprint"] == ["my-fp"]


def crash_and(report: Callable[[], object]) -> None:
    """The same crash (the Sentry SDK test's chained exception), caught here, then reported."""
    try:
        sentry_crash()
    except ValueError:
        report()


async def test_the_same_crash_through_sentry_sdk_and_pyrollbar_is_one_issue(server):
    project = await new_rollbar_project(server)
    stored = await Project.get(id=project.id)
    dsn = make_dsn(server.url, stored.sentry_key, project.id)
    await with_sdk(dsn, lambda: crash_and(sentry_sdk.capture_exception))
    token = project.tokens[TokenScope.POST_SERVER_ITEM]
    await with_pyrollbar(token, server, lambda: crash_and(rollbar.report_exc_info), root=str(REPO))
    (issue,) = await Issue.filter(project_id=project.id)
    assert (issue.title, issue.event_count) == ("ValueError: bad value 42", 2)
    payloads = [json.loads(e.payload) for e in await Event.filter(issue_id=issue.id)]
    assert sorted(p["contexts"].get("rollbar") is not None for p in payloads) == [False, True]
