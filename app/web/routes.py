"""The UI's routes: the HTML shell at every page's path, and the versioned assets.

Pages are routed in the browser (js/router.js); the server answers each deep link with the
same shell, so a reload or a pasted link opens the page it names. The list below and the
router's table name the same pages.
"""

from __future__ import annotations

from aiohttp import web

from app.web.assets import Asset, Assets, load

ASSETS = web.AppKey("web_assets", Assets)
# The paths the browser router knows (aiohttp patterns); anything else stays a JSON 404.
PAGES = (
    "/",
    "/sign-in",
    "/projects",
    "/projects/{project_id:[0-9]+}/issues",
    "/projects/{project_id:[0-9]+}/settings",
    "/issues/{issue_id:[0-9]+}",
    "/issues/{issue_id:[0-9]+}/events/{event_id}",
    "/tokens",
)
_IMMUTABLE = "public, max-age=31536000, immutable"
# The shell names the current asset version, so it is revalidated on every load (ETag: a 304
# costs no body) and never stored by shared caches.
_SHELL_CACHE = "no-cache"
_SHELL_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
}


def _send(request: web.Request, asset: Asset, cache_control: str) -> web.Response:
    headers = {"ETag": asset.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if asset.content_type == "text/html":
        headers.update(_SHELL_HEADERS)
    if asset.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(asset.gzipped) < len(body):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=body, headers=headers, content_type=asset.content_type)


async def page(request: web.Request) -> web.Response:
    return _send(request, request.app[ASSETS].shell, _SHELL_CACHE)


async def asset(request: web.Request) -> web.Response:
    assets = request.app[ASSETS]
    found = assets.files.get(request.match_info["path"])
    if request.match_info["version"] != assets.version or found is None:
        # An older release's file is not served under its name: the page reloads the shell.
        raise web.HTTPNotFound()
    return _send(request, found, _IMMUTABLE)


def setup(app: web.Application) -> None:
    app[ASSETS] = load()
    for path in PAGES:
        app.router.add_get(path, page)
    app.router.add_get("/assets/{version}/{path:.+}", asset)
