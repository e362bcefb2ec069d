"""Write the GraphQL schema's SDL to schema/schema.graphql (`make schema`); a test compares them."""

from __future__ import annotations

import sys
from pathlib import Path

# This checkout's modules, not those of an installed copy (another worktree's editable install).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schema import SDL_PATH, sdl

if __name__ == "__main__":
    SDL_PATH.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}")
