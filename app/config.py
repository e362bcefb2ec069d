"""Settings: one frozen value built from the environment; CLI flags override single fields."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite://./data/faultline.sqlite3"
MIB = 1024 * 1024


class ConfigError(ValueError):
    """An environment variable holds a value Faultline cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    # Base of the DSNs handed out; derived from host and port when not set.
    public_url: str | None = None
    db_pool_size: int = 20
    # Events per minute per project; None = unlimited unless a project sets its own.
    rate_limit_per_minute: int | None = None
    max_compressed_body_bytes: int = 20 * MIB
    max_body_bytes: int = 100 * MIB
    max_event_bytes: int = 1 * MIB
    # A request body must arrive within this time, however slowly it trickles (408 after).
    body_read_timeout_s: float = 30.0
    workers: int = 1
    log_level: str = "INFO"
    access_log: bool = False
    # A statement waits at most this long for a lock (SQLite: the busy timeout), then 503.
    db_lock_timeout_ms: int = 5_000
    # No statement runs longer (PostgreSQL), whatever it waits on.
    db_statement_timeout_ms: int = 30_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        d = cls()  # the defaults
        settings = cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("FAULTLINE_HOST") or d.host,
            port=_int(env, "FAULTLINE_PORT", d.port),
            public_url=env.get("FAULTLINE_PUBLIC_URL") or None,
            db_pool_size=_int(env, "FAULTLINE_DB_POOL_SIZE", d.db_pool_size),
            rate_limit_per_minute=_optional_int(env, "FAULTLINE_RATE_LIMIT_PER_MINUTE"),
            max_compressed_body_bytes=_int(
                env, "FAULTLINE_MAX_COMPRESSED_BODY_BYTES", d.max_compressed_body_bytes
            ),
            max_body_bytes=_int(env, "FAULTLINE_MAX_BODY_BYTES", d.max_body_bytes),
            max_event_bytes=_int(env, "FAULTLINE_MAX_EVENT_BYTES", d.max_event_bytes),
            body_read_timeout_s=_int(env, "FAULTLINE_BODY_READ_TIMEOUT_S", 0)
            or d.body_read_timeout_s,
            workers=_int(env, "FAULTLINE_WORKERS", d.workers),
            log_level=(env.get("FAULTLINE_LOG_LEVEL") or d.log_level).upper(),
            access_log=env.get("FAULTLINE_ACCESS_LOG", "").lower() in ("1", "true", "yes"),
            db_lock_timeout_ms=_int(env, "FAULTLINE_DB_LOCK_TIMEOUT_MS", 0) or d.db_lock_timeout_ms,
            db_statement_timeout_ms=_int(env, "FAULTLINE_DB_STATEMENT_TIMEOUT_MS", 0)
            or d.db_statement_timeout_ms,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = _optional_int(env, name)
    return default if value is None else value


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {value}")
    return value
