"""Keyset pagination shared by every list: `?limit=` and an opaque `?cursor=`.

A cursor holds the sort key of the last row served, so pages stay stable while new rows
arrive (an offset would shift). Lists sort by one or two keys, the last always being `id`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.fields import DatetimeField
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.errors import InvalidField

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

M = TypeVar("M", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: tuple[Any, ...] | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def parse_page(query: Mapping[str, str]) -> PageRequest:
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise InvalidField("limit", f"must be an integer from 1 to {MAX_LIMIT}") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidField("limit", f"must be an integer from 1 to {MAX_LIMIT}")
    raw_cursor = query.get("cursor")
    after = decode_cursor(raw_cursor) if raw_cursor else None
    return PageRequest(limit=limit, after=after)


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InvalidField("cursor", "is not a cursor returned by this API") from None
    if not isinstance(values, list) or not values:
        raise InvalidField("cursor", "is not a cursor returned by this API")
    return tuple(values)


async def keyset_page(
    queryset: QuerySet[M], keys: Sequence[str], page: PageRequest, *, descending: bool
) -> Page[M]:
    """One page of `queryset` ordered by `keys` (all ascending or all descending)."""
    direction = "-" if descending else ""
    queryset = queryset.order_by(*(direction + key for key in keys))
    if page.after is not None:
        queryset = queryset.filter(_after(queryset.model, keys, page.after, descending))
    rows = await queryset.limit(page.limit + 1)
    if len(rows) <= page.limit:
        return Page(items=list(rows), next_cursor=None)
    rows = rows[: page.limit]
    last = rows[-1]
    return Page(items=list(rows), next_cursor=encode_cursor([getattr(last, k) for k in keys]))


def _after(model: type[Model], keys: Sequence[str], values: tuple[Any, ...], descending: bool) -> Q:
    if len(values) != len(keys):
        raise InvalidField("cursor", "is not a cursor returned by this API")
    typed = [_typed(model, key, value) for key, value in zip(keys, values, strict=True)]
    op = "lt" if descending else "gt"
    # (k1, k2) after (v1, v2)  <=>  k1 beyond v1  OR  (k1 = v1 AND k2 beyond v2)
    clauses = []
    for i, key in enumerate(keys):
        equal = {keys[j]: typed[j] for j in range(i)}
        clauses.append(Q(**equal, **{f"{key}__{op}": typed[i]}))
    return Q(*clauses, join_type="OR")


def _typed(model: type[Model], key: str, value: Any) -> Any:
    field = model._meta.fields_map[key]
    try:
        if isinstance(field, DatetimeField):
            return datetime.fromisoformat(str(value))
        if key == "id":
            return int(value)
    except (TypeError, ValueError):
        raise InvalidField("cursor", "is not a cursor returned by this API") from None
    return value
