"""The web UI's files: the page at `/` and its built assets under /ui/assets/ (web/ is the
source; `make` builds it into api/static/ui with vite). The files hold no data: every page
signs in with an API token and reads the public GraphQL API, so the UI shows nothing the
API would refuse that token.

Caching: the page is always revalidated (it names the assets of the current build); the
assets' names carry their content hash, so they are cached for a year, immutable."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

BUILT_UI = Path(__file__).resolve().parent / "static" / "ui"
ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
# the page loads its own scripts only; cytoscape sets inline styles on its canvas holders;
# exported pictures are blob:/data: URLs; the XLSX writer zips a big sheet in a blob: worker
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
NOT_BUILT = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>CMDB</title>"
    "<h1>The web UI is not built</h1><p>Run <code>make web</code> in the project "
    "(it builds web/ into api/static/ui), then reload. The GraphQL API is at "
    "<a href=/graphql>/graphql</a>.</p></html>"
)


class _Assets(StaticFiles):
    """Hashed, immutable assets: cached for a year."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = ASSET_CACHE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def ui_dir() -> Path:
    """The built UI: api/static/ui, or CMDB_UI_DIR (another build of web/, e.g. a branch's)."""
    return Path(os.environ.get("CMDB_UI_DIR") or BUILT_UI)


def routes() -> list[Route | Mount]:
    """`/` (the page) and /ui/assets (its scripts and styles)."""
    built = ui_dir()

    async def page(_request: Request) -> Response:
        if not (built / "index.html").is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": PAGE_CACHE})
        headers = {"Cache-Control": PAGE_CACHE, **SECURITY_HEADERS}
        return FileResponse(built / "index.html", headers=headers)

    return [
        Route("/", page, methods=["GET", "HEAD"]),
        Mount("/ui/assets", app=_Assets(directory=built / "assets", check_dir=False)),
    ]
