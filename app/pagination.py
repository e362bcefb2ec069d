"""Keyset pagination shared by every list: `?limit=` and an opaque `?cursor=`.

A cursor holds the sort key of the last row served, so pages stay stable while new rows
arrive (an offset would shift), and the order it was made in (table, keys, direction): one
given to a list sorted otherwise is refused, not read as a position it never was. Lists sort
by one or two keys, the last always being `id`.
Rustrak's own client pages with `?page=&per_page=` instead; those become an offset.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from multidict import MultiMapping
from tortoise.expressions import Q
from tortoise.fields import DatetimeField, IntField
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.errors import InvalidField
from app.ids import fits

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Deeper pages are offsets the database must walk past; a cursor serves them better.
MAX_PAGE = 10_000
# Our cursors are a few dozen characters; anything much longer was not made here (and the
# cap keeps json.loads far from its nesting limit).
MAX_CURSOR_CHARS = 256

M = TypeVar("M", bound=Model)
T = TypeVar("T")

Query = MultiMapping[str]


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in a list: the order it was made in (`order_of`) and the row's sort values."""

    order: str
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: Cursor | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    # The order and sort keys of a keyset page, so each item's own cursor can be made (GraphQL
    # edges).
    order: str = ""
    keys: tuple[str, ...] = field(default=())
    # How many items the list holds on all its pages, when reading the page told (else None;
    # keyset_rows' `count`: a page without rows carries none).
    total: int | None = None

    def cursor_of(self, item: T) -> str:
        return encode_cursor(self.order, [getattr(item, key) for key in self.keys])


def query_value(query: Query, name: str) -> str | None:
    """The one value of `?name=`; a parameter given twice is ambiguous, so it is refused."""
    values = query.getall(name, [])
    if len(values) > 1:
        raise InvalidField(name, "must be given at most once")
    return values[0] if values else None


def bounded_int(raw: str, name: str, low: int, high: int) -> int:
    """Plain ASCII digits within [low, high]; no signs, spaces, underscores or other scripts."""
    digits = raw.lstrip("0") or "0"  # int() counts leading zeros against its digit limit
    if raw.isascii() and raw.isdigit() and len(digits) <= len(str(high)):
        value = int(digits)
        if low <= value <= high:
            return value
    raise InvalidField(name, f"must be an integer from {low} to {high}")


def parse_page(query: Query) -> PageRequest:
    raw_limit = query_value(query, "limit")
    raw_per_page = query_value(query, "per_page")
    raw_page = query_value(query, "page")
    raw_cursor = query_value(query, "cursor")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        limit = bounded_int(raw_limit, "limit", 1, MAX_LIMIT)
    if raw_per_page is not None:
        per_page = bounded_int(raw_per_page, "per_page", 1, MAX_LIMIT)
        if raw_limit is not None and per_page != limit:
            raise InvalidField("per_page", f"conflicts with limit={limit}")
        limit = per_page
    after = decode_cursor(raw_cursor) if raw_cursor else None
    offset = 0
    if raw_page is not None:
        page = bounded_int(raw_page, "page", 1, MAX_PAGE)
        if after is not None:
            raise InvalidField("page", "cannot be combined with cursor")
        offset = (page - 1) * limit
    return PageRequest(limit=limit, after=after, offset=offset)


def order_of(model: type[Model], keys: Sequence[str], *, descending: bool) -> str:
    """The order a cursor is made in: `issue:last_seen,id:desc`."""
    return f"{model._meta.db_table}:{','.join(keys)}:{'desc' if descending else 'asc'}"


def _plain(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)


def cursor_at(row: M, keys: Sequence[str], *, descending: bool) -> Cursor:
    """The cursor of `row` in the list of its model ordered by `keys`."""
    order = order_of(type(row), keys, descending=descending)
    return Cursor(order, _plain([getattr(row, key) for key in keys]))


