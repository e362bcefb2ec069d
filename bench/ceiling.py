"""The ceiling: a bare aiohttp server on Faultline's envelope route, doing no work at all.

`python -m bench.ceiling --port Q [--workers N]` answers POST /api/{project_id}/envelope/ by
reading the (still compressed) body and returning `{"id": "<32 hex>"}`: no decompression, no
parsing, no database. Driven by the same load generator as Faultline, its requests/s is what
aiohttp plus the load generator can do on this machine, the upper bound for Faultline's figure.
With --workers N it runs N processes on one port (SO_REUSEPORT), like `faultline serve`.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence

from aiohttp import web

from app.workers import run_workers

# Nothing to drain but requests in flight, and the bench stops it after its load has ended.
STOP_TIMEOUT_S = 5.0


async def envelope(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"id": uuid.uuid4().hex})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app() -> web.Application:
    app = web.Application(client_max_size=20 * 1024 * 1024)
    app.router.add_post(r"/api/{project_id:\d+}/envelope/", envelope)
    app.router.add_get("/health", health)
    return app


def serve(host: str, port: int, *, reuse_port: bool) -> None:
    web.run_app(
        create_app(),
        host=host,
        port=port,
        reuse_port=reuse_port or None,
        access_log=None,
        print=None,
    )


def _worker(host: str, port: int, first: bool, migrated: object, ready: object) -> None:
    # The supervisor's migration hand-off (first, migrated, ready) is Faultline's: none here.
    serve(host, port, reuse_port=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.workers <= 1:
        serve(args.host, args.port, reuse_port=False)
        return 0
    return run_workers(_worker, (args.host, args.port), args.workers, stop_timeout_s=STOP_TIMEOUT_S)


if __name__ == "__main__":
    sys.exit(main())
