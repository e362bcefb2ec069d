"""create_app(settings): lifecycle, middleware and route tables, in one place."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from app import database
from app.compat.rustrak import routes as rustrak
from app.config import Settings
from app.http import SETTINGS, error_middleware
from app.ingest import routes as sentry
from app.ingest.pipeline import Ingestor
from app.ingest.projects import ProjectCache
from app.ingest.store import open_store
from app.ingest.writer import EventWriter


def create_app(settings: Settings, *, migrate: bool = True) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware],
        # Ingestion decodes Content-Encoding itself so that size limits apply to the
        # decompressed bytes and every error is ours (aiohttp would inflate blindly).
        handler_args={"auto_decompress": False},
        client_max_size=settings.max_compressed_body_bytes,
    )
    app[SETTINGS] = settings

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        if migrate:
            await database.migrate(settings.database_url)
        limits = database.Limits.of(settings)
        await database.init(settings.database_url, settings.db_pool_size, limits)
        writer = EventWriter(open_store(settings.database_url, limits))
        ingestor = Ingestor(settings, ProjectCache(settings.rate_limit_per_minute), writer)
        app[sentry.INGESTOR] = ingestor
        reporter = asyncio.create_task(ingestor.report_dropped_items())
        yield
        reporter.cancel()
        await writer.close()
        await database.close()

    app.cleanup_ctx.append(lifecycle)
    sentry.setup(app)
    rustrak.setup(app)
    return app
