"""The web UI's frame and home page in a real Chromium: signing in with a token, the CI
list with its count and filters (equal to what the API answers), search, the language
switch, and how the server serves the files (caching, security headers)."""

from __future__ import annotations

import re
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
from tests.integration.api.web.browser import CHROMIUM, shot

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)


@pytest.fixture
def estate(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> None:
    Ingestor(graph, schema, dbms_config).ingest(sample_estate(T0))


def api_total(http: httpx.Client, filter_: dict[str, object]) -> int:
    answer = http.post(
        "/graphql",
        json={
            "query": "query($f: CIFilter) { cis(filter: $f) { totalCount } }",
            "variables": {"f": filter_},
        },
    )
    return int(answer.json()["data"]["cis"]["totalCount"])


def test_list_counts_and_filters_match_the_api(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    expect(page.get_by_test_id("ci-count")).to_have_text(f"{api_total(http, {})} CIs")
    shot(page, "search-list")
    page.get_by_label("Class").select_option("NetworkDevice")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Search").click()
    devices = api_total(http, {"className": "NetworkDevice", "status": ["active"]})
    assert devices > 5
    expect(page.get_by_test_id("ci-count")).to_have_text(f"{devices} CIs")
    rows = page.get_by_test_id("ci-list").locator("tbody tr")
    expect(rows).to_have_count(min(devices, 25))
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {"NetworkDevice"}


def test_search_by_name_finds_the_device_and_opens_it(
    estate: None, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    page.get_by_label("Search names, serials, addresses, MACs").fill("hq-core-01")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ci-count")).to_have_text("1 matches")
    shot(page, "search-result")
    page.get_by_role("link", name="hq-core-01").click()
    expect(page).to_have_url(re.compile("#/ci/"))


def test_paging_walks_the_whole_list(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    total = api_total(http, {})
    seen: list[str] = []
    rows = page.get_by_test_id("ci-list").locator("tbody tr td:first-child")
    while True:
        expect(rows.first).to_be_visible()
        seen += rows.all_inner_texts()
        following = page.get_by_role("button", name="Next")
        if following.is_disabled():
            break
        first = seen[-len(rows.all_inner_texts())]
        following.click()
        expect(rows.first).not_to_have_text(first)
    assert len(seen) == total


def test_chinese_by_the_browsers_language_and_by_the_switch(
    estate: None, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader", locale="zh-CN")
    expect(page.get_by_role("link", name="变更请求")).to_be_visible()
    expect(page.get_by_test_id("ci-count")).to_contain_text("个配置项")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    missing = page.evaluate("window.cmdbMissingMessages()")
    assert missing == {"zh": [], "en": []}, f"messages in one language only: {missing}"
    shot(page, "search-zh")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("link", name="Change requests")).to_be_visible()


def test_a_refused_token_is_one_clear_message(
    browser: Browser, served: object, graph: neo4j.Driver
) -> None:
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(served.url + "/")  # type: ignore[attr-defined]
        page.locator("input[name=token]").fill("cmdb_not-a-real-token")
        page.locator("form.signin button[type=submit]").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_test_id("viewer")).to_have_count(0)
        shot(page, "sign-in-refused")
    finally:
        context.close()


def test_files_are_served_with_caching_and_security_headers(served: object) -> None:
    with httpx.Client(base_url=served.url) as client:  # type: ignore[attr-defined]
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assets = [part.split('"')[0] for part in page.text.split('src="')[1:]]
        assert assets and all(a.startswith("/ui/assets/") for a in assets)
        script = client.get(assets[0])
        assert script.status_code == 200
        assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "http://" not in page.text and "https://" not in page.text  # no CDN
        assert client.get("/ui/assets/nothing-here.js").status_code == 404


def test_chromium_is_debians(browser: Browser) -> None:
    assert browser.version.split(".")[0].isdigit()
    assert CHROMIUM == "/usr/bin/chromium"
