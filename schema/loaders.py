"""DataLoaders: rows that many resolvers of one operation need, fetched in one query per kind."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from strawberry.dataloader import DataLoader

from app.auth import sessions, tokens, users
from app.events import service as events
from app.issues import aggregates
from app.issues import service as issues
from app.issues.aggregates import Bucket, Period, TagSummary
from app.projects import service as projects
from models import ApiToken, Event, Issue, Project, User, UserSession

V = TypeVar("V")
A = TypeVar("A", bound=Hashable)
# The arguments of an issue's `tags` field: the keys asked for (None: all) and `top`.
TagQuery = tuple[tuple[str, ...] | None, int]


def _by_key(
    fetch: Callable[[list[int]], Awaitable[Mapping[int, V]]],
) -> Callable[[list[int]], Awaitable[list[V | None]]]:
    async def load(keys: list[int]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key) for key in keys]

    return load


def _per_row(
    fetch: Callable[[list[int], A], Awaitable[Mapping[int, V]]],
) -> Callable[[list[tuple[int, A]]], Awaitable[list[V]]]:
    """Keys (row id, arguments): one fetch per distinct arguments, for all their rows."""

    async def load(keys: list[tuple[int, A]]) -> list[V]:
        groups: dict[A, list[int]] = {}
        for issue_id, args in keys:
            groups.setdefault(args, []).append(issue_id)
        found = {args: await fetch(ids, args) for args, ids in groups.items()}
        return [found[args][issue_id] for issue_id, args in keys]

    return load


def _frequencies(
    clock: Callable[[], float],
    of: Callable[[Sequence[int], Period, datetime], Awaitable[dict[int, list[Bucket]]]],
) -> Callable[[Sequence[int], Period], Awaitable[dict[int, list[Bucket]]]]:
    async def fetch(ids: Sequence[int], period: Period) -> dict[int, list[Bucket]]:
        return await of(ids, period, datetime.fromtimestamp(clock(), UTC))

    return fetch


async def _tags(issue_ids: Sequence[int], query: TagQuery) -> dict[int, list[TagSummary]]:
    keys, top = query
    return await aggregates.tag_values(issue_ids, keys, top)


async def _values(
    issue_ids: list[int], fetch: Callable[[list[int]], Awaitable[dict[int, list[str]]]]
) -> list[list[str]]:
    found = await fetch(issue_ids)
    return [found[issue_id] for issue_id in issue_ids]


class Loaders:
    """One set per operation (and per subscription message): caches must not outlive it.
    `clock` (seconds) is "now" for the frequency buckets."""

    __slots__ = (
        "environments",
        "frequency",
        "issue",
        "latest_event",
        "project",
        "project_environments",
        "project_frequency",
        "project_releases",
        "releases",
        "session",
        "tags",
        "token",
        "user",
    )

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.project: DataLoader[int, Project | None] = DataLoader(_by_key(projects.projects_by_id))
        self.issue: DataLoader[int, Issue | None] = DataLoader(_by_key(issues.issues_by_id))
        self.token: DataLoader[int, ApiToken | None] = DataLoader(_by_key(tokens.tokens_by_id))
        self.user: DataLoader[int, User | None] = DataLoader(_by_key(users.users_by_id))
        # Sessions that have not ended by the clock's now.
        self.session: DataLoader[int, UserSession | None] = DataLoader(
            _by_key(lambda ids: sessions.live_sessions(ids, datetime.fromtimestamp(clock(), UTC)))
        )
        # Keyed by issue id.
        self.latest_event: DataLoader[int, Event | None] = DataLoader(_by_key(events.latest_events))
        self.environments: DataLoader[int, list[str]] = DataLoader(
            lambda ids: _values(ids, aggregates.environments)
        )
        self.releases: DataLoader[int, list[str]] = DataLoader(
            lambda ids: _values(ids, aggregates.releases)
        )
        # Keyed by issue id and the field's arguments.
        self.frequency: DataLoader[tuple[int, Period], list[Bucket]] = DataLoader(
            _per_row(_frequencies(clock, aggregates.frequencies))
        )
        # Keyed by project id.
        self.project_environments: DataLoader[int, list[str]] = DataLoader(
            lambda ids: _values(ids, aggregates.project_environments)
        )
        self.project_releases: DataLoader[int, list[str]] = DataLoader(
            lambda ids: _values(ids, aggregates.project_releases)
        )
        # Keyed by project id and period.
        self.project_frequency: DataLoader[tuple[int, Period], list[Bucket]] = DataLoader(
            _per_row(_frequencies(clock, aggregates.project_frequencies))
        )
        self.tags: DataLoader[tuple[int, TagQuery], list[TagSummary]] = DataLoader(_per_row(_tags))
