"""Shared by the detail-page UI tests: a real crash sent by the real SDK, a signed-in browser."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sentry_sdk
from playwright.async_api import BrowserContext

from models import Issue
from tests.conftest import Server
from tests.integration import crash
from tests.integration.sentry import SentryProject, new_project, with_sdk
from tests.integration.signing_in import PASSWORD, new_user

# Three orders that fail to parse: three events of one issue, oldest first.
ORDERS = ("{bad", "{worse", "nope")


@dataclass(frozen=True)
class Crash:
    project: SentryProject
    issue: Issue
    event_ids: list[str]  # dashed, oldest first


def _sdk_options() -> dict[str, Any]:
    return {
        "in_app_include": ["tests"],
        "in_app_exclude": ["json"],
        "environment": "production",
        "release": "shop@1.4.2",
    }


# What a web framework integration would attach: the request being handled.
REQUEST = {
    "method": "POST",
    "url": "https://shop.example/checkout",
    "query_string": "step=2&coupon=<b>X</b>",
    "headers": {"Content-Type": "application/json", "User-Agent": "pytest"},
    "data": {"order": "{bad"},
}


def _with_request(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return {**event, "request": REQUEST}


async def send_crashes(project: SentryProject, orders: tuple[str, ...]) -> list[str]:
    """checkout() each order through the real SDK; the dashed ids of the events sent."""
    sent: list[str] = []

    def actions() -> None:
        # Only these breadcrumbs: the SDK's logging integration may have recorded the server's
        # log lines in the scope this one was forked from.
        sentry_sdk.get_isolation_scope().clear_breadcrumbs()
        sentry_sdk.get_isolation_scope().add_event_processor(_with_request)
        sentry_sdk.set_tag("browser", "Firefox")
        sentry_sdk.set_user({"id": "42", "email": "ann@example.com"})
        sentry_sdk.add_breadcrumb(
            category="http", message="GET /cart", level="info", data={"status": 200}
        )
        sentry_sdk.add_breadcrumb(
            category="db", message="SELECT 1 <script>alert(1)</script>", level="warning"
        )
        for text in orders:
            try:
                crash.checkout(text)
            except RuntimeError:
                event_id = sentry_sdk.capture_exception()
                assert event_id is not None
                sent.append(str(uuid.UUID(event_id)))

    await with_sdk(project.dsn, actions, **_sdk_options())
    return sent


async def crashed(server: Server) -> Crash:
    project = await new_project(server, "Shop Backend")
    event_ids = await send_crashes(project, ORDERS)
    issue = await Issue.get(project_id=project.id)
    return Crash(project=project, issue=issue, event_ids=event_ids)


async def authenticate(context: BrowserContext, token: str) -> None:
    """Every request of the browser carries the API token (websocket upgrades too)."""
    await context.set_extra_http_headers({"Authorization": f"Bearer {token}"})


async def sign_in(context: BrowserContext, server: Server) -> str:
    """A real user signs the browser in through /auth/sign-in: the session cookie is the
    browser's (the context's requests share its cookie jar). Returns the email."""
    user = await new_user()
    response = await context.request.post(
        server("/auth/sign-in"),
        data={"email": user.email, "password": PASSWORD},
        headers={"Origin": server.url},
    )
    assert response.status == 200, await response.text()
    cookies = await context.cookies(server.url)
    assert [c["name"] for c in cookies] == ["faultline_session"]
    return user.email
