"""An API token for the REST and GraphQL APIs, stored only as a SHA-256 hash."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    # First characters of the token, enough for a person to tell tokens apart.
    prefix = fields.CharField(max_length=8)
    description = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
