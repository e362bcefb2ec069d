"""compose.yaml cannot run here (no Docker engine), so check it lines up with the CLI and app."""

from __future__ import annotations

import shlex

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


def test_dockerfile_installs_the_package_and_runs_serve():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile
    for folder in ("app", "models", "migrations", "schema"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert shlex.split(cmd.removeprefix("CMD ").strip("[]").replace(",", " ")) == [
        "faultline",
        "serve",
    ]
