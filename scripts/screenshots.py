"""`make screenshots`: docs/screenshots/*.png of the UI on a freshly seeded demo server.

A real server on a temporary SQLite file, three projects and about thirty issues sent by the
real sentry-sdk (varied levels, environments, releases; some resolved, some muted), a signed-in
Chromium at 1280 by 800 in the light theme. Run with PYTHONPATH=. from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from playwright.async_api import Page, async_playwright

from bench.ui.data import MUTED, PROJECTS, RESOLVED
from bench.ui.demo import Demo, create_project, demo_server, issue_ids, send_all, set_states
from bench.ui.signin import CHROMIUM, sign_in

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


async def seed(demo: Demo) -> list[dict[str, str]]:
    projects = []
    for name, problems in PROJECTS:
        project = await create_project(demo, name)
        await send_all(project["dsn"], problems)
        projects.append(project)
    for project in projects:
        for fragments, state in ((RESOLVED, "RESOLVED"), (MUTED, "MUTED")):
            ids = await issue_ids(
                demo, project["id"], lambda n, f=fragments: any(x in n["title"] for x in f)
            )
            await set_states(demo, ids, state)
    return projects


async def shoot(
    page: Page, demo: Demo, path: str, name: str, ready: str, click: str | None = None
) -> None:
    await page.goto(demo.url + path)
    await page.wait_for_selector(ready)
    if click:
        await page.click(click)
    await page.wait_for_timeout(600)  # the arrival highlight and the live indicator settle
    await page.screenshot(path=str(OUT / name))
    print(f"wrote docs/screenshots/{name}")


async def issue_page(demo: Demo, page: Page) -> None:
    """The issue page of the list's first exception issue, its latest event open."""
    link = page.locator("table.issues a.title", has_text="Error:").first
    first = await link.get_attribute("href")
    assert first, "the issue list has no issue to open"
    await shoot(page, demo, first, "issue.png", ".event-view .frame-head")


ALERTS = (
    ("WEBHOOK", "ops", {"url": "https://ops.example.com/hooks/faultline"}),
    ("SLACK", "#checkout-alerts", {"url": "https://hooks.slack.com/services/T000/B000/XXXX"}),
    ("EMAIL", "on call", {"to": ["oncall@example.com", "lead@example.com"]}),
)


async def seed_alerts(demo: Demo, project_id: str) -> None:
    """Three channels and two rules made through GraphQL (the log stays empty: nothing sends)."""
    ids = []
    for kind, name, where in ALERTS:
        data = await demo.graphql(
            "mutation($p: ID!, $k: ChannelKind!, $n: String!, $u: String, $t: [String!]) {"
            " createChannel(projectId: $p, kind: $k, name: $n, url: $u, to: $t) { id } }",
            {"p": project_id, "k": kind, "n": name, "u": where.get("url"), "t": where.get("to")},
        )
        ids.append(data["createChannel"]["id"])
    rule = (
        "mutation($p: ID!, $t: AlertTrigger!, $c: [ID!]!, $th: Int, $w: Int) {"
        " createAlertRule(projectId: $p, trigger: $t, channelIds: $c, threshold: $th,"
        " windowMinutes: $w) { id } }"
    )
    await demo.graphql(rule, {"p": project_id, "t": "NEW_ISSUE", "c": ids[1:]})
    await demo.graphql(rule, {"p": project_id, "t": "SPIKE", "c": ids[:2], "th": 500, "w": 10})


async def alerts_page(demo: Demo, page: Page, project_id: str) -> None:
    """The settings page scrolled to its alerts."""
    await seed_alerts(demo, project_id)
    await page.goto(f"{demo.url}/projects/{project_id}/settings")
    await page.wait_for_selector("table.alert-table[aria-label='Alert rules']")
    await page.locator("section[aria-label='Alert channels']").evaluate("e => e.scrollIntoView()")
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(OUT / "alerts.png"))
    print("wrote docs/screenshots/alerts.png")


async def main(database_url: str | None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with demo_server(database_url) as demo:
        projects = await seed(demo)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM)
            context = await browser.new_context(
                viewport={"width": 1280, "height": 800}, color_scheme="light"
            )
            page = await context.new_page()
            page.on("console", lambda m: print(f"console.{m.type}: {m.text}"))
            page.on("pageerror", lambda e: print(f"page error: {e}"))
            await sign_in(page, demo)
            await shoot(
                page, demo, "/projects", "projects.png", ".project-card", ".project-setup summary"
            )
            issues = f"/projects/{projects[0]['id']}/issues"
            await shoot(page, demo, issues, "issues.png", "table.issues tbody tr")
            await shoot(
                page,
                demo,
                issues + "?query=level:fatal",
                "issues-search.png",
                "table.issues tbody tr",
            )
            await issue_page(demo, page)
            await alerts_page(demo, page, projects[0]["id"])
            await browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL instead of a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.database_url))
