"""Issue reads and writes. Every state change goes through `bulk_set_state` (or `edit_issue`,
Rollbar's PATCH of labels and state at once; both apply it in `_apply_state`), which writes one
history row per change and publishes it (STATE) in the same transaction; deletes publish DELETED.
The lists (listing.py: pages, filters, counts) are this service's too, re-exported here."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from app import prepared
from app.errors import InvalidField, NotFound
from app.ids import fits, parse_id
from app.issues.inputs import relabelling, resolved_version, unique_ids
from app.issues.listing import IssueSort as IssueSort
from app.issues.listing import ListedIssue as ListedIssue
from app.issues.listing import count_issues as count_issues
from app.issues.listing import list_issue_rows as list_issue_rows
from app.issues.listing import list_issues as list_issues
from app.issues.lookup import issue_with_latest_event, issue_with_project
from app.issues.states import Cause, parse_state, transition
from app.notifications import ChangeKind, IssueChange, notifying_transaction
from app.notifications.publish import Outbox
from app.pagination import Page, PageRequest, keyset_page
from models import Event, Issue, IssueHistory, IssueState, Project, of_live_project

_SHORT_ID = re.compile(r"([a-z0-9][a-z0-9-]{0,99})-([0-9]{1,10})")


async def get_issue(issue_id: int) -> Issue:
    """The issue with its project, if the project is live."""
    issue = await issue_with_project(issue_id)
    if issue is None:
        raise NotFound(f"issue {issue_id} not found")
    return issue


async def get_issue_and_latest_event(issue_id: int, *, payload: bool) -> tuple[Issue, Event | None]:
    """`get_issue` and the issue's `events.latest_events`, in one statement."""
    found = await issue_with_latest_event(issue_id, payload=payload)
    if found is None:
        raise NotFound(f"issue {issue_id} not found")
    return found


def grouping_explanation(
    issue: Issue | ListedIssue, grouping: dict[str, Any] | None = None
) -> dict[str, Any]:
    """How the issue's events were grouped: algorithm version, hash and what went into it.
    `grouping`: the issue's stored explanation, when it was listed without it."""
    if grouping is None:  # (a listed issue's is given: it was not read with it)
        grouping = issue.grouping if isinstance(issue, Issue) else {}
    return {"version": issue.grouping_version, "hash": issue.fingerprint, **(grouping or {})}


