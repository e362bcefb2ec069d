"""The purge of deleted projects: what `projects.delete_project` marked goes in batches.

A deleted project is gone for every API from the moment it is marked (`deleted_at`); its
rows are removed afterwards by the retention sweep, under its lock, through the same batches
(batches.py), so no transaction is long and ingestion goes on between them:
events (through the event index), then issues a batch at a time (their hourly and tag counts
and history first), deploys and access tokens, and last the project row, which takes with it
the few rows left (rate windows of the last minutes, a count per ingest outcome) and rows of
anything else that references it. A purge cut short (a restart) is finished by the next sweep:
a project stays marked until its row goes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from tortoise.expressions import Q

from app.retention.batches import Batches
from models import (
    Deploy,
    Event,
    Issue,
    IssueHistory,
    IssueHourly,
    IssueTag,
    IssueTagKey,
    Project,
    ProjectAccessToken,
)

# Rows per issue, deleted before their issues so that no cascade is large.
ISSUE_ROWS = (IssueHourly, IssueTag, IssueTagKey, IssueHistory)


async def purge_deleted(batches: Batches) -> int:
    """Purge every project marked deleted (ascending id), those marked meanwhile too; how
    many were."""
    purged = 0
    while marked := await Project.filter(deleted_at__isnull=False).order_by("id").first():
        await purge_project(batches, marked.id)
        purged += 1
    return purged


async def purge_project(batches: Batches, project_id: int) -> None:
    of_project = Q(project_id=project_id)
    await _drain(batches.delete(Event, of_project, ("timestamp", "id")))
    while True:
        issue_ids = (
            await Issue.filter(of_project)
            .order_by("last_seen", "id")
            .limit(batches.size)
            .values_list("id", flat=True)
        )
        if not issue_ids:
            break
        for model in ISSUE_ROWS:
            await _drain(batches.delete(model, Q(issue_id__in=issue_ids)))
        await _drain(batches.delete(Issue, Q(id__in=issue_ids)))
    await _drain(batches.delete(Deploy, of_project, ("id",)))
    await _drain(batches.delete(ProjectAccessToken, of_project, ("id",)))
    await Project.filter(id=project_id, deleted_at__isnull=False).delete()


async def _drain(batches: AsyncIterator[list[tuple[Any, ...]]]) -> None:
    async for _ in batches:
        pass
