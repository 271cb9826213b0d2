"""Browser fixtures: one Chromium per test module; per test a fresh context (no cookies,
no storage, English unless asked) and a page signed in with a token of a role. Every page
error (an uncaught exception in the UI's scripts) fails the test that caused it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import neo4j
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cmdb.tokens import create_token
from tests.integration.api.web.browser import CHROMIUM, FLAGS, sign_in

pytestmark = pytest.mark.neo4j
# a loaded CI machine (two cores, Neo4j and Chromium beside pytest) needs more than the
# default 5 s for a page to draw; a generous wait is not a timing assertion
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Not for the session: Playwright's sync API keeps an
    asyncio loop running in the main thread while it is started, and every later test
    that calls asyncio.run (the SNMP collector, the API's executor) would be refused."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_as(browser: Browser, served: Any, graph: neo4j.Driver) -> Iterator[Callable[..., Page]]:
    """`page_as(role, locale="en-US")`: a page signed in with a new token of `role`
    (`bypass_csp`: let a test inject a script, as the accessibility checker is)."""
    contexts = []
    errors: list[str] = []

    def open_page(
        role: str = "admin",
        locale: str = "en-US",
        name: str | None = None,
        bypass_csp: bool = False,
    ) -> Page:
        secret, _info = create_token(graph, name or f"ui-{role}-{len(contexts)}", role, None)
        context = browser.new_context(
            locale=locale, viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, served.url, secret)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"the UI's scripts failed: {errors}"