async def groupings(issue_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The stored grouping explanations of issues that were listed (without them)."""
    rows = await Issue.filter(id__in=list(issue_ids)).values_list("id", "grouping")
    return {issue_id: grouping for issue_id, grouping in rows}


async def issues_by_id(issue_ids: Iterable[int]) -> dict[int, Issue]:
    """The issues with their projects (every API shows an issue's short id). What
    Issue.filter(of_live_project(), id__in=ids).select_related("project") sends, written here."""
    ids = list(issue_ids)
    if not ids:
        return {}
    markers = ",".join(prepared.placeholders(prepared.dialect_of(Issue), 1, len(ids)))
    sql = (
        f"SELECT {prepared.columns(Issue, 'issue')},{prepared.columns(Project, 'issue__project')}"
        ' FROM "issue" LEFT OUTER JOIN "project" "issue__project"'
        ' ON "issue__project"."id"="issue"."project_id"'
        f' WHERE "issue__project"."deleted_at" IS NULL AND "issue"."id" IN ({markers})'
    )
    issues = await prepared.fetch_with_related(Issue, Project, "project", sql, ids)
    return {issue.id: issue for issue in issues}


async def get_issue_by_short_id(short_id: str) -> Issue:
    """`MY-APP-7` (any case): the issue numbered 7 of the project whose slug is `my-app`."""
    match = _SHORT_ID.fullmatch(short_id.strip().lower()[:120])
    counter = parse_id(match[2], Issue, "counter") if match else None
    issue = None
    if match and counter is not None:
        issue = (
            await Issue.filter(of_live_project(), project__slug=match[1], counter=counter)
            .select_related("project")
            .first()
        )
    if issue is None:
        raise NotFound(f"issue {short_id[:40]!r} not found")
    return issue


async def update_issue(
    issue_id: int, changes: dict[str, Any], *, actor: str | None = None
) -> Issue:
    """Apply a PATCH body; `state` is the only field that can change."""
    for field in changes:
        if field != "state":
            raise InvalidField(field, "is not a field that can be changed")
    if "state" not in changes:
        raise InvalidField("state", "is required")
    return await change_state(issue_id, changes["state"], actor=actor)


async def change_state(
    issue_id: int, requested: object, cause: Cause = Cause.USER, *, actor: str | None = None
) -> Issue:
    (issue,) = await bulk_set_state([issue_id], requested, cause, actor=actor)
    return issue


async def bulk_set_state(
    ids: Sequence[int],
    requested: object,
    cause: Cause = Cause.USER,
    *,
    actor: str | None = None,
    resolved_in_version: object = None,
) -> list[Issue]:
    """THE way an issue's state changes, for every API (ingestion's regressions share the rules
    of app/issues/states.py). One transaction: the issues are locked, each one that changes
    gets its history row (with `actor`, who asked: app.auth.actors) and a STATE notification;
    all or nothing. `resolved_in_version` (only with RESOLVED) is stored with the resolution;
    any other change, or a resolution without one, clears it.

    Returns the issues as written, once each, in the order of `ids`; raises NotFound naming the
    unknown ids (none is changed then).
    """
    target = parse_state(requested)
    version = resolved_version(target, resolved_in_version)
    wanted = unique_ids(ids)
    if not wanted:
        return []
    async with notifying_transaction() as outbox:
        current = await _locked(wanted)
        await _apply_state(current, wanted, target, version, cause, actor, outbox)
        written = {i.id: i for i in await Issue.filter(id__in=wanted).select_related("project")}
    return [written[issue_id] for issue_id in wanted]


async def edit_issue(
    issue_id: int,
    *,
    state: object = None,
    level: str | None = None,
    title: str | None = None,
    resolved_in_version: object = None,
    actor: str | None = None,
) -> Issue:
    """Rollbar's item PATCH: level, title and state (with its resolved version) changed in one
    transaction, the state as `bulk_set_state` changes it (history row, notification)."""
    labels = relabelling(level, title)
    target = None if state is None else parse_state(state)
    version = resolved_version(target, resolved_in_version)
    async with notifying_transaction() as outbox:
        current = await _locked([issue_id])
        if labels:
            await Issue.filter(id=issue_id).update(**labels)
        if target is not None:
            await _apply_state(current, [issue_id], target, version, Cause.USER, actor, outbox)
    return await get_issue(issue_id)


_Current = dict[int, tuple[int, IssueState, str | None]]


async def _locked(wanted: Sequence[int]) -> _Current:
    """The issues' project, state and resolved version, their rows locked; NotFound naming
    the missing ones."""
    # Locked in the order ingestion locks issues (project, fingerprint): no deadlock.
    # (values_list() would silently drop the FOR UPDATE; only() keeps it.)
    rows = (
        await Issue.filter(id__in=[i for i in wanted if fits(Issue, "id", i)])
        .order_by("project_id", "fingerprint")
        .select_for_update()
        .only("id", "project_id", "state", "resolved_in_version")
    )
    live = await _live_projects({row.project_id for row in rows})
    current = {
        row.id: (row.project_id, IssueState(row.state), row.resolved_in_version)
        for row in rows
        if row.project_id in live
    }
    _require_all(wanted, current)
    return current


async def _apply_state(
    current: _Current,
    wanted: Sequence[int],
    target: IssueState,
    version: str | None,
    cause: Cause,
    actor: str | None,
    outbox: Outbox,
) -> None:
    now = datetime.now(UTC)
    changes = [
        t
        for issue_id in wanted
        if (t := transition(issue_id, *current[issue_id][:2], target, cause, now)) is not None
    ]
    changed = {t.issue_id for t in changes}
    written = [i for i in wanted if i in changed or current[i][2] != version]
    if written:
        await Issue.filter(id__in=written).update(state=target, resolved_in_version=version)
    if changes:
        await IssueHistory.bulk_create(
            [
                IssueHistory(
                    issue_id=t.issue_id,
                    from_state=t.from_state,
                    to_state=t.to_state,
                    cause=t.cause,
                    actor=actor,
                    at=t.at,
                )
                for t in changes
            ]
        )
        outbox.extend(IssueChange.of(t) for t in changes)


async def _live_projects(project_ids: set[int]) -> set[int]:
    """Which of these projects are not deleted (read apart: a join would lock their rows)."""
    if not project_ids:
        return set()
    live = Project.filter(id__in=list(project_ids), deleted_at__isnull=True)
    return {int(project_id) for (project_id,) in await live.values_list("id")}


def _require_all(wanted: Sequence[int], found: Container[int]) -> None:
    missing = [issue_id for issue_id in wanted if issue_id not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (", …" if len(missing) > 10 else "")
        noun = "issue" if len(missing) == 1 else "issues"
        raise NotFound(f"{noun} {shown} not found")


async def delete_issue(issue_id: int) -> None:
    async with notifying_transaction() as outbox:
        issue = await Issue.select_for_update().get_or_none(id=issue_id)
        if issue is None or not await _live_projects({issue.project_id}):
            raise NotFound(f"issue {issue_id} not found")
        await Issue.filter(id=issue_id).delete()
        outbox.add(IssueChange(ChangeKind.DELETED, issue_id, issue.project_id))


async def delete_if_without_events(issue_id: int) -> bool:
    """Delete the issue, with its history and counts, if no event of it is left (retention);
    whether it was. Its row is locked first, so an event being stored for it either keeps it
    or, once it is gone, opens a new issue."""
    async with notifying_transaction() as outbox:
        issue = await Issue.select_for_update().get_or_none(id=issue_id)
        if issue is None or await Event.filter(issue_id=issue_id).exists():
            return False
        await Issue.filter(id=issue_id).delete()
        outbox.add(IssueChange(ChangeKind.DELETED, issue_id, issue.project_id))
    return True


async def list_history(issue: int | Issue | ListedIssue, page: PageRequest) -> Page[IssueHistory]:
    """`issue`: its id (NotFound if there is none) or the issue, already read."""
    issue_id = (await get_issue(issue)).id if isinstance(issue, int) else issue.id
    queryset = IssueHistory.filter(issue_id=issue_id)
    return await keyset_page(queryset, ("at", "id"), page, descending=False)
