"""What a CLI command loads before it starts: never the server, GraphQL or the alert channels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("strawberry", "graphql", "app.server", "schema", "app.alerts", "app.ingest.pipeline")


def _loaded(modules: str) -> dict[str, bool]:
    """Which of HEAVY (and aiohttp) a fresh interpreter holds after importing `modules`."""
    code = (
        f"import sys, json, {modules}; "
        f"print(json.dumps({{m: m in sys.modules for m in {[*HEAVY, 'aiohttp']!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, bool] = json.loads(done.stdout)
    return loaded


def test_the_user_commands_load_neither_the_server_nor_aiohttp():
    assert _loaded("app.admin.users") == dict.fromkeys([*HEAVY, "aiohttp"], False)


def test_the_other_commands_load_nothing_of_the_server():
    loaded = _loaded("app.cli, app.admin.tokens, app.admin.projects")
    assert {m: loaded[m] for m in HEAVY} == dict.fromkeys(HEAVY, False)
