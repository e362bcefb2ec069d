"""A tag key of an issue: how many values it has rows for, and the events beyond them.

Written only when a batch brings a value the issue has no row for, so the common batch
touches `issue_tag` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.issue import Issue


class IssueTagKey(Model):
    id = fields.BigIntField(primary_key=True)
    issue: fields.ForeignKeyRelation[Issue] = fields.ForeignKeyField(
        "models.Issue", related_name="tag_keys", on_delete=fields.CASCADE, db_index=False
    )
    issue_id: int
    key = fields.CharField(max_length=32)
    # Rows of this key in issue_tag (at most MAX_VALUES_PER_KEY).
    value_count = fields.IntField(default=0)
    # Events whose value found no room: counted in the key's total, under no value.
    other_count = fields.BigIntField(default=0)

    class Meta:
        table = "issue_tag_key"
        unique_together = (("issue", "key"),)
