"""Settings: one frozen value built from the environment; CLI flags override single fields."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import getaddresses
from importlib import metadata
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite://./data/faultline.sqlite3"
KIB = 1024
MIB = 1024 * KIB
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_WORKERS = 64
POOL_PARAMETERS = ("maxsize", "max_size", "minsize", "min_size")
MIGRATION_LOCK_TIMEOUT_S = 60
MAX_WS_KEEPALIVE_S = 3_600
MAX_RETENTION_DAYS = 3_650
MAX_SWEEP_BATCH = 100_000
# How much of a bad value an error message repeats.
ECHO_CHARS = 60
SMTP_PORTS = {"smtp": 25, "smtps": 465}
SMTP_EXAMPLE = "smtp://user:password@mail.example.com:587?starttls=1 or smtps://mail.example.com"
FLAG_VALUES = {"1": True, "true": True, "yes": True, "on": True}
FLAG_VALUES |= {"0": False, "false": False, "no": False, "off": False}
MAX_EMAIL_CHARS = 254
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def version() -> str:
    try:
        return metadata.version("faultline")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


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
    # A Rollbar item (POST /api/1/item/) above this is refused with 413, as Rollbar's 128 KB.
    max_rollbar_item_bytes: int = 128 * KIB
    # A request body must arrive within this time, however slowly it trickles (408 after).
    body_read_timeout_s: float = 30.0
    workers: int = 1
    # Startup waits this long for another process's migrations before giving up.
    migration_lock_timeout_s: int = MIGRATION_LOCK_TIMEOUT_S
    # Migrate a database that already holds tables of other applications.
    allow_foreign_tables: bool = False
    log_level: str = "INFO"
    access_log: bool = False
    # A statement waits at most this long for a lock (SQLite: the busy timeout), then 503.
    db_lock_timeout_ms: int = 5_000
    # No statement runs longer (PostgreSQL), whatever it waits on.
    db_statement_timeout_ms: int = 30_000
    # GraphQL WebSockets get a keep-alive message and a ping frame this often.
    ws_keepalive_s: float = 20.0
    # Events older than this many days are deleted, unless a project sets its own.
    retention_days: int = 90
    # The retention sweeper runs this often and deletes this many rows per transaction.
    retention_sweep_interval_s: int = 300
    retention_batch_size: int = 1_000
    # Alert webhooks may target private, loopback and link-local addresses (checked at send time).
    alert_allow_private: bool = False
    # Email alerts: smtp[s]://user:password@host:port?starttls=1, and their From address.
    smtp_url: str | None = field(default=None, repr=False)  # it may hold a password
    email_from: str | None = None

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
            max_rollbar_item_bytes=_int(
                env, "FAULTLINE_MAX_ROLLBAR_ITEM_BYTES", d.max_rollbar_item_bytes
            ),
            body_read_timeout_s=_int(env, "FAULTLINE_BODY_READ_TIMEOUT_S", 0)
            or d.body_read_timeout_s,
            workers=_int(env, "FAULTLINE_WORKERS", d.workers),
            migration_lock_timeout_s=_int(
                env, "FAULTLINE_MIGRATION_LOCK_TIMEOUT_S", d.migration_lock_timeout_s
            ),
            allow_foreign_tables=_flag(env, "FAULTLINE_ALLOW_FOREIGN_TABLES"),
            log_level=(env.get("FAULTLINE_LOG_LEVEL") or d.log_level).upper(),
            access_log=_flag(env, "FAULTLINE_ACCESS_LOG"),
            db_lock_timeout_ms=_int(env, "FAULTLINE_DB_LOCK_TIMEOUT_MS", 0) or d.db_lock_timeout_ms,
            db_statement_timeout_ms=_int(env, "FAULTLINE_DB_STATEMENT_TIMEOUT_MS", 0)
            or d.db_statement_timeout_ms,
            ws_keepalive_s=_int(env, "FAULTLINE_WS_KEEPALIVE_S", 0) or d.ws_keepalive_s,
            retention_days=_int(env, "FAULTLINE_RETENTION_DAYS", d.retention_days),
            retention_sweep_interval_s=_int(
                env, "FAULTLINE_RETENTION_SWEEP_INTERVAL_S", d.retention_sweep_interval_s
            ),
            retention_batch_size=_int(
                env, "FAULTLINE_RETENTION_BATCH_SIZE", d.retention_batch_size
            ),
            alert_allow_private=_flag(env, "FAULTLINE_ALERT_ALLOW_PRIVATE"),
            smtp_url=env.get("FAULTLINE_SMTP_URL") or None,
            email_from=env.get("FAULTLINE_EMAIL_FROM") or None,
        )
        settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise ConfigError naming the first setting (flag and variable) that cannot work."""
        database_dialect(self.database_url)
        _check_host(self.host)
        if not 0 <= self.port <= 65535:
            raise ConfigError(
                f"--port / FAULTLINE_PORT must be between 0 and 65535 (0 picks a free port), "
                f"got {self.port}"
            )
        if self.public_url is not None:
            _check_public_url(self.public_url)
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ConfigError(
                f"--workers / FAULTLINE_WORKERS must be between 1 and {MAX_WORKERS}, "
                f"got {self.workers}"
            )
        if self.migration_lock_timeout_s < 1:
            raise ConfigError(
                "FAULTLINE_MIGRATION_LOCK_TIMEOUT_S must be at least 1, "
                f"got {self.migration_lock_timeout_s}"
            )
        if self.db_pool_size < 1:
            raise ConfigError(f"FAULTLINE_DB_POOL_SIZE must be at least 1, got {self.db_pool_size}")
        if not 0 < self.ws_keepalive_s <= MAX_WS_KEEPALIVE_S:
            raise ConfigError(
                f"FAULTLINE_WS_KEEPALIVE_S must be between 1 and {MAX_WS_KEEPALIVE_S}, "
                f"got {self.ws_keepalive_s:g}"
            )
        if not 1 <= self.retention_days <= MAX_RETENTION_DAYS:
            raise ConfigError(
                f"FAULTLINE_RETENTION_DAYS must be between 1 and {MAX_RETENTION_DAYS}, "
                f"got {self.retention_days}"
            )
        if self.retention_sweep_interval_s < 1:
            raise ConfigError(
                "FAULTLINE_RETENTION_SWEEP_INTERVAL_S must be at least 1, "
                f"got {self.retention_sweep_interval_s}"
            )
        if not 1 <= self.retention_batch_size <= MAX_SWEEP_BATCH:
            raise ConfigError(
                f"FAULTLINE_RETENTION_BATCH_SIZE must be between 1 and {MAX_SWEEP_BATCH}, "
                f"got {self.retention_batch_size}"
            )
        if self.smtp_url is not None:
            parse_smtp_url(self.smtp_url)
            if self.email_from is None:
                raise ConfigError("FAULTLINE_EMAIL_FROM must be set when FAULTLINE_SMTP_URL is")
        if self.email_from is not None:
            email_from_address(self.email_from)
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"FAULTLINE_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                f"got {_echo(self.log_level)}"
            )

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


