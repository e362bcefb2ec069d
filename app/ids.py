"""Integer column ranges, read from the model fields, so the edge refuses what a column cannot hold.

PostgreSQL raises on an int4 or int8 parameter out of range and SQLite on one past int64: a
value outside its column's range is checked here and never reaches a query.
"""

from __future__ import annotations

from tortoise.models import Model

from app.errors import NotFound

# More digits than any int8 holds; bounds int() on client digits (it refuses past 4,300).
_MAX_DIGITS = 20


def column_range(model: type[Model], field: str) -> tuple[int, int]:
    constraints = model._meta.fields_map[field].constraints
    return int(constraints["ge"]), int(constraints["le"])


def fits(model: type[Model], field: str, value: object) -> bool:
    """True for an int (not a bool) that the column `model.field` can hold."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    low, high = column_range(model, field)
    return low <= value <= high


def parse_id(raw: str, model: type[Model], field: str = "id") -> int | None:
    """ASCII digits naming a value the column can hold, else None: no such row can exist."""
    digits = raw.lstrip("0") or "0"  # int() counts leading zeros against its digit limit
    if not (raw.isascii() and raw.isdigit()) or len(digits) > _MAX_DIGITS:
        return None
    value = int(digits)
    return value if fits(model, field, value) else None


def path_id(raw: str, model: type[Model], noun: str) -> int:
    """The id a path names, or NotFound (`<noun> <id> not found`): an id its column cannot
    hold, or that is not ASCII digits, names no row."""
    value = parse_id(raw, model)
    if value is None:
        raise NotFound(f"{noun} {raw.lstrip('0') or '0'} not found")
    return value
