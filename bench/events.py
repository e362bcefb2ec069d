"""Realistic sentry-python error events, of a chosen number of groups (issues).

Events look like what sentry-python 2.75 sends for an exception captured in a web handler
(compare /work/shared/samples/sentry-python-2.75.0/exception-chained-in-transaction.envelope):
a 20-frame stack trace with source context and local variables, 10-30 breadcrumbs, tags,
contexts, request, user, sdk, release and environment; 5-15 KB of JSON each.

Grouping: event `n` of a pool belongs to group `n % groups`. A group fixes the exception type
and the in-app call path (modules, functions and source lines of the in-app frames), which is
what Faultline groups by; everything else (messages, variables, breadcrumbs, ids, user, tags,
URLs) varies per event. So a pool of `groups` or more events makes `groups` issues.

bench/bodies.py turns them into envelope bodies.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

SDK_VERSION = "2.75.0"
USER_AGENT = f"sentry.python/{SDK_VERSION}"

# 10 domains x 10 operations: the handler of group g is OPERATIONS[g // 10]_DOMAINS[g % 10].
DOMAINS = (
    "orders",
    "payments",
    "users",
    "inventory",
    "shipping",
    "search",
    "billing",
    "notifications",
    "reports",
    "coupons",
)
OPERATIONS = (
    "create",
    "update",
    "cancel",
    "refund",
    "sync",
    "export",
    "import",
    "validate",
    "lookup",
    "recalculate",
)
# (type, module or None for builtins, message template)
EXCEPTIONS = (
    ("KeyError", None, "'{field}'"),
    ("ValueError", None, "invalid literal for int() with base 10: '{token}'"),
    ("TypeError", None, "unsupported operand type(s) for +: 'int' and 'NoneType'"),
    ("AttributeError", None, "'NoneType' object has no attribute '{field}'"),
    ("ZeroDivisionError", None, "division by zero"),
    ("TimeoutError", None, "timed out after {amount} ms waiting for {domain}-service"),
    ("ConnectionResetError", None, "[Errno 104] Connection reset by peer"),
    ("IntegrityError", "asyncpg.exceptions", 'duplicate key value violates "{domain}_pkey"'),
    ("ValidationError", "myshop.errors", "{field} must be positive, got -{amount}"),
    ("PaymentDeclined", "myshop.services.payments", "card declined for order {order_id}"),
    ("PermissionDenied", "myshop.auth", "user {user_id} may not {domain}"),
)
HELPERS = (
    "load",
    "fetch",
    "resolve",
    "check",
    "apply",
    "compute",
    "prepare",
    "merge",
    "persist",
    "publish",
    "render",
    "normalize",
)
NOUNS = ("items", "totals", "rules", "limits", "prices", "address", "account", "batch", "rows")
FIELDS = ("customer_id", "amount", "currency", "sku", "quantity", "status", "region", "email")

SITE = "/usr/local/lib/python3.11/site-packages"
STDLIB = "/usr/local/lib/python3.11"
APP = "/app"

# Framework frames at the bottom of every stack (oldest call first).
HEAD_FRAMES = (
    ("asyncio.events", "_run", f"{STDLIB}/asyncio/events.py", 80, False),
    ("aiohttp.web_protocol", "_handle_request", f"{SITE}/aiohttp/web_protocol.py", 510, False),
    ("aiohttp.web_app", "_handle", f"{SITE}/aiohttp/web_app.py", 569, False),
    ("aiohttp.web_middlewares", "impl", f"{SITE}/aiohttp/web_middlewares.py", 117, False),
    ("myshop.web.middleware", "error_middleware", f"{APP}/myshop/web/middleware.py", 41, True),
    ("myshop.web.middleware", "auth_middleware", f"{APP}/myshop/web/middleware.py", 77, True),
)
# Library frames at the crashing end: 4 of them, so every stack has 20 frames.
TAIL_FRAMES = (
    ("asyncpg.connection", "fetch", f"{SITE}/asyncpg/connection.py", 690, False),
    ("asyncpg.connection", "_execute", f"{SITE}/asyncpg/connection.py", 1864, False),
    ("asyncpg.connection", "__execute", f"{SITE}/asyncpg/connection.py", 1961, False),
    ("asyncpg.connection", "_do_execute", f"{SITE}/asyncpg/connection.py", 2024, False),
)
FRAMES_PER_STACK = 20

BREADCRUMB_KINDS = ("http", "query", "log", "redis", "navigation")
HOSTS = ("web-1", "web-2", "web-3", "worker-1")
RELEASES = ("myshop@2.14.0", "myshop@2.14.1", "myshop@2.15.0")
# Levels by group: mostly errors, some warnings and fatals, so `level:` searches select.
GROUP_LEVELS = ("error",) * 7 + ("warning", "warning", "fatal")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _repr(value: object) -> str:
    """Local variables the way sentry-python serialises them: reprs, as strings."""
    return repr(value)


class EventFactory:
    """Builds events of `groups` groups; deterministic for a given seed."""

    def __init__(self, groups: int, seed: int = 1) -> None:
        if groups < 1:
            raise ValueError("groups must be at least 1")
        self.groups = groups
        self._rng = random.Random(seed)
        self._paths = [self._call_path(g) for g in range(groups)]

    # --- the fixed part of a group: exception type and in-app call path -----------------------

    def _call_path(self, group: int) -> list[dict[str, Any]]:
        """The 10 in-app frames specific to `group`, with their fixed source context."""
        rng = random.Random(group * 7919 + 17)
        domain = DOMAINS[group % len(DOMAINS)]
        operation = OPERATIONS[(group // len(DOMAINS)) % len(OPERATIONS)]
        suffix = f"_v{group // 100}" if group >= 100 else ""
        handler = f"{operation}_{domain}{suffix}"
        service_module = f"myshop.services.{domain}"
        names = [handler, operation + suffix]
        helpers = rng.sample(HELPERS, 8)
        names += [f"_{h}_{rng.choice(NOUNS)}" for h in helpers]
        modules = [f"myshop.web.handlers.{domain}", service_module]
        modules += [service_module] * 4 + [f"myshop.domain.{domain}"] * 2 + ["myshop.db"] * 2
        frames = []
        for i, (module, function) in enumerate(zip(modules, names, strict=True)):
            callee = names[i + 1] if i + 1 < len(names) else "conn.fetch"
            path = module.replace(".", "/") + ".py"
            lineno = rng.randint(20, 600)
            frames.append(
                {
                    "module": module,
                    "function": function,
                    "filename": path,
                    "abs_path": f"{APP}/{path}",
                    "lineno": lineno,
                    "context_line": f"        result = await self.{callee.lstrip('_')}(ctx, "
                    f"{rng.choice(NOUNS)})",
                    "pre_context": self._source_lines(rng, 1, function),
                    "post_context": self._source_lines(rng, 1, function),
                    "in_app": True,
                }
            )
        return frames

    @staticmethod
    def _source_lines(rng: random.Random, count: int, function: str) -> list[str]:
        templates = (
            "    async def {f}(self, ctx, {n}):",
            "        if not {n}:",
            "            raise ValidationError('{n} is required')",
            "        log.debug('{f}: %s {n}', len({n}))",
            "        {n} = [x for x in {n} if x.{field} is not None]",
            "        ctx.metrics.incr('{f}.calls')",
            "        async with self.pool.acquire() as conn:",
            "            rows = await conn.fetch(QUERY_{N}, ctx.tenant_id)",
            "        return {n}",
            "        total = sum(item.{field} for item in {n})",
        )
        return [
            rng.choice(templates).format(
                f=function, n=(noun := rng.choice(NOUNS)), N=noun.upper(), field=rng.choice(FIELDS)
            )
            for _ in range(count)
        ]

    def exception_spec(self, group: int) -> tuple[str, str | None, str]:
        # Not simply group % 11: groups sharing a type must still differ by call path anyway.
        return EXCEPTIONS[(group * 7 + group // len(DOMAINS)) % len(EXCEPTIONS)]

    # --- one event ---------------------------------------------------------------------------

    def event(self, n: int, now: datetime | None = None) -> dict[str, Any]:
        """Event number `n` (group n % groups), without `event_id` (the body adds it)."""
        rng = self._rng
        group = n % self.groups
        now = now or datetime.now(UTC)
        domain = DOMAINS[group % len(DOMAINS)]
        order_id = rng.randint(100_000, 999_999)
        user_id = rng.randint(1, 50_000)
        amount = rng.randint(1, 99_999)
        exc_type, exc_module, template = self.exception_spec(group)
        value = template.format(
            field=rng.choice(FIELDS),
            token=f"{rng.choice(NOUNS)}-{rng.randint(1, 999)}",
            amount=amount,
            domain=domain,
            order_id=order_id,
            user_id=user_id,
        )
        trace_id = uuid.UUID(int=rng.getrandbits(128)).hex
        span_id = f"{rng.getrandbits(64):016x}"
        transaction = f"POST /api/{domain}/{{id}}"
        timestamp = now - timedelta(milliseconds=rng.randint(5, 400))
        release = rng.choice(RELEASES)
        environment = "production" if rng.random() < 0.9 else "staging"
        ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        return {
            "level": GROUP_LEVELS[(group + group // len(DOMAINS)) % len(GROUP_LEVELS)],
            "exception": {
                "values": [
                    {
                        "mechanism": {"type": "aiohttp", "handled": False},
                        "module": exc_module,
                        "type": exc_type,
                        "value": value,
                        "stacktrace": {"frames": self._frames(group, order_id, user_id, amount)},
                    }
                ]
            },
            "timestamp": _iso(timestamp),
            "contexts": {
                "trace": {
                    "trace_id": trace_id,
                    "span_id": span_id,
                    "parent_span_id": f"{rng.getrandbits(64):016x}",
                    "op": "http.server",
                    "description": None,
                    "origin": "auto.http.aiohttp",
                    "status": "internal_error",
                    "data": {"thread.id": "139773125884800", "thread.name": "MainThread"},
                },
                "runtime": {
                    "name": "CPython",
                    "version": "3.11.7",
                    "build": "3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0]",
                },
                "os": {"name": "Linux", "version": "6.1.0-28-cloud-amd64", "build": "#1 SMP"},
            },
            "user": {
                "id": str(user_id),
                "email": f"user{user_id}@example.com",
                "ip_address": ip,
            },
            "request": {
                "url": f"https://shop.example.com/api/{domain}/{order_id}",
                "query_string": f"expand=items&page={rng.randint(1, 9)}",
                "method": "POST",
                "env": {"REMOTE_ADDR": ip},
                "headers": {
                    "Host": "shop.example.com",
                    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 "
                    "Firefox/133.0",
                    "Accept": "application/json",
                    "Accept-Encoding": "gzip, deflate, br",
                    "Content-Type": "application/json",
                    "Content-Length": str(rng.randint(80, 4000)),
                    "X-Request-Id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "X-Forwarded-For": ip,
                    "Sentry-Trace": f"{trace_id}-{span_id}-1",
                },
                "data": "[Filtered]",
            },
            "transaction": transaction,
            "transaction_info": {"source": "route"},
            "tags": {
                "customer": f"tenant-{rng.randint(1, 40)}",
                "region": rng.choice(("eu-west-1", "us-east-1", "ap-south-1")),
                "feature.checkout_v2": rng.choice(("on", "off")),
                "http.status_code": "500",
                "handler": f"myshop.web.handlers.{domain}",
            },
            "breadcrumbs": {"values": self._breadcrumbs(rng.randint(10, 30), now, domain)},
            "extra": {"sys.argv": ["/usr/local/bin/gunicorn", "myshop.web:app"]},
            "release": release,
            "environment": environment,
            "server_name": rng.choice(HOSTS),
            "sdk": {
                "name": "sentry.python.aiohttp",
                "version": SDK_VERSION,
                "packages": [{"name": "pypi:sentry-sdk", "version": SDK_VERSION}],
                "integrations": [
                    "aiohttp",
                    "argv",
                    "asyncpg",
                    "atexit",
                    "dedupe",
                    "excepthook",
                    "logging",
                    "modules",
                    "stdlib",
                    "threading",
                ],
            },
            "platform": "python",
        }

    def _frames(self, group: int, order_id: int, user_id: int, amount: int) -> list[Any]:
        rng = self._rng
        frames: list[dict[str, Any]] = []
        for module, function, abs_path, lineno, in_app in HEAD_FRAMES:
            frames.append(
                {
                    "filename": abs_path.removeprefix(SITE + "/").removeprefix(STDLIB + "/"),
                    "abs_path": abs_path,
                    "function": function,
                    "module": module,
                    "lineno": lineno,
                    "pre_context": ["    try:"],
                    "context_line": "        resp = await handler(request)",
                    "post_context": ["    except HTTPException as exc:"],
                    "in_app": in_app,
                    "vars": {"request": f"<Request POST /api/x/{order_id} >"},
                }
            )
        for fixed in self._paths[group]:
            frame = dict(fixed)
            frame["vars"] = self._vars(rng, order_id, user_id, amount)
            frames.append(frame)
        for module, function, abs_path, lineno, in_app in TAIL_FRAMES:
            frames.append(
                {
                    "filename": abs_path.removeprefix(SITE + "/"),
                    "abs_path": abs_path,
                    "function": function,
                    "module": module,
                    "lineno": lineno,
                    "pre_context": ["        self._check_open()"],
                    "context_line": "        return await self._execute(query, args, 0, timeout)",
                    "post_context": [""],
                    "in_app": in_app,
                }
            )
        assert len(frames) == FRAMES_PER_STACK
        return frames

    @staticmethod
    def _vars(rng: random.Random, order_id: int, user_id: int, amount: int) -> dict[str, Any]:
        names = rng.sample(FIELDS, rng.randint(0, 3))
        local: dict[str, Any] = {
            "self": f"<Service at 0x7f{rng.getrandbits(40):010x}>",
            "order_id": str(order_id),
        }
        if rng.random() < 0.15:
            local["ctx"] = {"tenant_id": str(rng.randint(1, 40)), "user_id": str(user_id)}
        for name in names:
            local[name] = _repr(rng.choice((amount, f"{name}-{rng.randint(1, 999)}", None)))
        if rng.random() < 0.2:
            local["items"] = [
                {"sku": f"'SKU-{rng.randint(1000, 9999)}'", "qty": str(rng.randint(1, 5))}
                for _ in range(rng.randint(1, 3))
            ]
        return local

    def _breadcrumbs(self, count: int, now: datetime, domain: str) -> list[dict[str, Any]]:
        rng = self._rng
        crumbs: list[dict[str, Any]] = []
        start = now - timedelta(seconds=2)
        for i in range(count):
            moment = _iso(start + timedelta(milliseconds=i * 50 + rng.randint(0, 40)))
            kind = rng.choice(BREADCRUMB_KINDS)
            if kind == "http":
                crumb = {
                    "type": "http",
                    "category": "httplib",
                    "data": {
                        "url": f"https://{domain}.internal/v1/{rng.choice(NOUNS)}",
                        "method": rng.choice(("GET", "POST")),
                        "status_code": rng.choice((200, 200, 201, 404)),
                    },
                }
            elif kind == "query":
                crumb = {
                    "type": "default",
                    "category": "query",
                    "message": f"SELECT id, {rng.choice(FIELDS)} FROM {domain} WHERE id = $1",
                }
            elif kind == "redis":
                crumb = {
                    "type": "redis",
                    "category": "redis",
                    "message": f"GET {domain}:{rng.randint(1, 99_999)}",
                }
            elif kind == "log":
                crumb = {
                    "type": "log",
                    "category": f"myshop.services.{domain}",
                    "level": rng.choice(("info", "warning", "debug")),
                    "message": f"{rng.choice(HELPERS)} {rng.choice(NOUNS)} took "
                    f"{rng.randint(1, 900)} ms",
                }
            else:
                crumb = {
                    "type": "navigation",
                    "category": "navigation",
                    "data": {"from": f"/{domain}", "to": f"/{domain}/{rng.randint(1, 9999)}"},
                }
            crumb["timestamp"] = moment
            crumbs.append(crumb)
        return crumbs
