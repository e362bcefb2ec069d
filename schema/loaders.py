"""DataLoaders: rows that many resolvers of one operation need, fetched in one query per kind."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from app.alerts import service as alerts
from app.auth import sessions, tokens, users
from app.events import service as events
from app.issues import aggregates
from app.issues import service as issues
from app.issues.aggregates import Bucket, Period, TagQuery, TagSummary
from app.retention import storage
from app.retention.storage import Storage
from models import AlertChannel, ApiToken, Event, Issue, User, UserSession

V = TypeVar("V")
A = TypeVar("A", bound=Hashable)


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


async def _listed(
    ids: list[int], fetch: Callable[[list[int]], Awaitable[dict[int, list[V]]]]
) -> list[list[V]]:
    found = await fetch(ids)
    return [found[key] for key in ids]


class Loaders:
    """One set per operation (and per subscription message): caches must not outlive it.
    `clock` (seconds) is "now" for the frequency buckets. Each loader is made when first used:
    a subscription message that resolves no relation makes none."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock

    @cached_property
    def issue(self) -> DataLoader[int, Issue | None]:
        return DataLoader(_by_key(issues.issues_by_id))

    @cached_property
    def grouping(self) -> DataLoader[int, dict[str, Any] | None]:
        """The grouping explanation of an issue read by a list (lists leave it out)."""
        return DataLoader(_by_key(issues.groupings))

    @cached_property
    def token(self) -> DataLoader[int, ApiToken | None]:
        return DataLoader(_by_key(tokens.tokens_by_id))

    @cached_property
    def user(self) -> DataLoader[int, User | None]:
        return DataLoader(_by_key(users.users_by_id))

    @cached_property
    def session(self) -> DataLoader[int, UserSession | None]:
        """Sessions that have not ended by the clock's now."""
        clock = self._clock
        return DataLoader(
            _by_key(lambda ids: sessions.live_sessions(ids, datetime.fromtimestamp(clock(), UTC)))
        )

    @cached_property
    def latest_event(self) -> DataLoader[int, Event | None]:
        """Keyed by issue id."""
        return DataLoader(_by_key(events.latest_events))

    @cached_property
    def latest_event_columns(self) -> DataLoader[int, Event | None]:
        """Keyed by issue id; the payload left out where the message is stored."""
        return DataLoader(_by_key(lambda ids: events.latest_events(ids, payload=False)))

    @cached_property
    def environments(self) -> DataLoader[int, list[str]]:
        return DataLoader(lambda ids: _values(ids, aggregates.environments))

    @cached_property
    def releases(self) -> DataLoader[int, list[str]]:
        return DataLoader(lambda ids: _values(ids, aggregates.releases))

    @cached_property
    def frequency(self) -> DataLoader[tuple[int, Period], list[Bucket]]:
        """Keyed by issue id and the field's arguments (as `tags`)."""
        return DataLoader(_per_row(_frequencies(self._clock, aggregates.frequencies)))

    @cached_property
    def tags(self) -> DataLoader[tuple[int, TagQuery], list[TagSummary]]:
        return DataLoader(_per_row(_tags))

    @cached_property
    def project_environments(self) -> DataLoader[int, list[str]]:
        """Keyed by project id."""
        return DataLoader(lambda ids: _values(ids, aggregates.project_environments))

    @cached_property
    def project_releases(self) -> DataLoader[int, list[str]]:
        return DataLoader(lambda ids: _values(ids, aggregates.project_releases))

    @cached_property
    def project_storage(self) -> DataLoader[int, Storage | None]:
        """Keyed by project id."""
        return DataLoader(_by_key(storage.storage_of))

    @cached_property
    def project_frequency(self) -> DataLoader[tuple[int, Period], list[Bucket]]:
        """Keyed by project id and period."""
        return DataLoader(_per_row(_frequencies(self._clock, aggregates.project_frequencies)))

    @cached_property
    def alert_channels(self) -> DataLoader[int, list[AlertChannel]]:
        """Keyed by project id."""
        return DataLoader(lambda ids: _listed(ids, alerts.channels_by_project))

    @cached_property
    def alert_rules(self) -> DataLoader[int, list[alerts.Rule]]:
        """Keyed by project id; each rule with its channel ids."""
        return DataLoader(lambda ids: _listed(ids, alerts.rules_by_project))

    @cached_property
    def alert_channel(self) -> DataLoader[int, AlertChannel | None]:
        return DataLoader(_by_key(alerts.channels_by_id))
