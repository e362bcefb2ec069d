"""The official sentry-sdk against the real server: what users see after their app crashes."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
import sentry_sdk

from models import Event, Issue
from tests.integration.sentry import new_project, with_sdk


def raise_chained() -> None:
    def inner(x: int) -> float:
        return 1 / x

    try:
        inner(0)
    except ZeroDivisionError as exc:
        raise ValueError("bad value 42") from exc


def capture_chained() -> None:
    try:
        raise_chained()
    except ValueError:
        sentry_sdk.capture_exception()


@pytest.mark.parametrize("compression", ["br", "gzip"])
async def test_a_captured_exception_becomes_an_issue_with_its_stack(
    http, server, auth, compression
):
    project = await new_project(server)
    await with_sdk(
        project.dsn, capture_chained, _experiments={"transport_compression_algo": compression}
    )
    (issue,) = await Issue.filter(project_id=project.id)
    assert (issue.type, issue.message, issue.title) == (
        "ValueError",
        "bad value 42",
        "ValueError: bad value 42",
    )
    assert issue.culprit == "tests.integration.test_sentry_sdk in raise_chained"
    assert (issue.event_count, issue.state, issue.level, issue.platform) == (
        1,
        "open",
        "error",
        "python",
    )
    async with http.get(server(f"/api/issues/{issue.id}/events"), headers=auth) as resp:
        (summary,) = (await resp.json())["data"]
    async with http.get(server(f"/api/events/{summary['id']}"), headers=auth) as resp:
        event = await resp.json()
    cause, outer = event["exception"]["values"]
    assert (cause["type"], cause["value"]) == ("ZeroDivisionError", "division by zero")
    assert (outer["type"], outer["value"]) == ("ValueError", "bad value 42")
    assert [f["function"] for f in cause["stacktrace"]["frames"]] == ["raise_chained", "inner"]
    assert [f["function"] for f in outer["stacktrace"]["frames"]] == [
        "capture_chained",
        "raise_chained",
    ]
    assert cause["stacktrace"]["frames"][-1]["context_line"].strip() == "return 1 / x"
    assert event["level"] == "error"
    assert event["environment"] == "production"
    assert event["contexts"]["runtime"]["name"] == "CPython"


async def test_the_same_crash_twice_is_one_issue_with_two_events(http, server, auth):
    project = await new_project(server)
    await with_sdk(project.dsn, lambda: (capture_chained(), capture_chained()))
    (issue,) = await Issue.filter(project_id=project.id)
    assert issue.event_count == 2
    assert await Event.filter(issue_id=issue.id).count() == 2


async def test_messages_differing_only_in_numbers_group_together(server):
    project = await new_project(server)

    def send() -> None:
        sentry_sdk.capture_message("Something happened with id 1234")
        sentry_sdk.capture_message("Something happened with id 5678")
        sentry_sdk.capture_message("Something else entirely", level="warning")

    await with_sdk(project.dsn, send)
    issues = await Issue.filter(project_id=project.id).order_by("counter")
    assert [(i.title, i.type, i.level, i.event_count) for i in issues] == [
        ("Something happened with id 1234", "Message", "info", 2),
        ("Something else entirely", "Message", "warning", 1),
    ]
    assert issues[0].grouping["variant"] == "message"


async def test_logging_errors_group_by_their_template(server):
    project = await new_project(server)
    logger = logging.getLogger("shop.checkout")

    def send() -> None:
        logger.error("payment failed for order %s", "A-1")
        logger.error("payment failed for order %s", "B-2")

    await with_sdk(project.dsn, send)
    (issue,) = await Issue.filter(project_id=project.id)
    assert (issue.title, issue.event_count) == ("payment failed for order A-1", 2)
    event = await Event.filter(issue_id=issue.id).order_by("id").first()
    assert event is not None
    payload = json.loads(event.payload)
    assert payload["logentry"]["message"] == "payment failed for order %s"
    assert payload["logger"] == "shop.checkout"


async def test_tags_user_release_and_breadcrumbs_are_kept(http, server, auth):
    project = await new_project(server)

    def send() -> None:
        sentry_sdk.set_tag("region", "eu-west")
        sentry_sdk.set_user({"id": 42, "email": "ada@example.com"})
        sentry_sdk.add_breadcrumb(category="auth", message="logged in", level="info")
        sentry_sdk.capture_message("checkout failed")

    await with_sdk(project.dsn, send, release="shop@1.2.3", environment="staging")
    (event,) = await Event.filter(project_id=project.id)
    assert (event.release, event.environment) == ("shop@1.2.3", "staging")
    assert event.user == {"id": "42", "email": "ada@example.com"}
    assert event.tags["region"] == "eu-west"
    async with http.get(server(f"/api/events/{uuid.UUID(event.event_id)}"), headers=auth) as resp:
        body = await resp.json()
    crumbs = body["breadcrumbs"]["values"]
    # The SDK adds crumbs of its own (its subprocess and logging integrations): ours is last.
    assert (crumbs[-1]["category"], crumbs[-1]["message"], crumbs[-1]["level"]) == (
        "auth",
        "logged in",
        "info",
    )
    assert body["message"] == "checkout failed"
