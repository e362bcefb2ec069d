"""Alert tests' helpers: a real webhook receiver, rules and channels made through the ORM.

`webhook_rule` stands in for the REST management (`POST /api/projects/{id}/channels` and
`…/alert-rules`) until it lands; swap its body for those calls then.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from tortoise.context import TortoiseContext

from app.alerts.delivery import LEASE_S
from app.alerts.outbox import forget_rules
from app.config import Settings
from app.server import create_app
from models import AlertChannel, AlertDelivery, AlertRule, DeliveryStatus
from models.alert_channel import ChannelKind
from models.alert_rule import AlertTrigger
from tests.conftest import Server, free_port, recreate_pg_database
from tests.integration.sentry import SentryProject, event_envelope, exception_event

SECRET = "test-secret-0123456789"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> int:
        return int(self.headers["X-Faultline-Delivery"])


@dataclass
class Receiver:
    """A webhook receiver: answers each request with the next of `statuses` (then 200), its
    body "ok" or `error_body`; while `gate` is given and not set, it holds its answers."""

    url: str
    statuses: list[int] = field(default_factory=list)
    error_body: str = "no"
    gate: asyncio.Event | None = None
    requests: list[Received] = field(default_factory=list)

    def accepted(self) -> list[Received]:
        return [r for r, s in zip(self.requests, self._answered, strict=True) if s < 300]

    _answered: list[int] = field(default_factory=list)


@asynccontextmanager
async def webhook_receiver(
    statuses: list[int] | None = None,
    *,
    error_body: str = "no",
    gate: asyncio.Event | None = None,
) -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(
        url=f"http://127.0.0.1:{port}/hook",
        statuses=list(statuses or []),
        error_body=error_body,
        gate=gate,
    )

    async def hook(request: web.Request) -> web.Response:
        status = receiver.statuses.pop(0) if receiver.statuses else 200
        receiver.requests.append(Received(dict(request.headers), await request.read()))
        receiver._answered.append(status)
        if receiver.gate is not None:
            await receiver.gate.wait()
        return web.Response(status=status, text="ok" if status < 300 else receiver.error_body)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


def verify(received: Received, secret: str = SECRET, *, max_age_s: int = 300) -> bool:
    """What a receiver does: HMAC-SHA256 of "<timestamp>.<body>", and a fresh timestamp."""
    timestamp = received.headers["X-Faultline-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    given = received.headers["X-Faultline-Signature"].removeprefix("sha256=")
    return hmac.compare_digest(expected, given) and abs(time.time() - int(timestamp)) < max_age_s


async def webhook_rule(
    project_id: int,
    url: str,
    trigger: AlertTrigger,
    *,
    throttle_minutes: int = 30,
    threshold: int | None = None,
    window_minutes: int | None = None,
    enabled: bool = True,
    secret: str = SECRET,
) -> AlertRule:
    channel = await AlertChannel.create(
        project_id=project_id, kind=ChannelKind.WEBHOOK, name="hook", url=url, secret=secret
    )
    rule = await AlertRule.create(
        project_id=project_id,
        trigger=trigger,
        throttle_minutes=throttle_minutes,
        threshold=threshold,
        window_minutes=window_minutes,
        enabled=enabled,
    )
    await rule.channels.add(channel)
    forget_rules(project_id)  # what the management service does on every change
    return rule


async def send_event(
    http: aiohttp.ClientSession,
    base_url: str,
    project: SentryProject,
    function: str,
    **extra: Any,
) -> None:
    async with http.post(
        f"{base_url}/api/{project.id}/envelope/",
        data=event_envelope(exception_event(function=function, **extra)),
        headers=project.auth,
    ) as resp:
        assert resp.status == 200, await resp.text()


async def settled(project_id: int, count: int, timeout_s: float = 20) -> list[AlertDelivery]:
    """The project's deliveries once `count` exist and none is pending (ordered by id)."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = await AlertDelivery.filter(project_id=project_id).order_by("id")
        if len(rows) >= count and all(r.status != DeliveryStatus.PENDING for r in rows):
            return rows
        assert time.monotonic() < deadline, f"deliveries not settled: {rows!r}"
        await asyncio.sleep(0.05)


async def tried(project_id: int, attempts: int, timeout_s: float = 20) -> None:
    """Once the project's only delivery has been tried `attempts` times."""
    deadline = time.monotonic() + timeout_s
    while (await AlertDelivery.get(project_id=project_id)).attempts < attempts:
        assert time.monotonic() < deadline, "not tried in time"
        await asyncio.sleep(0.05)


async def age_while_unclaimed(delivery_id: int, age: timedelta, timeout_s: float = 20) -> None:
    """Make a pending delivery `age` old and due now, at a moment no sender holds it: a try
    in flight read the row before, and would record its failure as a young delivery's."""
    deadline = time.monotonic() + timeout_s
    while True:
        now = datetime.now(UTC)
        aged = await AlertDelivery.filter(
            id=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lt=now + timedelta(seconds=LEASE_S / 2),  # not claimed
        ).update(created_at=now - age, next_attempt_at=now)
        if aged:
            return
        assert time.monotonic() < deadline, "the delivery stayed claimed"
        await asyncio.sleep(0.05)


async def quiet(seconds: float = 0.5) -> None:
    """Time for anything that would (wrongly) still be sent to arrive."""
    await asyncio.sleep(seconds)


async def fresh_database_url(session_url: str, tmp_dir: str, name: str) -> str:
    """An empty database of the session's backend, for a test no other server may touch."""
    if session_url.startswith("postgres"):
        return await recreate_pg_database(name)
    return f"sqlite://{tmp_dir}/{name}.sqlite3"


@asynccontextmanager
async def own_server(database_url: str, **settings: Any) -> AsyncIterator[Server]:
    """A server (migrating its database) in a Tortoise context of its own: the ORM calls of
    the test inside this block go to its database."""
    port = free_port()
    config = replace(
        Settings(
            database_url=database_url,
            host="127.0.0.1",
            port=port,
            db_pool_size=2,
            alert_allow_private=True,
            alert_poll_interval_s=0.2,
        ),
        **settings,
    )
    with TortoiseContext():
        test_server = TestServer(create_app(config), host="127.0.0.1", port=port)
        await test_server.start_server()
        try:
            yield Server(url=f"http://127.0.0.1:{port}", settings=config)
        finally:
            await test_server.close()
