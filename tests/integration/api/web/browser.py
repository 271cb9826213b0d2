"""Driving the web UI in Debian's Chromium (/usr/bin/chromium, installed by `make browser`)
through Playwright, which never downloads a browser of its own here: it is pointed at the
system one. Flags: headless, and no background networking (a closed network refuses
Chromium's calls home)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[4] / "web" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# where the tests leave a picture of every page they visit (read them before a release)
SHOTS = Path(
    os.environ.get("CMDB_SCREENSHOTS", Path(__file__).resolve().parents[4] / "var" / "screenshots")
)


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot of what the user sees now, as SHOTS/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, base_url: str, secret: str) -> None:
    """Open the UI and sign in with an API token, as a user pastes one."""
    page.goto(base_url + "/")
    page.locator("form.signin input[name=token]").fill(secret)
    page.locator("form.signin button[type=submit]").click()
    expect(page.get_by_test_id("viewer")).to_be_visible()


def settled(page: Page) -> None:
    """Wait until the page has drawn its data (no loading notice left, a heading shown)."""
    expect(page.locator("main .loading")).to_have_count(0, timeout=30_000)
    expect(page.locator("main h1").first).to_be_visible(timeout=30_000)


def open_route(page: Page, route: str) -> None:
    """Go to `route` (`#/...`) of the UI the page is signed in to, once it has drawn."""
    settled(page)
    page.goto(page.url.split("#")[0] + route)


def violations(page: Page) -> list[dict[str, object]]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now (the page's context
    needs bypass_csp: axe is injected as a script)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})).violations
           .map(v => ({id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return list(found)
