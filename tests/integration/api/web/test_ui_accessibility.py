"""Accessibility basics of every page, checked in Chromium by axe-core (the npm package
web/ installs; WCAG 2.x A and AA rules: labels, names, contrast, landmarks, ARIA), and the
main flows by keyboard alone: sign in, skip to the content, search, open a CI."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import neo4j
import pytest
from playwright.sync_api import Browser, Page, expect

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from cmdb.tokens import create_token
from tests.integration.api.web.browser import settled, shot, violations

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
# every page a user reaches from the navigation, and a CI's own pages
PAGES = [
    "#/",
    "#/ci/{uid}",
    "#/topology/{uid}",
    "#/impact?cis={uid}",
    "#/changes",
    "#/audits",
    "#/runs",
]


@pytest.fixture
def core_uid(graph: neo4j.Driver, schema: Schema, dbms_config: Config, http: httpx.Client) -> str:
    Ingestor(graph, schema, dbms_config).ingest(sample_estate(T0))
    answer = http.post("/graphql", json={"query": '{ ci(name: "hq-core-01") { uid } }'})
    return str(answer.json()["data"]["ci"]["uid"])


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_page_passes_axe(core_uid: str, page_as: Callable[..., Page], locale: str) -> None:
    page = page_as("admin", locale=locale, bypass_csp=True)
    report = {}
    for route in PAGES:
        page.goto(page.url.split("#")[0] + route.format(uid=core_uid))
        try:
            settled(page)
        except AssertionError as error:
            raise AssertionError(f"{route} did not settle: {page.inner_text('main')}") from error
        found = violations(page)
        if found:
            report[route] = found
    assert not report, json.dumps(report, indent=1, ensure_ascii=False)


def test_sign_in_page_passes_axe(browser: Browser, served: object) -> None:
    context = browser.new_context(locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(served.url + "/")  # type: ignore[attr-defined]
        expect(page.locator("form.signin")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()


def test_main_flow_by_keyboard_alone(
    core_uid: str, browser: Browser, served: object, graph: neo4j.Driver
) -> None:
    """Sign in, skip the navigation, search, open the result: no mouse."""
    secret, _info = create_token(graph, "keyboard-user", "reader", None)
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(served.url + "/")  # type: ignore[attr-defined]
        expect(page.locator("input[name=token]")).to_be_focused()  # focus starts in the form
        page.keyboard.type(secret)
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("viewer")).to_have_text("keyboard-user · reader")
        settled(page)
        page.goto(f"{served.url}/#/runs")  # type: ignore[attr-defined]
        page.reload()  # a fresh page: the first Tab stop is the skip link
        settled(page)
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        page.reload()
        settled(page)
        for _ in range(3):  # the skip link, the brand, the first navigation link
            page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Search", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        search = page.get_by_label("Search names, serials, addresses, MACs")
        expect(search).to_be_focused()
        page.keyboard.type("hq-core-01")
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("ci-count")).to_have_text("1 matches")
        result = page.get_by_test_id("ci-list").get_by_role("link", name="hq-core-01")
        for _ in range(12):  # past the filters and buttons, to the result
            if page.evaluate("document.activeElement.textContent") == "hq-core-01":
                break
            page.keyboard.press("Tab")
        expect(result).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{served.url}/#/ci/{core_uid}")  # type: ignore[attr-defined]
        shot(page, "keyboard-ci-page")
    finally:
        context.close()
