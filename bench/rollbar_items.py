"""Rollbar items for the load: the bench's Sentry events as pyrollbar 1.5 sends them.

pyrollbar posts plain JSON (no compression) with the token in `X-Rollbar-Access-Token` and
a uuid4 per item. Each pool entry is the item JSON after `{"data":{"uuid":"<uuid>",`, made
once; per request only that prefix is new (a 36-character uuid, so every body of an entry has
the same length).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bench.events import EventFactory

PYROLLBAR_VERSION = "1.5.0"
USER_AGENT = "python-requests/2.34.2"
# Sentry's level names that Rollbar spells otherwise.
ROLLBAR_LEVELS = {"fatal": "critical"}


def rollbar_frame(frame: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "filename": frame["abs_path"],
        "lineno": frame["lineno"],
        "method": frame["function"],
        "code": frame["context_line"],
    }
    if "vars" in frame:
        converted["locals"] = frame["vars"]
    return converted


def rollbar_item(event: dict[str, Any]) -> dict[str, Any]:
    """The pyrollbar `data` (without `uuid`) of a bench Sentry event (pure)."""
    exception = event["exception"]["values"][-1]
    user = event["user"]
    request = event["request"]
    return {
        "timestamp": int(datetime.fromisoformat(event["timestamp"]).timestamp()),
        "environment": event["environment"],
        "level": ROLLBAR_LEVELS.get(event["level"], event["level"]),
        "language": "python 3.11.7",
        "notifier": {"name": "pyrollbar", "version": PYROLLBAR_VERSION},
        "code_version": event["release"].rsplit("@", 1)[-1],
        "body": {
            "trace": {
                "frames": [rollbar_frame(f) for f in exception["stacktrace"]["frames"]],
                "exception": {"class": exception["type"], "message": exception["value"]},
            }
        },
        "request": {
            "url": request["url"],
            "method": request["method"],
            "headers": request["headers"],
            "user_ip": request["env"]["REMOTE_ADDR"],
        },
        "person": {"id": user["id"], "email": user["email"]},
        "server": {"host": event["server_name"], "pid": 4242, "argv": ["gunicorn"], "root": "/srv"},
        "custom": event["tags"],
        "context": event["transaction"],
    }


def build_item_pool(factory: EventFactory, size: int) -> list[bytes]:
    """Per entry: the item JSON after its `{"data":{"uuid":"<uuid>",` prefix."""
    pool = []
    for n in range(max(size, factory.groups)):
        data = rollbar_item(factory.event(n))
        pool.append(json.dumps({"data": data}, separators=(",", ":")).encode()[len('{"data":{') :])
    return pool


def item_body(tail: bytes, item_uuid: str) -> bytes:
    return b'{"data":{"uuid":"' + item_uuid.encode() + b'",' + tail


class ItemSource:
    """Cycles through a pool of items, giving every body a new uuid4."""

    def __init__(self, pool: list[bytes]) -> None:
        self._pool = pool
        self._index = 0

    def next(self) -> tuple[str, bytes]:
        tail = self._pool[self._index]
        self._index = (self._index + 1) % len(self._pool)
        item_uuid = str(uuid.uuid4())
        return item_uuid, item_body(tail, item_uuid)

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        while True:
            yield self.next()


def request_headers(token: str) -> dict[str, str]:
    """The headers pyrollbar sends with an item, for a project's post_server_item token."""
    return {
        "Content-Type": "application/json",
        "Accept-Encoding": "gzip, deflate, br",
        "User-Agent": USER_AGENT,
        "X-Rollbar-Access-Token": token,
    }
