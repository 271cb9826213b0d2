"""Driving the web UI in Debian's Chromium (/usr/bin/chromium, installed by `make browser`)
through Playwright, which never downloads a browser of its own here: it is pointed at the
system one. Flags: headless, and no background networking (a closed network refuses
Chromium's calls home)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
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
