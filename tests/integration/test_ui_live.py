"""The issue list's live connection: dropped, it says so, reconnects and catches up."""

from __future__ import annotations

from playwright.async_api import Page, expect

from models import Project
from tests.conftest import Server, free_port
from tests.integration import seed
from tests.integration.browser import assert_no_page_errors
from tests.integration.proxy import TcpProxy
from tests.integration.sentry import new_project
from tests.integration.ui import row_titles, sign_in


async def test_a_dropped_connection_reconnects_and_refetches(server, page: Page):
    port = int(server.url.rsplit(":", 1)[1])
    proxy = TcpProxy(free_port(), "127.0.0.1", port)
    await proxy.start()
    through = Server(url=f"http://127.0.0.1:{proxy.listen_port}", settings=server.settings)
    try:
        await sign_in(page, through)
        project = await Project.get(id=(await new_project(server, "Shop")).id)
        await seed.issue(project, 1)
        await page.goto(through(f"/projects/{project.id}/issues"))
        live = page.get_by_role("status").filter(has_text="Live")
        await expect(live).to_be_visible()

        await proxy.cut()
        await expect(page.locator(".live")).to_have_text("Reconnecting…")
        # Written straight to the database: no notification, so only a refetch can show it.
        await seed.issue(project, 2)
        await proxy.start()
        await expect(live).to_be_visible(timeout=10_000)
        await expect(page.locator("table.issues tbody tr")).to_have_count(2)
        assert await row_titles(page) == ["TypeError: problem 2", "TypeError: problem 1"]
        await expect(page.locator("table.issues tbody tr").first).to_have_class("issue-row arrived")
    finally:
        await proxy.cut()
    assert_no_page_errors(page)
