"""`make bench-ui`: how long until the issue list shows, with 1,000 issues in the project.

A demo server (bench/ui/demo.py) gets `--issues` issues through the real sentry-sdk, a user
signs in through the page, then Chromium opens the project's issue list `--runs` times cold (a
new browser context: empty HTTP cache, the session cookie only) and `--runs` times warm (a
reload: the immutable assets come from the cache, the shell revalidates with a 304). The time is
from the navigation's start to the frame in which the first page of rows and the tab counts are
on screen (`performance.now()` polled every animation frame). The first load's size is the sum
of the gzipped assets it requested, as the server sends them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from urllib.parse import urlparse

from playwright.async_api import Browser, Page, async_playwright

from app.web.assets import Assets, load
from bench.ui.demo import Demo, Problem, create_project, demo_server, send_all
from bench.ui.signin import CHROMIUM, sign_in

LEVELS = ("error", "error", "error", "warning", "info", "fatal")
# Rows of the first page and every tab's count drawn.
READY = """() => document.querySelectorAll("table.issues tbody tr").length >= 50
  && document.querySelector('.state-tabs a[data-state="all"] .count').textContent !== ""
  && performance.now()"""


def problems(count: int) -> list[Problem]:
    return [
        Problem(
            ValueError,
            f"order {n} failed validation",
            level=LEVELS[n % len(LEVELS)],
            environment=("production", "staging")[n % 2],
            release=f"1.{n % 5}.0",
            where=f"shop.module{n % 40}:handler{n}",
        )
        for n in range(count)
    ]


async def timed(page: Page, url: str, *, reload: bool) -> float:
    if reload:
        await page.reload()
    else:
        await page.goto(url)
    handle = await page.wait_for_function(READY, polling="raf", timeout=30_000)
    return float(await handle.json_value())


async def measure(browser: Browser, demo: Demo, url: str, runs: int) -> dict[str, object]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await sign_in(page, demo)
    state = await context.storage_state()
    await context.close()
    cold, warm, sizes = [], [], []
    assets = load()
    for _ in range(runs):
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800}, storage_state=state
        )
        page = await context.new_page()
        requested: list[str] = []
        page.on("request", lambda r, seen=requested: seen.append(urlparse(r.url).path))
        cold.append(await timed(page, url, reload=False))
        sizes.append(_gzipped(assets, requested))
        await page.wait_for_timeout(300)
        warm.append(await timed(page, url, reload=True))
        await context.close()
    return {
        "cold_ms": _summary(cold),
        "warm_ms": _summary(warm),
        "first_load_gzipped_bytes": sizes[0],
    }


def _gzipped(assets: Assets, paths: list[str]) -> int:
    total = len(assets.shell.gzipped)
    prefix = assets.prefix + "/"
    for path in dict.fromkeys(paths):
        if path.startswith(prefix):
            total += len(assets.files[path.removeprefix(prefix)].gzipped)
    return total


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


async def main(issues: int, runs: int, database_url: str | None) -> None:
    async with demo_server(database_url) as demo:
        project = await create_project(demo, "Benchmark")
        await send_all(project["dsn"], problems(issues))
        data = await demo.graphql(
            "query($p: ID!) { project(id: $p) { issues(state: null) { totalCount } } }",
            {"p": project["id"]},
        )
        stored = data["project"]["issues"]["totalCount"]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM)
            result = await measure(
                browser, demo, f"{demo.url}/projects/{project['id']}/issues", runs
            )
            await browser.close()
    backend = "postgresql" if database_url else "sqlite"
    print(json.dumps({"issues": stored, "backend": backend, "runs": runs, **result}, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a fresh PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    asyncio.run(main(args.issues, args.runs, args.database_url))
