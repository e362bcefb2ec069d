"""Alert channels, rules and the delivery log of a project: the reads and writes REST and
GraphQL share. Fields are checked by app.alerts.rules; here, what needs the database: the
project exists, a rule's channels are its project's, the per-project bounds, and that a rule
and its channel set change together.

Every write that changes which rules a project has calls `_rules_changed(project_id)` after its
transaction commits, so the alert engine's per-project rule cache can drop that project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.alerts import rules
from app.alerts.rules import ChannelSpec, RuleSpec
from app.errors import BadRequest, InvalidField, NotFound
from app.pagination import Page, PageRequest, keyset_page
from models import AlertChannel, AlertDelivery, AlertRule, DeliveryStatus, Project

MAX_CHANNELS = 100
MAX_RULES = 100


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule with the ids of its channels (ascending)."""

    model: AlertRule
    channel_ids: tuple[int, ...]

    def spec(self) -> RuleSpec:
        m = self.model
        return RuleSpec(
            trigger=m.trigger,
            channel_ids=self.channel_ids,
            throttle_minutes=m.throttle_minutes,
            threshold=m.threshold,
            window_minutes=m.window_minutes,
            enabled=m.enabled,
        )


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    status: DeliveryStatus | None = None
    rule_id: int | None = None


def _rules_changed(project_id: int) -> None:
    """Called after a commit that changed the project's rules or their channels; the lead wires
    it to the alert engine's per-project rule cache (app.alerts.outbox) at merge."""


async def _locked_project(project_id: int) -> Project:
    """The project, locked for the transaction (PostgreSQL; SQLite's writes are serial), so two
    concurrent creations cannot both pass a per-project bound. NO KEY UPDATE: ingestion's
    inserts of the project's issues (KEY SHARE through their foreign key) do not wait on it."""
    project = await Project.select_for_update(no_key=True).get_or_none(
        id=project_id, deleted_at__isnull=True
    )
    if project is None:
        raise NotFound(f"project {project_id} not found")
    return project


async def _require_project(project_id: int) -> None:
    if not await Project.exists(id=project_id, deleted_at__isnull=True):
        raise NotFound(f"project {project_id} not found")


# --- channels ---------------------------------------------------------------------------------


async def create_channel(project_id: int, body: Mapping[str, Any]) -> AlertChannel:
    """The new channel; for a webhook its `secret` is the one time it is shown."""
    async with in_transaction():
        await _locked_project(project_id)
        spec: ChannelSpec = rules.parse_channel(body)
        if await AlertChannel.filter(project_id=project_id).count() >= MAX_CHANNELS:
            raise BadRequest(
                f"project {project_id} has {MAX_CHANNELS} channels, the most it may have; "
                "delete one first"
            )
        return await AlertChannel.create(
            project_id=project_id,
            kind=spec.kind,
            name=spec.name,
            url=spec.url,
            secret=spec.secret,
            recipients=list(spec.recipients),
        )


async def list_channels(project_id: int) -> list[AlertChannel]:
    """Oldest first; a project has at most MAX_CHANNELS."""
    await _require_project(project_id)
    return (await channels_by_project([project_id]))[project_id]


async def channels_by_project(project_ids: Iterable[int]) -> dict[int, list[AlertChannel]]:
    """The channels of many projects in one query (GraphQL's loader), oldest first."""
    ids = list(project_ids)
    found: dict[int, list[AlertChannel]] = {project_id: [] for project_id in ids}
    for channel in await AlertChannel.filter(project_id__in=ids).order_by("id"):
        found[channel.project_id].append(channel)
    return found


async def channels_by_id(channel_ids: Iterable[int]) -> dict[int, AlertChannel]:
    """Channels by id, one query (GraphQL's loader for a rule's channels)."""
    return {c.id: c for c in await AlertChannel.filter(id__in=list(channel_ids))}


