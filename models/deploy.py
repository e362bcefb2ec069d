"""A deploy of a project's code to an environment (Rollbar's deploy API)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class DeployStatus(StrEnum):
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


class Deploy(Model):
    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="deploys", on_delete=fields.CASCADE, db_index=False
    )
    project_id: int
    environment = fields.CharField(max_length=255)
    revision = fields.CharField(max_length=255)
    rollbar_username = fields.CharField(max_length=255, null=True)
    local_username = fields.CharField(max_length=255, null=True)
    comment = fields.TextField(null=True)
    status = fields.CharEnumField(DeployStatus, max_length=16, default=DeployStatus.SUCCEEDED)
    start_time = fields.DatetimeField()
    # Set when the deploy ends (any status but started).
    finish_time = fields.DatetimeField(null=True)

    class Meta:
        table = "deploy"
        # A project's deploys, newest first.
        indexes = (("project", "id"),)
