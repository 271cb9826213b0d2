"""GraphiQL served whole by this app: strawberry's page loads React, GraphiQL and its
explorer plugin from unpkg.com, which a closed network (most of the networks we serve)
cannot reach, leaving a blank page. The same files, byte for byte from the npm registry,
are in api/static/graphiql/ (with their licences, SOURCES.md there); the page is pointed
at them under ASSETS_PATH, its integrity hashes unchanged."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

CDN = "https://unpkg.com/"
ASSETS_PATH = "/graphiql-assets"
ASSETS_DIR = Path(__file__).resolve().parent / "static" / "graphiql"


def offline_page(page: str) -> str:
    """Strawberry's GraphiQL page with every unpkg.com file served from ASSETS_PATH."""
    return page.replace(CDN, ASSETS_PATH + "/")


def cdn_files(page: str) -> list[str]:
    """The files strawberry's page loads from unpkg.com, as paths under it."""
    return re.findall(re.escape(CDN) + r'([^"\']+)', page)


def assets_mount() -> Mount:
    return Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS_DIR), name="graphiql-assets")
