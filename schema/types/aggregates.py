"""An issue's aggregates as ingestion keeps them: events per hour or day, and tag values."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.ingest.tallies import MAX_VALUES_PER_KEY
from app.issues.aggregates import Bucket, Period, TagSummary, TagValue
from schema.types.common import BigInt


@strawberry.enum(
    name="FrequencyPeriod",
    description="DAY: 24 hourly buckets, the last one this hour; MONTH: 30 UTC days to today.",
)
class FrequencyPeriodEnum(Enum):
    DAY = Period.DAY
    MONTH = Period.MONTH


@strawberry.type(name="FrequencyBucket")
class BucketType:
    start: datetime
    count: BigInt

    @classmethod
    def of(cls, bucket: Bucket) -> BucketType:
        return cls(start=bucket.start, count=BigInt(bucket.count))


@strawberry.type(name="TagValue")
class TagValueType:
    value: str
    count: BigInt
    first_seen: datetime
    last_seen: datetime

    @classmethod
    def of(cls, value: TagValue) -> TagValueType:
        return cls(
            value=value.value,
            count=BigInt(value.count),
            first_seen=value.first_seen,
            last_seen=value.last_seen,
        )


@strawberry.type(name="IssueTag", description="One tag key over the issue's events.")
class TagSummaryType:
    key: str
    total: BigInt = strawberry.field(description="Events carrying the key.")
    distinct: int = strawberry.field(
        description=f"Values counted apart (at most {MAX_VALUES_PER_KEY:,})."
    )
    other: BigInt = strawberry.field(
        description=f"Events whose value came after the {MAX_VALUES_PER_KEY:,}th: in `total`, "
        "under no value."
    )
    top_values: list[TagValueType] = strawberry.field(
        description="Most events first, then by value."
    )

    @classmethod
    def of(cls, summary: TagSummary) -> TagSummaryType:
        return cls(
            key=summary.key,
            total=BigInt(summary.total),
            distinct=summary.distinct,
            other=BigInt(summary.other),
            top_values=[TagValueType.of(v) for v in summary.top],
        )
