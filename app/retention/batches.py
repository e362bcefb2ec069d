"""Deleting many rows without long transactions, one process at a time: a batch of at most
`size` rows per short transaction and a pause after each, so ingestion's transactions go in
between; `exclusive`, the lock that lets one process of a cluster do it. The retention sweep
(sweeper.py) and the purge of deleted projects (purge.py) delete through them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.database import asyncpg_dsn, dialect

# After each batch the sweep pauses this many times as long as the batch took: with a backlog
# it holds the database (SQLite's one writer) at most a tenth of the time.
PAUSE_FACTOR = 9


class Batches:
    """Deletes rows a batch of at most `size` per short transaction, pausing between two."""

    def __init__(self, size: int) -> None:
        self.size = size

    async def delete(
        self,
        model: type[Model],
        condition: Q,
        order: Sequence[str] = (),
        fields: Sequence[str] = (),
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """Delete the rows matching `condition` in `order` (an index's, or none: any rows
        first); yields (id, *fields) of each batch once it is committed."""
        while True:
            started = time.monotonic()
            async with in_transaction():
                rows = (
                    await model.filter(condition)
                    .order_by(*order)
                    .limit(self.size)
                    .values_list("id", *fields)
                )
                if rows:
                    await model.filter(id__in=[row[0] for row in rows]).delete()
            if not rows:
                return
            yield rows
            if len(rows) < self.size:
                return
            # Ingestion's transactions go in between.
            await asyncio.sleep((time.monotonic() - started) * PAUSE_FACTOR)


@asynccontextmanager
async def exclusive(database_url: str, key: int, in_process: asyncio.Lock) -> AsyncIterator[bool]:
    """Whether this holder got the lock `key` (never waits): on PostgreSQL a session advisory
    lock taken with pg_try_advisory_lock on a connection of its own (a process that dies
    frees it), and `in_process` within this process."""
    if in_process.locked():
        yield False
        return
    async with in_process:
        if dialect(database_url) != "postgres":
            yield True
            return
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", key):
                yield False
                return
            try:
                yield True
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", key)
        finally:
            await connection.close()
