"""Events accepted and requests refused per project, by outcome, shared by every server process."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class IngestOutcome(StrEnum):
    ACCEPTED = "accepted"  # events stored (duplicates and items without an event are not)
    # Requests refused, by reason:
    UNAUTHORIZED = "unauthorized"  # 401: missing, malformed or wrong key
    RATE_LIMITED = "rate_limited"  # 429
    TOO_LARGE = "too_large"  # 413
    INVALID = "invalid"  # 400: malformed body, envelope, encoding or header
    TIMEOUT = "timeout"  # 408: the body did not arrive in time


REJECTION_REASONS = tuple(o for o in IngestOutcome if o is not IngestOutcome.ACCEPTED)


class IngestCount(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="ingest_counts", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    outcome = fields.CharEnumField(IngestOutcome, max_length=16)
    count = fields.BigIntField(default=0)

    class Meta:
        table = "ingest_count"
        unique_together = (("project", "outcome"),)
