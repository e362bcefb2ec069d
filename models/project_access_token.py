"""A Rollbar project access token: the project it posts to or reads, and its scopes.

The token itself is kept (not only a hash): Rollbar shows a project's tokens in its token list
(`GET /api/projects/{id}/access_tokens` returns `token`), and client tokens are public by design,
embedded in web pages. Revoked tokens stay as rows, with `revoked_at` set, and authenticate nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.project import Project


class TokenScope(StrEnum):
    POST_SERVER_ITEM = "post_server_item"
    POST_CLIENT_ITEM = "post_client_item"
    READ = "read"
    WRITE = "write"


class ProjectAccessToken(Model):
    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="access_tokens", on_delete=fields.CASCADE
    )
    project_id: int
    # 32 lowercase hex, as Rollbar's tokens.
    token = fields.CharField(max_length=32, unique=True)
    # The TokenScope values, sorted and comma-separated (app.auth.scopes reads and writes it).
    scopes = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "project_access_token"
