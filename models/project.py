"""A project: the unit that owns a DSN key, issues and events."""

from __future__ import annotations

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model


class Project(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=100, unique=True)
    # The Sentry public key, stored as 32 lowercase hex (DSNs carry it in that form).
    sentry_key = fields.CharField(max_length=32, unique=True)
    # Last short-id number handed out; issues take `issue_counter + 1` when they open.
    issue_counter = fields.IntField(default=0)
    # Events per minute; NULL means the server default applies.
    rate_limit_per_minute = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Days events are kept; NULL means the server default (FAULTLINE_RETENTION_DAYS).
    retention_days = fields.IntField(null=True)
    # At most this many events are kept, the oldest evicted first; NULL means no cap.
    max_events = fields.BigIntField(null=True)
    # Set when the project is deleted: every API treats it as gone from then on, and the
    # retention sweep removes its data in batches, then the row (app/retention/purge.py).
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "project"


def of_live_project() -> Q:
    """The rows (issues, events, tokens) of projects not deleted: a join on `project`."""
    return Q(project__deleted_at__isnull=True)
