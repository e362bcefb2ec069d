"""Digest storage: one transaction per batch of events (group commit), per SQL dialect.

`batch.store_batch` is the algorithm, written once against the `Transaction` protocol;
`postgres` runs it on a dedicated asyncpg connection with fixed-shape statements (arrays, so
every statement is prepared once), `sqlite` on Tortoise's single connection.
"""

from __future__ import annotations

from app.alerts.outbox import Alerting
from app.database import Limits, dialect
from app.ingest.store.batch import Store
from app.ingest.store.postgres import PostgresStore
from app.ingest.store.sqlite import SqliteStore


def open_store(database_url: str, limits: Limits, alerting: Alerting | None = None) -> Store:
    if dialect(database_url) == "postgres":
        return PostgresStore(database_url, limits, alerting)
    return SqliteStore(alerting)  # on Tortoise's connection, which has the limits already


__all__ = ["PostgresStore", "SqliteStore", "Store", "open_store"]
