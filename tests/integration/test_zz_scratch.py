import sentry_sdk

from models import Issue
from tests.integration import crash
from tests.integration.sentry import new_project, with_sdk
from tests.integration.ui_detail import crashed


async def test_scratch(server, browser, token):
    shop = await crashed(server)

    def actions():
        sentry_sdk.capture_message("Disk almost full on " + "x" * 300, level="warning")

    await with_sdk(shop.project.dsn, actions)
    message_issue = await Issue.filter(project_id=shop.project.id).exclude(id=shop.issue.id).first()
    for scheme in ("light", "dark"):
        ctx = await browser.new_context(viewport={"width": 1024, "height": 800}, color_scheme=scheme)
        await ctx.set_extra_http_headers({"Authorization": f"Bearer {token}"})
        page = await ctx.new_page()
        page.on("console", lambda m: print("CONSOLE", m.type, m.text))
        page.on("pageerror", lambda e: print("PAGEERROR", e))
        await page.goto(server(f"/issues/{shop.issue.id}"))
        await page.wait_for_selector(".frame")
        await page.screenshot(path=f"/tmp/shot-issue-{scheme}.png")
        await page.goto(server(f"/issues/{message_issue.id}"))
        await page.wait_for_selector(".event-meta")
        await page.screenshot(path=f"/tmp/shot-message-{scheme}.png", full_page=True)
        await ctx.close()
