"""Issue change notifications: what GraphQL subscriptions hear, across server processes.

    changes.py       IssueChange (CREATED, REGRESSED, STATE, COUNT, DELETED) and its pg_notify
                     payloads: ids and states only, split under PostgreSQL's 8,000-byte limit
                     and Deletions (of tokens and projects) on a channel of their own
    subscription.py  one subscriber's bounded queue; COUNTs coalesced per issue per second and
                     admitted at most 10 a second; the overflow policy (drop the oldest, count
                     it in `lost`); ended by a deletion of its token (at once) or its project
                     (once drained)
    snapshots.py     the issue of a change read once per process, shared by its subscribers
    broker.py        the Broker protocol, the fanout, deletions and rechecks, InMemoryBroker
                     (SQLite, one process)
    postgres.py      PostgresBroker: LISTEN on a dedicated connection that reconnects by itself
    publish.py       publishing in the writing transaction: pg_notify before the commit on
                     PostgreSQL, in memory after it on SQLite

Who publishes: ingestion's batch transaction (CREATED, REGRESSED, COUNT: one notification per
batch), the issue service (STATE for every state change from any API, DELETED), the project
service (DELETED for each issue of a deleted project, then the project's deletion), the token
service (a token's deletion).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from app.database import dialect
from app.notifications.broker import Broker, InMemoryBroker, Lookups, on_deletions
from app.notifications.changes import ChangeKind, Deletions, IssueChange
from app.notifications.postgres import PostgresBroker
from app.notifications.publish import notifying_transaction
from app.notifications.subscription import Subscription

BROKER = web.AppKey("broker", Broker)


def open_broker(
    database_url: str, lookups: Lookups, clock: Callable[[], float] = time.monotonic
) -> Broker:
    """The broker for the database's dialect (not started yet)."""
    if dialect(database_url) == "postgres":
        return PostgresBroker(database_url, lookups, clock=clock)
    return InMemoryBroker(lookups, clock=clock)


__all__ = [
    "BROKER",
    "Broker",
    "ChangeKind",
    "Deletions",
    "InMemoryBroker",
    "IssueChange",
    "Lookups",
    "PostgresBroker",
    "Subscription",
    "notifying_transaction",
    "on_deletions",
    "open_broker",
]