async def delete_channel(project_id: int, channel_id: int) -> None:
    """Refused while a rule sends to it (a rule left without channels would alert no one)."""
    async with in_transaction():
        await _locked_project(project_id)
        channel = await AlertChannel.get_or_none(id=channel_id, project_id=project_id)
        if channel is None:
            raise NotFound(f"channel {channel_id} not found in project {project_id}")
        users = (
            await AlertRule.filter(channels__id=channel_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if users:
            listed = ", ".join(str(rule_id) for rule_id in users)
            raise BadRequest(
                f"channel {channel_id} is used by alert rule(s) {listed}; "
                "remove it from them or delete them first"
            )
        await channel.delete()


# --- rules ------------------------------------------------------------------------------------


async def channel_ids_of(rule_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """The channel ids of many rules in one query (ascending per rule)."""
    ids = list(rule_ids)
    found: dict[int, list[int]] = {rule_id: [] for rule_id in ids}
    if ids:
        pairs = await AlertRule.filter(id__in=ids, channels__id__isnull=False).values_list(
            "id", "channels__id"
        )
        for rule_id, channel_id in sorted(pairs):
            found[rule_id].append(channel_id)
    return {rule_id: tuple(channel_ids) for rule_id, channel_ids in found.items()}


async def _with_channels(models: list[AlertRule]) -> list[Rule]:
    channel_ids = await channel_ids_of(m.id for m in models)
    return [Rule(m, channel_ids[m.id]) for m in models]


async def _project_channels(project_id: int, channel_ids: tuple[int, ...]) -> list[AlertChannel]:
    found = {c.id: c for c in await AlertChannel.filter(id__in=channel_ids, project_id=project_id)}
    for channel_id in channel_ids:
        if channel_id not in found:
            raise rules.not_in_project(channel_id)
    return [found[channel_id] for channel_id in channel_ids]


def _columns(spec: RuleSpec) -> dict[str, Any]:
    return {
        "trigger": spec.trigger,
        "throttle_minutes": spec.throttle_minutes,
        "threshold": spec.threshold,
        "window_minutes": spec.window_minutes,
        "enabled": spec.enabled,
    }


async def create_rule(project_id: int, body: Mapping[str, Any]) -> Rule:
    async with in_transaction():
        await _locked_project(project_id)
        spec = rules.parse_rule(body)
        if await AlertRule.filter(project_id=project_id).count() >= MAX_RULES:
            raise BadRequest(
                f"project {project_id} has {MAX_RULES} alert rules, the most it may have; "
                "delete one first"
            )
        channels = await _project_channels(project_id, spec.channel_ids)
        model = await AlertRule.create(project_id=project_id, **_columns(spec))
        await model.channels.add(*channels)
    _rules_changed(project_id)
    return Rule(model, tuple(sorted(spec.channel_ids)))


async def list_rules(project_id: int) -> list[Rule]:
    """Oldest first; a project has at most MAX_RULES."""
    await _require_project(project_id)
    return (await rules_by_project([project_id]))[project_id]


async def rules_by_project(project_ids: Iterable[int]) -> dict[int, list[Rule]]:
    """The rules of many projects, with their channel ids, in two queries."""
    ids = list(project_ids)
    models = list(await AlertRule.filter(project_id__in=ids).order_by("id"))
    found: dict[int, list[Rule]] = {project_id: [] for project_id in ids}
    for rule in await _with_channels(models):
        found[rule.model.project_id].append(rule)
    return found


def _rule_not_found(project_id: int, rule_id: int) -> NotFound:
    return NotFound(f"alert rule {rule_id} not found in project {project_id}")


async def get_rule(project_id: int, rule_id: int) -> Rule:
    await _require_project(project_id)
    model = await AlertRule.get_or_none(id=rule_id, project_id=project_id)
    if model is None:
        raise _rule_not_found(project_id, rule_id)
    return (await _with_channels([model]))[0]


async def update_rule(project_id: int, rule_id: int, changes: Mapping[str, Any]) -> Rule:
    """A PATCH of any subset of the fields; `channel_ids` replaces the whole set, in the same
    transaction as the other fields."""
    async with in_transaction():
        await _locked_project(project_id)
        model = await AlertRule.select_for_update(no_key=True).get_or_none(
            id=rule_id, project_id=project_id
        )
        if model is None:
            raise _rule_not_found(project_id, rule_id)
        current = (await _with_channels([model]))[0]
        spec = rules.apply_rule_changes(current.spec(), changes)
        if set(spec.channel_ids) != set(current.channel_ids):
            channels = await _project_channels(project_id, spec.channel_ids)
            await model.channels.clear()
            await model.channels.add(*channels)
        columns = _columns(spec)
        await AlertRule.filter(id=rule_id).update(**columns)
        model.update_from_dict(columns)
    _rules_changed(project_id)
    return Rule(model, tuple(sorted(spec.channel_ids)))


async def delete_rule(project_id: int, rule_id: int) -> None:
    """Its deliveries stay in the log, with `rule_id` null."""
    await _require_project(project_id)
    if not await AlertRule.filter(id=rule_id, project_id=project_id).delete():
        raise _rule_not_found(project_id, rule_id)
    _rules_changed(project_id)


# --- deliveries -------------------------------------------------------------------------------


def delivery_filter(status: str | None, rule_id: int | None) -> DeliveryFilter:
    if status is None:
        return DeliveryFilter(rule_id=rule_id)
    if status not in DeliveryStatus.__members__.values():
        raise InvalidField("status", f"must be one of {', '.join(DeliveryStatus)}")
    return DeliveryFilter(DeliveryStatus(status), rule_id)


async def list_deliveries(
    project_id: int, page: PageRequest, where: DeliveryFilter = DeliveryFilter()
) -> Page[AlertDelivery]:
    """Newest first (by id: rows are numbered as they are written)."""
    await _require_project(project_id)
    query = AlertDelivery.filter(project_id=project_id)
    if where.status is not None:
        query = query.filter(status=where.status)
    if where.rule_id is not None:
        query = query.filter(rule_id=where.rule_id)
    return await keyset_page(query, ("id",), page, descending=True)
