"""GraphiQL without unpkg.com (api/graphiql.py): every file strawberry's page loads from
unpkg.com is in api/static/graphiql/, byte for byte what the page's integrity hash names,
and the page as served names no other host."""

from __future__ import annotations

import base64
import hashlib
import re

from strawberry.http.ides import get_graphql_ide_html

from api.graphiql import ASSETS_DIR, ASSETS_PATH, CDN, cdn_files, offline_page


def test_every_file_the_page_loads_is_here_with_the_hash_the_page_names() -> None:
    page = get_graphql_ide_html("graphiql")
    files = cdn_files(page)
    assert len(files) == 7, files  # react, react-dom, js-cookie, graphiql css+js, explorer css+js
    missing = [f for f in files if not (ASSETS_DIR / f).is_file()]
    assert not missing, f"add these to {ASSETS_DIR} (see SOURCES.md there): {missing}"
    for name in files:
        tag = re.search(re.escape(CDN + name) + r'"\s+integrity="(sha384-[^"]+)"', page)
        assert tag is not None, name
        digest = hashlib.sha384((ASSETS_DIR / name).read_bytes()).digest()
        assert "sha384-" + base64.b64encode(digest).decode() == tag.group(1), name


def test_the_page_names_no_other_host() -> None:
    page = offline_page(get_graphql_ide_html("graphiql"))
    assert not re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert page.count(f'"{ASSETS_PATH}/') == 7
