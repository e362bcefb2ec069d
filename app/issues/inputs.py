"""What an issue state change or relabelling may say (pure): the ids of a bulk change, a
resolution's version, a level and a title. Each refusal is an InvalidField naming its field."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import InvalidField
from app.search.filter import LEVELS
from app.text import require_plain_line
from models import IssueState

# One bulk update is one transaction holding this many row locks at most.
MAX_BULK_IDS = 1_000
MAX_VERSION_CHARS = 40  # Rollbar's limit on a code_version, and the column's


def unique_ids(ids: Sequence[int]) -> list[int]:
    if len(ids) > MAX_BULK_IDS:
        raise InvalidField("ids", f"at most {MAX_BULK_IDS} issues at once")
    for value in ids:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidField("ids", "must be issue ids (integers)")
    return list(dict.fromkeys(ids))


def resolved_version(target: IssueState | None, value: object) -> str | None:
    if value is None:
        return None
    if target != IssueState.RESOLVED:
        raise InvalidField("resolved_in_version", "can only be given with the resolved state")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidField("resolved_in_version", "must be a string")
    text = value.strip()
    if not 1 <= len(text) <= MAX_VERSION_CHARS:
        raise InvalidField("resolved_in_version", f"must be 1 to {MAX_VERSION_CHARS} characters")
    return require_plain_line("resolved_in_version", text)


def relabelling(level: str | None, title: str | None) -> dict[str, str]:
    updates: dict[str, str] = {}
    if level is not None:
        if level not in LEVELS:
            raise InvalidField("level", f"must be one of {', '.join(LEVELS)}")
        updates["level"] = level
    if title is not None:
        text = title.strip()
        if not 1 <= len(text) <= 255:
            raise InvalidField("title", "must be 1 to 255 characters")
        updates["title"] = require_plain_line("title", text)
    return updates
