"""Generate the next aerich migration for both dialects from `models` (no database needed).

Usage: python scripts/makemigrations.py NAME
Every model change needs both files; `tests/integration/test_migrations.py` fails when either
migrated schema drifts from the models.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This checkout's modules, not those of an installed copy (another worktree's editable install).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncio
import subprocess

from aerich import Command
from tortoise.context import TortoiseContext

from app.database import migrations_location, tortoise_config

URLS = {
    "postgres": "postgres://postgres@127.0.0.1:5432/faultline_makemigrations",
    "sqlite": "sqlite://:memory:",
}


async def generate(url: str, name: str) -> None:
    location = migrations_location(url)
    with TortoiseContext():
        command = Command(
            tortoise_config=tortoise_config(url), app="models", location=str(location)
        )
        if not (location / "models").exists():
            await command.init_migrations(safe=True)
            print(f"{location}: initial migration")
            return
        await command.init(offline=True)
        created = await command.migrate(name, no_input=True, offline=True)
        print(f"{location}: {created or 'no changes'}")


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "update"
    if len(sys.argv) > 2:  # one dialect, in a process of its own
        asyncio.run(generate(URLS[sys.argv[2]], name))
        return
    # aerich keeps the operations it has generated in class attributes, so a second dialect
    # in the same process would inherit the first one's SQL: one process per dialect.
    for dialect in URLS:
        subprocess.run([sys.executable, __file__, name, dialect], check=True)


if __name__ == "__main__":
    main()
