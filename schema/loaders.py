"""DataLoaders: rows that many resolvers of one operation need, fetched in one query per kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from strawberry.dataloader import DataLoader

from app.events import service as events
from app.issues import service as issues
from app.projects import service as projects
from models import Event, Issue, Project

V = TypeVar("V")


def _by_key(
    fetch: Callable[[list[int]], Awaitable[Mapping[int, V]]],
) -> Callable[[list[int]], Awaitable[list[V | None]]]:
    async def load(keys: list[int]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key) for key in keys]

    return load


class Loaders:
    """One set per operation (and per subscription message): caches must not outlive it."""

    __slots__ = ("issue", "latest_event", "project")

    def __init__(self) -> None:
        self.project: DataLoader[int, Project | None] = DataLoader(_by_key(projects.projects_by_id))
        self.issue: DataLoader[int, Issue | None] = DataLoader(_by_key(issues.issues_by_id))
        # Keyed by issue id.
        self.latest_event: DataLoader[int, Event | None] = DataLoader(_by_key(events.latest_events))
