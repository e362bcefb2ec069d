"""Waiting for deleted projects to be purged, and counting what a project left behind."""

from __future__ import annotations

import asyncio

from tortoise.models import Model

from app.retention.sweeper import Sweeper
from models import (
    Deploy,
    Event,
    IngestCount,
    Issue,
    IssueHistory,
    IssueHourly,
    IssueTag,
    IssueTagKey,
    Project,
    ProjectAccessToken,
    RateWindow,
)
from tests.conftest import Server

PROJECT_ROWS: tuple[type[Model], ...] = (
    Event,
    Issue,
    Deploy,
    IngestCount,
    RateWindow,
    ProjectAccessToken,
)
ISSUE_ROWS: tuple[type[Model], ...] = (IssueHistory, IssueHourly, IssueTag, IssueTagKey)


async def purge(server: Server) -> None:
    """Until no project is marked deleted: by a purge of this test's, or the one the deletion
    woke in a server of this process (then this one finds the lock taken and waits)."""
    while await Project.filter(deleted_at__isnull=False).exists():
        if await Sweeper(server.settings).purge_once() is None:
            await asyncio.sleep(0.02)


async def rows_of(project_id: int, issue_ids: list[int]) -> dict[str, int]:
    """Rows of every table that names the project (or one of its issues), by table."""
    counts = {"project": await Project.filter(id=project_id).count()}
    for model in PROJECT_ROWS:
        counts[model._meta.db_table] = await model.filter(project_id=project_id).count()
    for model in ISSUE_ROWS:
        counts[model._meta.db_table] = await model.filter(issue_id__in=issue_ids).count()
    return counts


def nothing(counts: dict[str, int]) -> dict[str, int]:
    return dict.fromkeys(counts, 0)
