"""`faultline project …` and `faultline stats`: projects as JSON, and what each keeps."""

from __future__ import annotations

import argparse
import json

from app.admin import Handler, every_page
from app.compat.rustrak.serializers import iso, project_json
from app.config import Settings
from app.projects import service as projects
from app.retention.storage import storage_of


async def _create(args: argparse.Namespace, settings: Settings) -> int:
    project = await projects.create_project(args.name)
    print(json.dumps(project_json(project, settings.base_url), indent=2))
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = await every_page(projects.list_projects)
    print(json.dumps([project_json(p, settings.base_url) for p in rows], indent=2))
    return 0


async def _stats(args: argparse.Namespace, settings: Settings) -> int:
    rows = await every_page(projects.list_projects)
    kept = await storage_of([p.id for p in rows])
    print(
        json.dumps(
            [
                {
                    "id": p.id,
                    "slug": p.slug,
                    "events": kept[p.id].events,
                    "bytes": kept[p.id].bytes,
                    "oldest_event": iso(kept[p.id].oldest_event),
                }
                for p in rows
            ],
            indent=2,
        )
    )
    return 0


COMMANDS: dict[tuple[str, str | None], Handler] = {
    ("project", "create"): _create,
    ("project", "list"): _list,
    ("stats", None): _stats,
}
