"""The suite's own guards: CI cannot pass by leaving PostgreSQL out or by reading beside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.integration.processes import REPO


def test_ci_refuses_a_run_without_postgresql():
    env = {**os.environ, "CI": "true", "TEST_BACKENDS": "sqlite"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 4  # pytest's usage error
    assert (
        "CI must run the PostgreSQL tests, but TEST_BACKENDS leaves them out: 'sqlite'"
        in done.stderr
    )


def test_nothing_in_the_repository_reads_beside_it():
    folder = "sh" + "ared"  # in parts, so that no checker takes this file for an offender
    needles = (f"../{folder}", f'"{folder}"')
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("app", "models", "schema", "migrations", "tests", "scripts", "bench")
        for path in (REPO / folder).rglob("*.py")
        if path != Path(__file__) and any(needle in path.read_text() for needle in needles)
    ]
    assert offenders == []
