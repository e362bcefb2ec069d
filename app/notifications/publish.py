"""Publishing issue changes with the transaction that makes them.

The same goes for deletions of tokens and projects, which end subscriptions (changes.py).
On PostgreSQL the changes are NOTIFYed inside the transaction (`SELECT pg_notify`), so they are
delivered on commit, and only then, to every process listening, this one included. On SQLite
they go to this process's brokers right after the commit (`publish_local`). Either way a
rolled-back transaction publishes nothing.

PostgreSQL serialises the commits of transactions that NOTIFY (a short lock on its queue); with
one writer per process and one notification per batch that costs little: ~0.2 ms and one round
trip per batch (~10 µs per event at ~20 events per batch), lost in the noise of `python -m bench`.

Services write through `notifying_transaction()`; ingestion's stores, which have connections
of their own, use `PG_NOTIFY` and `publish_local` directly (app/ingest/store/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.notifications.broker import deletions_heard, publish_local
from app.notifications.changes import (
    CHANNEL,
    DELETIONS_CHANNEL,
    Deletions,
    IssueChange,
    encode,
    encode_deletions,
)

PG_NOTIFY = "SELECT pg_notify($1, $2)"


class Outbox:
    """The changes and deletions of one open transaction, and the transaction's connection."""

    def __init__(self, connection: BaseDBAsyncClient) -> None:
        self.connection = connection
        self.changes: list[IssueChange] = []
        self.deleted_tokens: list[int] = []
        self.deleted_projects: list[int] = []

    def add(self, change: IssueChange) -> None:
        self.changes.append(change)

    def extend(self, changes: Iterable[IssueChange]) -> None:
        self.changes.extend(changes)

    @property
    def deletions(self) -> Deletions:
        return Deletions(tuple(self.deleted_tokens), tuple(self.deleted_projects))


@asynccontextmanager
async def notifying_transaction() -> AsyncIterator[Outbox]:
    """A Tortoise transaction whose outbox is published if, and when, it commits.

    Nested in another transaction it is a savepoint; on SQLite its changes then go out when
    the savepoint is released, before the outer commit.
    """
    async with in_transaction() as connection:
        outbox = Outbox(connection)
        yield outbox
        postgres = connection.capabilities.dialect == "postgres"
        if postgres:
            # Changes first: a project's subscribers hear its issues' DELETED before its end.
            for payload in encode(outbox.changes):
                await connection.execute_query(PG_NOTIFY, [CHANNEL, payload])
            for payload in encode_deletions(outbox.deletions):
                await connection.execute_query(PG_NOTIFY, [DELETIONS_CHANNEL, payload])
    if not postgres:
        publish_local(outbox.changes, outbox.deletions)
    elif outbox.deletions:
        deletions_heard(outbox.deletions)  # this process's caches at once, before the notice
