"""Project writes and reads, shared by the REST API, the CLI and (later) GraphQL."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import prepared
from app.auth import access_tokens
from app.config import MAX_RETENTION_DAYS
from app.errors import BadRequest, InvalidField, NotFound
from app.notifications import ChangeKind, IssueChange, notifying_transaction
from app.pagination import Page, PageRequest, keyset_page
from app.projects.naming import (
    new_sentry_key,
    slug_candidates,
    slugify,
    tombstone_slug,
    validate_name,
)
from models import IngestCount, IngestOutcome, Issue, Project

MAX_RATE_LIMIT = 10_000_000
# GraphQL's Int is 32 bits: both surfaces accept the same range.
MAX_EVENTS_CAP = 2_147_483_647
CHANGEABLE = "name, rate_limit_per_minute, retention_days, max_events"


async def create_project(name: object) -> Project:
    clean = validate_name(name)
    base = slugify(clean)
    taken: set[str] = {
        str(slug)
        for slug in await Project.filter(slug__startswith=base).values_list("slug", flat=True)
    }
    for slug in slug_candidates(base):
        if slug in taken:
            continue
        try:
            # A savepoint, so a lost race on the slug does not abort an outer transaction.
            async with in_transaction():
                project = await Project.create(name=clean, slug=slug, sentry_key=new_sentry_key())
                await access_tokens.create_default_tokens(project.id)
                return project
        except IntegrityError:
            taken.add(slug)
    raise InvalidField("name", "too many projects share this name")


def live_projects() -> QuerySet[Project]:
    """The projects not deleted: reads of projects go through here (and reads of their rows
    join on `models.of_live_project()`)."""
    return Project.filter(deleted_at__isnull=True)


async def get_project(project_id: int) -> Project:
    # What live_projects().get_or_none(id=...) sends, written once (every issue page reads it)
    found = await prepared.fetch_models(
        Project, _live_project_sql(prepared.dialect_of(Project)), [project_id]
    )
    if not found:
        raise NotFound(f"project {project_id} not found")
    return found[0]


@cache
def _live_project_sql(dialect: str) -> str:
    (marker,) = prepared.placeholders(dialect, 1, 1)
    return (
        f'SELECT {prepared.columns(Project, "project")} FROM "project"'
        f' WHERE "project"."deleted_at" IS NULL AND "project"."id"={marker}'
    )


async def ingest_counts(project_id: int) -> dict[IngestOutcome, int]:
    """Events accepted and requests refused (by reason) for the project, by every process.

    Refusals reach the database every few seconds, so the latest ones may not show yet.
    """
    rows = await IngestCount.filter(project_id=project_id).values_list("outcome", "count")
    counts = dict.fromkeys(IngestOutcome, 0)
    for outcome, count in rows:
        counts[IngestOutcome(outcome)] = int(count)
    return counts


async def list_projects(page: PageRequest) -> Page[Project]:
    return await keyset_page(live_projects(), ("id",), page, descending=False)


async def update_project(project_id: int, changes: dict[str, Any]) -> Project:
    """Apply a PATCH: `name`, `rate_limit_per_minute`, `retention_days` (null returns each to
    the server default) and `max_events` (null: no cap)."""
    if not changes:
        raise BadRequest(f"body must name a field to change: {CHANGEABLE}")
    updates: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            updates["name"] = validate_name(value)
        elif field == "rate_limit_per_minute":
            updates[field] = validate_rate_limit(value)
        elif field == "retention_days":
            updates[field] = validate_retention_days(value)
        elif field == "max_events":
            updates[field] = validate_max_events(value)
        else:
            raise InvalidField(field, "is not a field that can be changed")
    project = await get_project(project_id)
    if not await live_projects().filter(id=project_id).update(**updates):
        raise NotFound(f"project {project_id} not found")  # deleted a moment ago
    project.update_from_dict(updates)
    return project


async def delete_project(project_id: int) -> None:
    """Mark the project deleted, in one short transaction: from its commit every API answers
    as if it did not exist (ingestion too: the event store refuses it), its slug is free, and
    subscribers hear DELETED for each of its issues, then the subscriptions scoped to it end
    (every process forgets its cached keys on that notice). The retention sweep then removes
    its events, issues and the rest in batches, and finally the row (app/retention/purge.py).

    The UPDATE waits for the event batches that hold the project row (FOR KEY SHARE), so
    none stores an event for it once it is marked."""
    async with notifying_transaction() as outbox:
        marked = (
            await live_projects()
            .filter(id=project_id)
            .update(deleted_at=datetime.now(UTC), slug=tombstone_slug(project_id))
        )
        if not marked:
            raise NotFound(f"project {project_id} not found")
        issue_ids = await Issue.filter(project_id=project_id).order_by("id").values_list("id")
        outbox.extend(IssueChange(ChangeKind.DELETED, i, project_id) for (i,) in issue_ids)
        outbox.deleted_projects.append(project_id)


def validate_rate_limit(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField("rate_limit_per_minute", "must be a non-negative integer or null")
    if not 0 <= value <= MAX_RATE_LIMIT:
        raise InvalidField("rate_limit_per_minute", f"must be between 0 and {MAX_RATE_LIMIT}")
    return value


def validate_retention_days(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField("retention_days", "must be an integer or null")
    if not 1 <= value <= MAX_RETENTION_DAYS:
        raise InvalidField("retention_days", f"must be between 1 and {MAX_RETENTION_DAYS}")
    return value


def validate_max_events(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField("max_events", "must be an integer or null")
    if not 1 <= value <= MAX_EVENTS_CAP:
        raise InvalidField("max_events", f"must be between 1 and {MAX_EVENTS_CAP}")
    return value


async def all_projects() -> list[Project]:
    return list(await live_projects().order_by("id"))


async def existing_project_ids(project_ids: set[int]) -> set[int]:
    rows = await live_projects().filter(id__in=list(project_ids)).only("id")
    return {row.id for row in rows}