def database_dialect(url: str) -> str:
    """The dialect of a usable DATABASE_URL, "sqlite" or "postgres"; ConfigError otherwise."""
    scheme, sep, rest = url.partition("://")
    example = "sqlite://./data/faultline.sqlite3 or postgres://user:password@host:5432/faultline"
    if not sep or scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL must start with sqlite:// or postgres://, got {_echo(mask_url(url))}; "
            f"e.g. {example}"
        )
    if scheme == "sqlite":
        if not rest.split("?", 1)[0]:
            raise ConfigError(f"DATABASE_URL names no SQLite file; e.g. {example}")
        return "sqlite"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError:
        # Not the parser's words: they can quote a piece of the password.
        raise ConfigError(
            "DATABASE_URL is not a valid URL: its host or port cannot be read (percent-encode "
            f"special characters of the password); e.g. {example}"
        ) from None
    if not parts.hostname or not parts.path.strip("/"):
        raise ConfigError(
            f"DATABASE_URL must name a host and a database, got {_echo(mask_url(url))}; "
            f"e.g. {example}"
        )
    for name, value in parse_qsl(parts.query):
        if name in POOL_PARAMETERS and not (value.isdigit() and 1 <= int(value) <= 1000):
            raise ConfigError(
                f"DATABASE_URL parameter {name} must be a number of connections from 1 to 1000, "
                f"got {_echo(value)}"
            )
    return "postgres"


