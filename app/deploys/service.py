"""Deploy reads and writes, shared by Rollbar's deploy API and GraphQL.

Fields are checked here (pure `new_deploy_fields` / `deploy_changes`), each problem an
Unprocessable naming the field. A deploy with a final status (anything but `started`) has a
finish time: set when it is created so, or when a PATCH ends it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.errors import NotFound, Unprocessable
from app.pagination import Page, PageRequest, keyset_page
from models import Deploy, DeployStatus

MAX_TEXT = 255
MAX_COMMENT = 64 * 1024
TEXT_FIELDS = ("rollbar_username", "local_username")


def new_deploy_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new deploy from a POST body (`head_long` is an alias of `revision`)."""
    revision = body.get("revision", body.get("head_long"))
    fields: dict[str, Any] = {
        "environment": _required(body.get("environment"), "environment"),
        "revision": _required(revision, "revision"),
    }
    for name in TEXT_FIELDS:
        fields[name] = _optional(body.get(name), name, MAX_TEXT)
    fields["comment"] = _optional(body.get("comment"), "comment", MAX_COMMENT)
    fields["status"] = _status(body.get("status", DeployStatus.SUCCEEDED.value))
    return fields


def deploy_changes(body: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body: `status` and/or `comment`."""
    for name in body:
        if name not in ("status", "comment"):
            raise Unprocessable(f"{name} is not a field that can be changed")
    if not body:
        raise Unprocessable("body must name a field to change: status, comment")
    changes: dict[str, Any] = {}
    if "status" in body:
        changes["status"] = _status(body["status"])
    if "comment" in body:
        changes["comment"] = _optional(body["comment"], "comment", MAX_COMMENT)
    return changes


def _required(value: object, name: str) -> str:
    if value is None or value == "":
        raise Unprocessable(f"{name} is missing and it is required.")
    text = _optional(value, name, MAX_TEXT)
    assert text is not None
    return text


def _optional(value: object, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unprocessable(f"{name} should be string.")
    if len(value) > limit:
        raise Unprocessable(f"{name} should be at most {limit} characters.")
    return value.replace("\x00", "")


def _status(value: object) -> DeployStatus:
    if not isinstance(value, str) or value not in DeployStatus.__members__.values():
        raise Unprocessable(f"status should be one of {', '.join(DeployStatus)}.")
    return DeployStatus(value)


async def create_deploy(project_id: int, body: dict[str, Any]) -> Deploy:
    fields = new_deploy_fields(body)
    now = datetime.now(UTC)
    finished = None if fields["status"] is DeployStatus.STARTED else now
    return await Deploy.create(
        project_id=project_id, start_time=now, finish_time=finished, **fields
    )


async def get_deploy(project_id: int, deploy_id: int) -> Deploy:
    deploy = await Deploy.get_or_none(id=deploy_id, project_id=project_id)
    if deploy is None:
        raise NotFound("Deploy not found in this project.")
    return deploy


async def list_deploys(project_id: int, page: PageRequest) -> Page[Deploy]:
    """Newest first."""
    return await keyset_page(Deploy.filter(project_id=project_id), ("id",), page, descending=True)


async def update_deploy(project_id: int, deploy_id: int, body: dict[str, Any]) -> Deploy:
    changes = deploy_changes(body)
    deploy = await get_deploy(project_id, deploy_id)
    status = changes.get("status")
    if status is not None and status is not DeployStatus.STARTED and deploy.finish_time is None:
        changes["finish_time"] = datetime.now(UTC)
    await Deploy.filter(id=deploy.id).update(**changes)
    deploy.update_from_dict(changes)
    return deploy
