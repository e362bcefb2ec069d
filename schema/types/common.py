"""Scalars, page info and argument parsing shared by every type."""

from __future__ import annotations

from enum import Enum
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition
from tortoise.models import Model

from app.errors import InvalidField, NotFound
from app.ids import parse_id
from app.issues.service import IssueSort
from app.pagination import MAX_LIMIT, PageRequest, decode_cursor
from models import IssueState
from schema.errors import renamed_fields

# Counts can pass 2^31 (GraphQL's Int is 32-bit); JSON numbers carry them exactly up to 2^53.
BigInt = NewType("BigInt", int)
SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=int,
        description="A 64-bit integer, as a JSON number.",
    )
}


@strawberry.enum(description="Sort direction; DESC lists the largest values first.")
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def page_request(first: int, after: str | None) -> PageRequest:
    """`first`/`after` of a connection as a keyset page request (BAD_USER_INPUT naming them)."""
    if not 1 <= first <= MAX_LIMIT:
        raise InvalidField("first", f"must be an integer from 1 to {MAX_LIMIT}")
    with renamed_fields(cursor="after"):
        return PageRequest(limit=first, after=decode_cursor(after) if after else None)


def model_id(raw: strawberry.ID, model: type[Model], argument: str, noun: str) -> int:
    """An `ID` argument as the row id it names; digits no row can have are NOT_FOUND."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()):
        raise InvalidField(argument, "must be a numeric id")
    value = parse_id(text, model)
    if value is None:
        raise NotFound(f"{noun} {text[:40]} not found")
    return value


@strawberry.enum(name="IssueState")
class IssueStateEnum(Enum):
    OPEN = IssueState.OPEN
    RESOLVED = IssueState.RESOLVED
    MUTED = IssueState.MUTED


@strawberry.enum(name="IssueSort", description="The order of an issue list; ties go by id.")
class IssueSortEnum(Enum):
    LAST_SEEN = IssueSort.LAST_SEEN
    FIRST_SEEN = IssueSort.FIRST_SEEN
    EVENT_COUNT = IssueSort.EVENT_COUNT
