"""compose.yaml cannot run here (no Docker engine), so check it lines up with the CLI and app."""

from __future__ import annotations

import re
import shlex
import tomllib

import yaml

from app.cli import build_parser
from app.database import tortoise_url
from tests.integration.processes import REPO


def load() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_services_are_postgres_and_faultline_with_healthchecks():
    services = load()["services"]
    assert set(services) == {"postgres", "faultline"}
    assert all("healthcheck" in s for s in services.values())
    assert services["faultline"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["faultline"]["build"] == "."
    assert "/health/ready" in " ".join(services["faultline"]["healthcheck"]["test"])


def test_faultline_command_is_a_valid_serve_invocation_on_the_published_port():
    service = load()["services"]["faultline"]
    command = service["command"]
    assert command[0] == "faultline"
    args = build_parser().parse_args(command[1:])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8080)
    assert service["ports"] == [f"{args.port}:{args.port}"]


def test_database_url_points_at_the_postgres_service_credentials():
    compose = load()
    pg = compose["services"]["postgres"]
    url = compose["services"]["faultline"]["environment"]["DATABASE_URL"]
    env = pg["environment"]
    assert (
        url
        == f"postgres://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@postgres:5432/{env['POSTGRES_DB']}"
    )
    assert tortoise_url(url).startswith("postgres://")
    assert pg["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "postgres-data" in compose["volumes"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])


def test_dockerfile_installs_the_locked_dependencies_and_runs_serve():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
    for folder in ("app", "models", "migrations", "schema"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert shlex.split(cmd.removeprefix("CMD ").strip("[]").replace(",", " ")) == [
        "faultline",
        "serve",
    ]


def _locked_names(lock: str) -> set[str]:
    return {
        re.split(r"[=; ]", line, maxsplit=1)[0].lower()
        for line in (REPO / lock).read_text().splitlines()
        if line and line[0].isalnum()
    }


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_lock_files_pin_every_declared_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = _requirement_names(project["dependencies"])
    test = _requirement_names(project["optional-dependencies"]["test"])
    assert runtime - _locked_names("requirements.lock") == set()
    assert (runtime | test) - _locked_names("requirements-test.lock") == set()
    for lock in ("requirements.lock", "requirements-test.lock"):
        pins = [line for line in (REPO / lock).read_text().splitlines() if "==" in line]
        assert pins, lock
        assert all(line.endswith("\\") for line in pins), lock  # each pin is followed by hashes
