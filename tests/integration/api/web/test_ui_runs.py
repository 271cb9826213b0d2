"""The discovery-run pages in a real Chromium, on runs recorded as discovery records them
(cmdb.runs.record_run): the list equals the API's runs, newest first, with the site that
ran each (a remote collector's, or the centre), targets answered and failed and coverage; one run shows each target, its failures with the
collector's error text, and its coverage by protocol; an unknown run is one message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import Page, expect

from cmdb.runs import DiscoveryRun, Failure, record_run
from tests.integration.api.history_data import data
from tests.integration.api.web.browser import open_route, shot, violations

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
RUNS = """query($job: String) { discoveryRuns(job: $job, first: 50) {
  runs { id job site status targets answered failed coverage { status } } } }"""
RUN = """query($id: String!) { discoveryRun(id: $id) {
  failures { target protocol kind message } coverage { target protocol status } } }"""
AUTH = "authentication failed for user netops (publickey,password)"


@pytest.fixture
def runs(graph: neo4j.Driver) -> list[DiscoveryRun]:
    """Three runs of job dc and one of job lab; the newest dc run, by the collector at site
    branch-a, met a target that refused ssh and one that timed out on SNMP and answered
    ssh."""
    made = []
    for i, job in enumerate(["dc", "lab", "dc", "dc"]):
        start = T0 + timedelta(hours=i)
        failures = [Failure("10.1.0.9", "ssh", "auth_failed", AUTH, "show version")]
        coverage: dict[str, dict[str, Any]] = {
            "10.1.0.5": {"snmp": {"status": "answered", "tables": {"ifTable": "ok", "lldp": "ok"}}},
            "10.1.0.9": {"ssh": {"status": "failed", "kind": "auth_failed"}},
        }
        if i == 3:
            failures.append(Failure("10.1.0.7", "snmp", "timeout", "no answer within 5 s"))
            coverage["10.1.0.7"] = {
                "snmp": {"status": "failed", "kind": "timeout"},
                "ssh": {"status": "answered", "tables": {"show interfaces": "ok"}},
            }
        run = DiscoveryRun(
            id=f"RUN-{i}", job=job, started_at=start, finished_at=start + timedelta(minutes=4),
            targets=len(coverage), answered=len(coverage) - 1, failed=1, failures=failures,
            coverage=coverage, site="branch-a" if i == 3 else None,
        )  # fmt: skip
        record_run(graph, run)
        made.append(run)
    return made


def test_runs_list_equals_the_api_and_a_run_shows_its_failures(
    runs: list[DiscoveryRun], http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_route(page, "#/runs")
    listed = data(http, RUNS, job=None)["discoveryRuns"]["runs"]
    rows = page.get_by_test_id("runs").locator("tbody tr")
    expect(rows).to_have_count(len(listed))
    assert rows.locator("td:first-child").all_inner_texts() == [r["id"] for r in listed]
    newest = listed[0]
    assert newest["id"] == "RUN-3"
    cells = rows.first.locator("td").all_inner_texts()
    covered = sum(c["status"] == "answered" for c in newest["coverage"])
    assert newest["site"] == "branch-a"
    assert cells[1:3] + cells[4:] == [
        "dc", "branch-a", "completed", str(newest["targets"]), str(newest["answered"]),
        str(newest["failed"]), f"{covered} of {len(newest['coverage'])} target protocols answered",
    ]  # fmt: skip
    shot(page, "runs")

    page.get_by_label("Every job (or name one)").fill("lab")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(1)).to_have_text("lab")
    expect(rows.first.locator("td").nth(2)).to_have_text("centre")  # ran here, no site
    page.get_by_label("Every job (or name one)").fill("")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(len(listed))

    # by keyboard: focus the newest run's link, Enter opens it
    page.get_by_role("link", name="RUN-3").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Discovery run RUN-3")).to_be_visible()
    summary = page.get_by_test_id("run-summary")
    expect(summary.locator("dd[data-key=runsSite]")).to_have_text("branch-a")
    run = data(http, RUN, id="RUN-3")["discoveryRun"]
    failures = page.get_by_test_id("run-failures").locator("tbody tr")
    expect(failures).to_have_count(len(run["failures"]))
    shown = {tuple(r.locator("td").all_inner_texts()[:4]) for r in failures.all()}
    assert shown == {(f["target"], f["protocol"], f["kind"], f["message"]) for f in run["failures"]}
    targets = page.get_by_test_id("run-targets").locator("tbody tr")
    expect(targets).to_have_count(3)
    refused = targets.filter(has_text="10.1.0.9")
    expect(refused.locator("td").nth(1)).to_have_text("failed")
    expect(refused.locator("td").nth(3)).to_have_text(f"ssh · auth_failed: {AUTH}")
    half = targets.filter(has_text="10.1.0.7")
    expect(half.locator("td").nth(1)).to_have_text("answered")
    expect(half.locator("td").nth(3)).to_have_text("snmp · timeout: no answer within 5 s")
    coverage = page.get_by_test_id("run-coverage").locator("tbody tr")
    expect(coverage).to_have_count(len(run["coverage"]))
    expect(coverage.filter(has_text="10.1.0.5")).to_contain_text("ifTable: ok, lldp: ok")
    shot(page, "run")


def test_an_unknown_run_is_one_message(
    runs: list[DiscoveryRun], page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_route(page, "#/runs/RUN-99")
    expect(page.get_by_role("alert")).to_have_text("There is no discovery run RUN-99.")
    page.get_by_role("link", name="All discovery runs").click()
    expect(page.get_by_test_id("runs").locator("tbody tr")).to_have_count(len(runs))


def test_chinese(runs: list[DiscoveryRun], page_as: Callable[..., Page]) -> None:
    page = page_as("reader", locale="zh-CN", bypass_csp=True)
    open_route(page, "#/runs")
    expect(page.get_by_role("heading", name="发现任务")).to_be_visible()
    expect(page.get_by_test_id("runs").locator("tbody tr").first).to_contain_text("个目标协议中")
    shot(page, "runs-zh")
    assert violations(page) == []
    page.get_by_role("link", name="RUN-3").click()
    expect(page.get_by_role("heading", name="发现任务运行 RUN-3")).to_be_visible()
    expect(page.get_by_test_id("run-failures")).to_contain_text(AUTH)
    assert page.evaluate("window.cmdbMissingMessages()") == {"zh": [], "en": []}
    shot(page, "run-zh")
    assert violations(page) == []


def test_runs_page_by_twenty(
    graph: neo4j.Driver, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    for i in range(23):
        start = T0 + timedelta(minutes=10 * i)
        record_run(graph, DiscoveryRun(
            id=f"SWEEP-{i:02d}", job="sweep", started_at=start,
            finished_at=start + timedelta(minutes=1), targets=1, answered=1, failed=0,
            coverage={"10.2.0.1": {"snmp": {"status": "answered"}}},
        ))  # fmt: skip
    every = data(http, RUNS, job="sweep")["discoveryRuns"]["runs"]
    page = page_as("reader")
    open_route(page, "#/runs?job=sweep")
    ids = page.get_by_test_id("runs").locator("tbody tr td:first-child")
    expect(ids).to_have_count(20)
    seen = ids.all_inner_texts()
    page.get_by_role("button", name="Next").click()
    expect(ids).to_have_count(3)
    assert seen + ids.all_inner_texts() == [r["id"] for r in every]
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    page.get_by_role("button", name="Previous").click()
    expect(ids).to_have_count(20)
