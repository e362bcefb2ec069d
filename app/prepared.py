"""Models read by SQL written once: the hottest reads of the GraphQL path.

Tortoise builds each query anew, ~0.3-0.4 ms of CPU per query (more than the driver spends
sending it and decoding the rows), and a single event or a page of issues is a few queries.
These reads write their SQL once per dialect, the same SQL Tortoise would send, and build the
models from the rows the way Tortoise's executor does (`Model._init_from_db`, a joined
relation set as `select_related` sets it), so callers get the very models they got before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)
R = TypeVar("R", bound=Model)


def placeholders(dialect: str, first: int, count: int) -> list[str]:
    """The parameter markers `first`..`first + count - 1` of a statement in this dialect."""
    if dialect == "postgres":
        return [f"${n}" for n in range(first, first + count)]
    return ["?"] * count


def columns(model: type[Model], table: str) -> str:
    """Every column of `model`, qualified by `table` (a name or an alias), for a SELECT."""
    return ",".join(f'"{table}"."{column}"' for column in model._meta.fields_db_projection.values())


def dialect_of(model: type[Model]) -> str:
    return str(model._meta.db.capabilities.dialect)


async def fetch_rows(model: type[Model], sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows `sql` selects (every column of `model`, in `columns` order) by column, as the
    driver returns them: `model._init_from_db(**row)` is the model."""
    names = list(model._meta.fields_db_projection.values())
    _, rows = await model._meta.db.execute_query(sql, list(values))
    return [dict(zip(names, row, strict=True)) for row in rows]


async def fetch_models(model: type[M], sql: str, values: Sequence[Any]) -> list[M]:
    """The models of the rows `sql` selects (every column of `model`, in `columns` order)."""
    return [model._init_from_db(**row) for row in await fetch_rows(model, sql, values)]


async def fetch_with_related(
    model: type[M], related: type[R], attribute: str, sql: str, values: Sequence[Any]
) -> list[M]:
    """Models of `model` each with its `attribute` (of `related`) set, as `select_related`
    sets it: the rows hold `model`'s columns, then `related`'s (both in `columns` order);
    a relation whose columns are all null is None."""
    names = list(model._meta.fields_db_projection.values())
    related_names = list(related._meta.fields_db_projection.values())
    split = len(names)
    _, rows = await model._meta.db.execute_query(sql, list(values))
    found = []
    for row in rows:
        values_of = list(row)
        instance = model._init_from_db(**dict(zip(names, values_of[:split], strict=True)))
        own = values_of[split:]
        joined = (
            related._init_from_db(**dict(zip(related_names, own, strict=True)))
            if any(v for v in own)
            else None
        )
        object.__setattr__(instance, f"_{attribute}", joined)
        found.append(instance)
    return found


def converter(model: type[Model], column: str) -> Callable[[Any], Any] | None:
    """How `Model._init_from_db` converts this column's value (None: kept as the driver
    returns it), to read a few columns of a row without building its model."""
    meta = model._meta
    for key, _, _ in meta.db_native_fields:
        if key == column:
            return None
    for key, _, field in meta.db_default_fields:
        if key == column:
            make = field.field_type
            return lambda value: value if value is None else make(value)
    for key, _, field in meta.db_complex_fields:
        if key == column:
            return field.to_python_value
    raise KeyError(column)
