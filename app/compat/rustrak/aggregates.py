"""Query parameters and JSON shapes of the issue aggregate routes (Faultline's additions)."""

from __future__ import annotations

from typing import Any

from app.compat.rustrak.serializers import iso
from app.issues.aggregates import DEFAULT_TOP, MAX_TOP, Bucket, Period, TagSummary, parse_period
from app.pagination import Query, bounded_int, query_value


def tag_query(query: Query) -> tuple[list[str] | None, int]:
    """`?key=` (repeatable; all keys when absent) and `?top=` of GET /api/issues/{id}/tags."""
    raw_top = query_value(query, "top")
    top = DEFAULT_TOP if raw_top is None else bounded_int(raw_top, "top", 1, MAX_TOP)
    return query.getall("key", []) or None, top


def frequency_period(query: Query) -> Period:
    raw = query_value(query, "period")
    return Period.DAY if raw is None else parse_period(raw)


def tag_json(summary: TagSummary) -> dict[str, Any]:
    return {
        "key": summary.key,
        "total": summary.total,
        "distinct": summary.distinct,
        "other": summary.other,
        "top_values": [
            {
                "value": v.value,
                "count": v.count,
                "first_seen": iso(v.first_seen),
                "last_seen": iso(v.last_seen),
            }
            for v in summary.top
        ],
    }


def frequency_json(period: Period, buckets: list[Bucket]) -> dict[str, Any]:
    return {
        "period": period.value,
        "buckets": [{"start": iso(b.start), "count": b.count} for b in buckets],
    }
