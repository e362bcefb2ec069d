"""IssueChange, the one message every subscriber hears, and its wire form for pg_notify.

A payload carries ids and states only (subscribers read the issue itself), as JSON:
`{"v": 1, "g": [[kind, project_id, state or null, [issue ids…]], …]}` — consecutive changes of
one kind, project and state share a group, so one batch of ingestion is usually one
notification. PostgreSQL refuses payloads of 8,000 bytes or more; `encode` splits at
MAX_PAYLOAD_BYTES. `decode` trusts nothing: anyone who can connect to the database can NOTIFY
on the channel. Deletions of tokens and projects (which end subscriptions) travel on a channel
of their own, `{"v": 1, "t": [token ids…], "p": [project ids…]}`, as strictly decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.issues.states import Cause, Transition
from models.issue import IssueState

CHANNEL = "faultline_issue_changes"
MAX_PAYLOAD_BYTES = 7_000  # PostgreSQL's limit is 8,000; room for the group heads
_VERSION = 1
_MAX_ID = 2**63 - 1


class ChangeKind(StrEnum):
    CREATED = "CREATED"  # a new issue, with its first events committed
    REGRESSED = "REGRESSED"  # an event reopened a resolved issue
    STATE = "STATE"  # someone changed the state (any API)
    COUNT = "COUNT"  # new events: count and last seen moved
    DELETED = "DELETED"  # the issue is gone (deleted alone or with its project)


@dataclass(frozen=True, slots=True)
class IssueChange:
    kind: ChangeKind
    issue_id: int
    project_id: int
    # The state the change left the issue in; None for COUNT and DELETED.
    state: IssueState | None = None

    @classmethod
    def of(cls, transition: Transition) -> IssueChange:
        """A state change, as subscribers hear it: a regression or a change by someone."""
        kind = ChangeKind.REGRESSED if transition.cause == Cause.REGRESSION else ChangeKind.STATE
        return cls(kind, transition.issue_id, transition.project_id, transition.to_state)


_Group = tuple[ChangeKind, int, IssueState | None]


def encode(changes: Iterable[IssueChange]) -> list[str]:
    """The payloads carrying `changes` in order, each at most MAX_PAYLOAD_BYTES long."""
    payloads: list[str] = []
    groups: list[tuple[_Group, list[int]]] = []
    size = _EMPTY_SIZE
    for change in changes:
        key = (change.kind, change.project_id, change.state)
        id_size = len(str(change.issue_id))
        while True:
            if groups and groups[-1][0] == key:
                cost = id_size + 1  # ",id"
            else:
                cost = len(_group_json(key, [change.issue_id])) + (1 if groups else 0)
            if size + cost <= MAX_PAYLOAD_BYTES or not groups:
                break
            payloads.append(_dump(groups))
            groups, size = [], _EMPTY_SIZE
        if groups and groups[-1][0] == key:
            groups[-1][1].append(change.issue_id)
        else:
            groups.append((key, [change.issue_id]))
        size += cost
    if groups:
        payloads.append(_dump(groups))
    return payloads


def _group_json(key: _Group, ids: list[int]) -> str:
    kind, project_id, state = key
    return json.dumps(
        [kind.value, project_id, state.value if state else None, ids], separators=(",", ":")
    )


def _dump(groups: Sequence[tuple[_Group, list[int]]]) -> str:
    body = ",".join(_group_json(key, ids) for key, ids in groups)
    return f'{{"v":{_VERSION},"g":[{body}]}}'


_EMPTY_SIZE = len(_dump([]))


def decode(payload: str) -> list[IssueChange]:
    """The changes of one payload; ValueError names what is wrong with a foreign one."""
    try:
        data: Any = json.loads(payload)
    except (ValueError, RecursionError):  # a payload of 4,000 "[" nests too deep to parse
        raise ValueError("not JSON") from None
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise ValueError(f"not a version {_VERSION} payload")
    groups = data.get("g")
    if not isinstance(groups, list):
        raise ValueError("no list of groups")
    return [change for group in groups for change in _changes(group)]


def _changes(group: Any) -> Iterator[IssueChange]:
    if not isinstance(group, list) or len(group) != 4:
        raise ValueError("a group is not [kind, project, state, ids]")
    kind, project_id, state, ids = group
    try:
        kind, state = ChangeKind(kind), None if state is None else IssueState(state)
    except (TypeError, ValueError):
        raise ValueError("unknown kind or state") from None
    if not _is_id(project_id) or not isinstance(ids, list) or not all(map(_is_id, ids)):
        raise ValueError("ids must be positive integers")
    for issue_id in ids:
        yield IssueChange(kind, issue_id, project_id, state)


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


# Deletions that end subscriptions: of API tokens (the subscriptions they opened) and of
# projects (the subscriptions scoped to them). Their own channel, so issue payloads keep their
# shape; PostgreSQL delivers both channels of one session in commit order.
DELETIONS_CHANNEL = "faultline_deletions"
# Ids per payload (a token is deleted alone, a project too): far below the 8,000-byte limit.
MAX_DELETION_IDS = 200


@dataclass(frozen=True, slots=True)
class Deletions:
    tokens: tuple[int, ...] = ()
    projects: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tokens or self.projects)


NOTHING_DELETED = Deletions()


def encode_deletions(deletions: Deletions) -> list[str]:
    """`{"v": 1, "t": [token ids…], "p": [project ids…]}`, MAX_DELETION_IDS ids at most each."""
    ids = [("t", i) for i in deletions.tokens] + [("p", i) for i in deletions.projects]
    payloads = []
    for start in range(0, len(ids), MAX_DELETION_IDS):
        part = ids[start : start + MAX_DELETION_IDS]
        body = {"v": _VERSION, **{key: [i for k, i in part if k == key] for key in ("t", "p")}}
        payloads.append(json.dumps(body, separators=(",", ":")))
    return payloads


def decode_deletions(payload: str) -> Deletions:
    """The deletions of one payload; ValueError names what is wrong with a foreign one."""
    try:
        data: Any = json.loads(payload)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise ValueError(f"not a version {_VERSION} payload")
    return Deletions(_deleted_ids(data.get("t")), _deleted_ids(data.get("p")))


def _deleted_ids(ids: Any) -> tuple[int, ...]:
    if not isinstance(ids, list) or len(ids) > MAX_DELETION_IDS or not all(map(_is_id, ids)):
        raise ValueError(f"t and p must be lists of at most {MAX_DELETION_IDS} ids")
    return tuple(ids)
