"""create_app(settings): lifecycle, middleware and route tables, in one place."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from app import database
from app.alerts import routes as alert_routes
from app.alerts.delivery import DeliveryLoop
from app.alerts.outbox import Alerting, RuleCache
from app.auth import routes as auth
from app.auth import tokens
from app.auth.signin import SignIns
from app.auth.token_cache import TOKEN_CACHE, TokenCache
from app.auth.token_cache import forget as forget_tokens
from app.auth.users import announce_first_user
from app.compat.rollbar import admin as rollbar_admin
from app.compat.rollbar import api as rollbar_api
from app.compat.rollbar import routes as rollbar
from app.compat.rollbar.auth import GrantCache
from app.compat.rollbar.ingest import RollbarIngestor
from app.compat.rustrak import routes as rustrak
from app.config import Settings
from app.http import SETTINGS, error_middleware
from app.ingest import routes as sentry
from app.ingest.digest import Digest
from app.ingest.pipeline import Ingestor
from app.ingest.projects import ProjectCache
from app.ingest.store import open_store
from app.ingest.writer import EventWriter
from app.issues import service as issues
from app.notifications import BROKER, Deletions, Lookups, on_deletions, open_broker
from app.projects import service as projects_service
from app.retention.sweeper import Sweeper
from app.web import routes as web_ui
from schema import view as graphql

# The digest all ingestion surfaces share (its refusal counts, for tests and reports).
log = logging.getLogger(__name__)

# How long each step of a stop may take (see _bounded).
SHUTDOWN_STEP_S = 15.0
DIGEST = web.AppKey("digest", Digest)


def create_app(
    settings: Settings, *, migrate: bool = True, clock: Callable[[], float] | None = None
) -> web.Application:
    """`clock` (seconds) replaces both the wall clock and the monotonic one of ingestion:
    tests step it to cross rate-limit windows and cache lifetimes."""
    app = web.Application(
        middlewares=[error_middleware],
        # Ingestion decodes Content-Encoding itself so that size limits apply to the
        # decompressed bytes and every error is ours (aiohttp would inflate blindly).
        handler_args={"auto_decompress": False},
        client_max_size=settings.max_compressed_body_bytes,
    )
    app[SETTINGS] = settings
    token_cache = app[TOKEN_CACHE] = TokenCache(clock or time.monotonic)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        if migrate:
            await database.migrate(
                settings.database_url,
                lock_timeout_s=settings.migration_lock_timeout_s,
                allow_foreign_tables=settings.allow_foreign_tables,
            )
        limits = database.Limits.of(settings)
        await database.init(settings.database_url, settings.db_pool_size, limits)
        if migrate:  # the one process that prepared the database (of several workers)
            await announce_first_user()
        # Listening before the writer starts, so this process hears its own first batch.
        lookups = Lookups(
            issues=issues.issues_by_id,
            existing_tokens=tokens.existing_token_ids,
            existing_projects=projects_service.existing_project_ids,
        )
        broker = open_broker(settings.database_url, lookups, clock or time.monotonic)
        token_cache.open()  # before the broker listens: deletions it hears reach the cache
        await broker.start()
        app[BROKER] = broker
        alerting = Alerting(RuleCache(), settings.base_url)
        writer = EventWriter(open_store(settings.database_url, limits, alerting))
        projects = ProjectCache(settings.rate_limit_per_minute, clock=clock or time.monotonic)
        digest = Digest(writer, clock=clock or time.time)
        app[DIGEST] = digest
        ingestor = Ingestor(settings, projects, digest)
        app[sentry.INGESTOR] = ingestor
        grants = GrantCache(clock=clock or time.monotonic)
        app[rollbar_api.GRANTS] = grants
        app[rollbar.ROLLBAR] = RollbarIngestor(
            settings, projects, grants, digest, clock=clock or time.time
        )
        reporter = asyncio.create_task(ingestor.run_reports())
        sweep = Sweeper(settings)
        sweeper = asyncio.create_task(sweep.run(clock or time.time))

        def deleted(deletions: Deletions) -> None:
            # Deleted tokens authenticate nothing from now on in this process.
            forget_tokens(deletions.tokens)
            # Ingestion stops at once here; the sweep purges the project's data.
            if deletions.projects:
                projects.forget(deletions.projects)
                grants.forget(where=lambda grant: grant.project_id in deletions.projects)
                sweep.wake()

        forget_deletions = on_deletions(deleted)
        alerts = asyncio.create_task(DeliveryLoop(settings).run())
        yield
        forget_deletions()
        reporter.cancel()
        sweeper.cancel()
        alerts.cancel()
        # Each step bounded: a stop never hangs on a connection someone left checked out (the
        # pool's close waits for it) or a batch waiting on a row lock; whatever is cut short
        # was not acknowledged (a 200 follows the commit).
        await _bounded("background tasks", asyncio.gather(sweeper, alerts, return_exceptions=True))
        await _bounded("rejection counts", digest.flush_rejections())
        await _bounded("event writer", writer.close())
        await _bounded("change broker", broker.close())
        token_cache.close()
        await _bounded("database connections", database.close())

    app.cleanup_ctx.append(lifecycle)
    sentry.setup(app)
    auth.setup(app, SignIns(clock or time.time))
    rustrak.setup(app)
    rollbar_admin.setup(app)
    alert_routes.setup(app)
    rollbar.setup(app)
    graphql.setup(app, clock or time.time)
    web_ui.setup(app)
    return app


async def _bounded(step: str, work: Awaitable[Any]) -> None:
    """`work`, given at most SHUTDOWN_STEP_S; past that it is cancelled and the stop goes on."""
    try:
        await asyncio.wait_for(work, SHUTDOWN_STEP_S)
    except TimeoutError:
        log.warning("stopping: %s took over %.0f s and were cut short", step, SHUTDOWN_STEP_S)