def encode_cursor(order: str, values: Sequence[Any]) -> str:
    items = [order, *_plain(values)]
    raw = orjson.dumps(items)  # a page makes 51: ~20 times json.dumps's speed
    if not (raw.isascii() and b"\x7f" not in raw and all(type(i) in _EXACT for i in items)):
        # orjson writes non-ASCII text (and DEL, floats) otherwise than json.dumps
        raw = json.dumps(items, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Types orjson writes as json.dumps does, when its output is ASCII without DEL.
_EXACT = frozenset({str, int})


def _bad_cursor() -> InvalidField:
    return InvalidField("cursor", "is not a cursor returned by this API")


def decode_cursor(cursor: str) -> Cursor:
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _bad_cursor() from None
    if not isinstance(values, list) or len(values) < 2 or not isinstance(values[0], str):
        raise _bad_cursor()
    return Cursor(values[0], tuple(values[1:]))


async def keyset_page(
    queryset: QuerySet[M], keys: Sequence[str], page: PageRequest, *, descending: bool
) -> Page[M]:
    """One page of `queryset` ordered by `keys` (all ascending or all descending)."""
    paged, order = _paged(queryset, keys, page, descending=descending)
    return _page(list(await paged), keys, page, order)


async def keyset_values(
    queryset: QuerySet[M],
    keys: Sequence[str],
    page: PageRequest,
    *,
    descending: bool,
    fields: Sequence[str],
    build: Callable[[dict[str, Any]], T],
) -> Page[T]:
    """The page `keyset_page` reads, as `build` makes each row of `fields` (which hold
    `keys`): no model is made, for lists that only show columns."""
    paged, order = _paged(queryset, keys, page, descending=descending)
    return _page([build(row) for row in await paged.values(*fields)], keys, page, order)


async def keyset_rows(
    model: type[M],
    equal: Mapping[str, Any],
    keys: Sequence[str],
    page: PageRequest,
    *,
    descending: bool,
    fields: Sequence[str],
    build: Callable[[dict[str, Any]], T],
    count: bool = False,
) -> Page[T]:
    """What `keyset_values` reads of `model.filter(**equal)`: the same rows, order, cursors,
    refusals and column conversions, by SQL written once per shape. Tortoise builds a query
    anew on every call (~0.4 ms of CPU, more than the driver spends on it); the lists read
    most, a project's issues (of one state, or all), need not pay it. `count`: each row also
    carries `count_rows(model, equal)`, the page's `total` (a query less for a connection's
    totalCount)."""
    order = order_of(model, keys, descending=descending)
    typed: list[Any] = []
    if page.after is not None:
        _check_order(page.after, order)
        typed = _typed(model, keys, page.after.values)
    db = model._meta.db
    shape = _Shape(
        model,
        tuple(equal),
        tuple(keys),
        descending,
        bool(typed),
        bool(page.offset),
        tuple(fields),
        count,
    )
    sql, converters = _statement(shape, db.capabilities.dialect)
    fields_map = model._meta.fields_map
    values = [fields_map[name].to_db_value(value, model) for name, value in equal.items()]
    if count:  # the count's own markers come first, in the select list
        values += values
    # (k1, k2) after (v1, v2): k1 beyond v1 OR (k1 = v1 AND k2 beyond v2), as `_after` says it
    if typed:
        after = [fields_map[k].to_db_value(v, model) for k, v in zip(keys, typed, strict=True)]
        for i in range(len(after)):
            values += after[: i + 1]
    values.append(page.limit + 1)
    if page.offset:
        values.append(page.offset)
    _, rows = await db.execute_query(sql, values)
    # (strict=False: a counted row ends with the count)
    items = [
        build(
            {
                name: v if to_py is None else to_py(v)
                for (name, to_py), v in zip(converters, row, strict=False)
            }
        )
        for row in rows
    ]
    found = _page(items, keys, page, order)
    return replace(found, total=int(rows[0][-1])) if count and rows else found


async def count_rows(model: type[Model], equal: Mapping[str, Any]) -> int:
    """`model.filter(**equal).count()` (a list's total), by SQL written once per shape."""
    db = model._meta.db
    shape = _Shape(model, tuple(equal), (), False, False, False, (), False)
    sql, _ = _statement(shape, db.capabilities.dialect)
    fields_map = model._meta.fields_map
    values = [fields_map[name].to_db_value(value, model) for name, value in equal.items()]
    _, rows = await db.execute_query(sql, values)
    return int(rows[0][0])


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the SQL of a `keyset_rows` page depends on (its values aside)."""

    model: type[Model]
    equal: tuple[str, ...]
    keys: tuple[str, ...]
    descending: bool
    after: bool
    offset: bool
    fields: tuple[str, ...]
    count: bool


# Per selected field, how Tortoise converts its column (None: as the driver returns it).
_Converters = tuple[tuple[str, Callable[[Any], Any] | None], ...]
# (shape, dialect) → the page's SQL and its converters; bounded by the shapes the code asks for.
_STATEMENTS: dict[tuple[_Shape, str], tuple[str, _Converters]] = {}


def _statement(shape: _Shape, dialect: str) -> tuple[str, _Converters]:
    found = _STATEMENTS.get((shape, dialect))
    if found is not None:
        return found
    meta = shape.model._meta
    columns = meta.fields_db_projection
    count = iter(range(1, 1000))

    def param() -> str:
        return f"${next(count)}" if dialect == "postgres" else "?"

    def column(name: str) -> str:
        return f'"{columns[name]}"'

    table = f'"{meta.db_table}"'
    counted = ""
    if shape.count:
        equal = " AND ".join(f"{column(name)}={param()}" for name in shape.equal)
        counted = f",(SELECT COUNT(*) FROM {table}{f' WHERE {equal}' if equal else ''})"
    where = [f"{column(name)}={param()}" for name in shape.equal]
    if shape.after:
        op = "<" if shape.descending else ">"
        clauses = []
        for i, key in enumerate(shape.keys):
            parts = [f"{column(shape.keys[j])}={param()}" for j in range(i)]
            parts.append(f"{column(key)}{op}{param()}")
            clauses.append(f"({' AND '.join(parts)})" if len(parts) > 1 else parts[0])
        where.append(f"({' OR '.join(clauses)})")
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    if not shape.fields:  # the count of the rows
        found = _STATEMENTS[(shape, dialect)] = (
            f"SELECT COUNT(*) FROM {table}{condition}",
            (),
        )
        return found
    direction = " DESC" if shape.descending else ""
    sql = (
        f"SELECT {','.join(column(name) for name in shape.fields)}{counted} FROM {table}"
        + condition
        + f" ORDER BY {','.join(column(key) + direction for key in shape.keys)}"
        + f" LIMIT {param()}"
        + (f" OFFSET {param()}" if shape.offset else "")
    )
    # As Tortoise's values() converts: columns the driver returns natively as they are.
    native = {name for _, name, _ in meta.db_native_fields}
    converters = tuple(
        (name, None if name in native else meta.fields_map[name].to_python_value)
        for name in shape.fields
    )
    found = _STATEMENTS[(shape, dialect)] = (sql, converters)
    return found


def _paged(
    queryset: QuerySet[M], keys: Sequence[str], page: PageRequest, *, descending: bool
) -> tuple[QuerySet[M], str]:
    """The query of one page (a row more, to know whether another follows) and its order."""
    order = order_of(queryset.model, keys, descending=descending)
    direction = "-" if descending else ""
    queryset = queryset.order_by(*(direction + key for key in keys))
    if page.after is not None:
        _check_order(page.after, order)
        queryset = queryset.filter(_after(queryset.model, keys, page.after.values, descending))
    if page.offset:
        queryset = queryset.offset(page.offset)
    return queryset.limit(page.limit + 1), order


def _page(rows: list[T], keys: Sequence[str], page: PageRequest, order: str) -> Page[T]:
    if len(rows) <= page.limit:
        return Page(items=rows, next_cursor=None, order=order, keys=tuple(keys))
    rows = rows[: page.limit]
    last = rows[-1]
    next_cursor = encode_cursor(order, [getattr(last, k) for k in keys])
    return Page(items=rows, next_cursor=next_cursor, order=order, keys=tuple(keys))


def _check_order(after: Cursor, order: str) -> None:
    if after.order != order:
        # Read in this order, another order's position would skip or repeat rows.
        raise InvalidField(
            "cursor", "was made for another sort, direction or list; start again without it"
        )


def _typed(model: type[Model], keys: Sequence[str], values: tuple[Any, ...]) -> list[Any]:
    """A cursor's values as the columns `keys` hold them, or a 400 naming `cursor`."""
    if len(values) != len(keys):
        raise _bad_cursor()
    return [cursor_value(model, key, value) for key, value in zip(keys, values, strict=True)]


def _after(model: type[Model], keys: Sequence[str], values: tuple[Any, ...], descending: bool) -> Q:
    typed = _typed(model, keys, values)
    op = "lt" if descending else "gt"
    # (k1, k2) after (v1, v2)  <=>  k1 beyond v1  OR  (k1 = v1 AND k2 beyond v2)
    clauses = []
    for i, key in enumerate(keys):
        equal = {keys[j]: typed[j] for j in range(i)}
        clauses.append(Q(**equal, **{f"{key}__{op}": typed[i]}))
    return Q(*clauses, join_type="OR")


def cursor_value(model: type[Model], key: str, value: Any) -> Any:
    """A cursor value as the column `model.key` holds it, or a 400 naming `cursor`."""
    field = model._meta.fields_map[key]
    if isinstance(field, DatetimeField):
        return _cursor_time(value)
    if isinstance(field, IntField) and fits(model, key, value):
        return value
    raise _bad_cursor()


def _cursor_time(value: Any) -> datetime:
    # Our cursors carry aware ISO times; a naive one or one that leaves the calendar in UTC
    # (year 1 east of Greenwich, year 9999 west of it) was not made here.
    if not isinstance(value, str) or len(value) > 40:
        raise _bad_cursor()
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _bad_cursor() from None