@dataclass(frozen=True, slots=True)
class SmtpUrl:
    """FAULTLINE_SMTP_URL read: where and how email alerts are handed to a mail server."""

    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the first byte
    starttls: bool | None  # True: required, False: never, None: when the server offers it
    username: str | None
    password: str | None = field(repr=False)


def parse_smtp_url(url: str) -> SmtpUrl:
    """FAULTLINE_SMTP_URL read, or ConfigError naming it (never quoting the password)."""

    def refuse(what: str) -> ConfigError:
        return ConfigError(f"FAULTLINE_SMTP_URL {what}; e.g. {SMTP_EXAMPLE}")

    scheme = url.partition("://")[0].lower()
    if scheme not in SMTP_PORTS or "://" not in url:
        raise refuse(f"must start with smtp:// or smtps://, got {_echo(mask_url(url))}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # Not the parser's words: they can quote a piece of the password.
        raise refuse(
            "has no readable host or port (a port is 1 to 65535; percent-encode special "
            "characters of the password)"
        ) from None
    if not parts.hostname:
        raise refuse("names no host")
    if port == 0:
        raise refuse("has port 0; a port is 1 to 65535")
    if parts.path not in ("", "/") or parts.fragment:
        raise refuse(f"must not have a path, got {_echo(parts.path or '#' + parts.fragment)}")
    starttls: bool | None = None
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name != "starttls":
            raise refuse(f"has an unknown parameter {_echo(name)} (only starttls is known)")
        if value.lower() not in FLAG_VALUES:
            raise refuse(f"parameter starttls must be 1 or 0, got {_echo(value)}")
        starttls = FLAG_VALUES[value.lower()]
    if scheme == "smtps" and starttls:
        raise refuse("asks for smtps:// (TLS from the start) and starttls=1 at once")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username is None and password is not None:
        raise refuse("has a password but no user")
    if username is not None and password is None:
        raise refuse(f"names the user {_echo(username)} but no password")
    if scheme == "smtps":
        starttls = False
    elif starttls is None and username is not None:
        starttls = True  # a password is never sent in clear unless starttls=0 says so
    return SmtpUrl(
        host=parts.hostname,
        port=port or SMTP_PORTS[scheme],
        implicit_tls=scheme == "smtps",
        starttls=starttls,
        username=username,
        password=password,
    )


def email_from_address(value: str) -> tuple[str, str]:
    """FAULTLINE_EMAIL_FROM read as (display name, address), or ConfigError naming it."""
    found = getaddresses([value])
    name, address = found[0] if len(found) == 1 else ("", "")
    # The parser forgives (drops spaces, joins lists); the address must be there as written.
    valid = is_email_address(address) and address in value
    if not valid or any(not c.isprintable() for c in value):
        raise ConfigError(
            "FAULTLINE_EMAIL_FROM must be an email address such as alerts@example.com or "
            f"'Faultline <alerts@example.com>', got {_echo(value)}"
        )
    return name, address


def is_email_address(value: str) -> bool:
    """A plain address (local@domain, no display name, no quoting), within RFC 5321 lengths."""
    return len(value) <= MAX_EMAIL_CHARS and _EMAIL.fullmatch(value) is not None


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, fit for logs and messages."""
    scheme, sep, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{location}"


def _check_host(host: str) -> None:
    if not host or any(c in host for c in "/ \t\n@?#") or len(host) > 253:
        raise ConfigError(
            f"--host / FAULTLINE_HOST must be an address or host name such as 127.0.0.1, "
            f"0.0.0.0 or ::, got {_echo(host)}"
        )


def _check_public_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--public-url / FAULTLINE_PUBLIC_URL must be an http:// or https:// URL such as "
            f"https://errors.example.com, got {_echo(url)}"
        )


def _echo(value: str) -> str:
    return repr(value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + "…")


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes")


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
        raise ConfigError(f"{name} must be an integer, got {_echo(raw)}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {value}")
    return value
