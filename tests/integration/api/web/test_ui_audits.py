"""The audit page in a real Chromium, on findings the real rules opened through the API's
runAudit: counts by severity and the severity filter equal the API's answers; an
auditor acknowledges and waives (by keyboard too) findings and the API reads back the
reason and the expiry; a reader gets no action; a run from the page is recorded; a
report downloads as a real file; a register's dry run lists its refused rows."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import Page, expect

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.integration.api.audits_client import FINDINGS, SERVERS, estate
from tests.integration.api.history_data import data
from tests.integration.api.web.browser import open_route, shot, violations
from tests.register_sheets import REFUSED, write_register

pytestmark = pytest.mark.neo4j
RUN = "mutation($reason: String!) { runAudit(reason: $reason) { id violations } }"
RUNS = "query { auditRuns(first: 50) { totalCount edges { node { id violations } } } }"


@pytest.fixture
def audited(http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config) -> str:
    """SERVERS servers without owner or location, every rule run twice over them (the
    trend has two bars); the newest run's id."""
    estate(graph, schema, config)
    data(http, RUN, reason="first look")
    return str(data(http, RUN, reason="monthly check")["runAudit"]["id"])


def findings(http: httpx.Client, **filter_: Any) -> dict[str, Any]:
    page: dict[str, Any] = data(http, FINDINGS, filter=filter_ or None, first=100)["findings"]
    return page


def severity_counts(page: Page) -> dict[str, int]:
    counts = page.get_by_test_id("severity-counts").locator("dd")
    expect(counts).to_have_count(5)
    return {
        str(dd.get_attribute("data-severity")): int(dd.inner_text())
        for dd in counts.all()
        if int(dd.inner_text())
    }


def test_counts_trend_and_severity_filter_match_the_api(
    audited: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_route(page, "#/audits")
    every = findings(http)
    expect(page.get_by_test_id("finding-count")).to_have_text(f"{every['totalCount']} findings")
    by_api = {c["key"]: c["count"] for c in every["totals"]["bySeverity"] if c["count"]}
    assert {"major", "minor"} <= by_api.keys()
    assert severity_counts(page) == by_api
    runs = data(http, RUNS)["auditRuns"]
    bars = page.get_by_test_id("trend").locator("g[data-run]")
    expect(bars).to_have_count(runs["totalCount"])
    assert [b.get_attribute("data-violations") for b in bars.all()] == [
        str(e["node"]["violations"]) for e in reversed(runs["edges"])
    ]
    expect(page.get_by_test_id("audit-runs").locator("tbody tr").first).to_contain_text(audited)
    shot(page, "audits")
    # a reader sees no action: no run, no acknowledge or waive, no report or import
    expect(page.get_by_role("button", name=re.compile("^(Waive|Acknowledge)"))).to_have_count(0)
    expect(page.get_by_role("button", name="Run audit")).to_have_count(0)
    expect(page.get_by_test_id("report-form")).to_have_count(0)

    page.get_by_label("Severity", exact=True).select_option("minor")
    page.get_by_role("button", name="Filter").click()
    minor = findings(http, severity=["minor"])
    assert 0 < minor["totalCount"] < every["totalCount"]
    expect(page.get_by_test_id("finding-count")).to_have_text(f"{minor['totalCount']} findings")
    rows = page.get_by_test_id("findings").locator("tbody tr")
    expect(rows).to_have_count(minor["totalCount"])
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {"minor"}
    assert severity_counts(page) == {"minor": minor["totalCount"]}
    assert {r.get_attribute("data-finding") for r in rows.all()} == {
        e["node"]["id"] for e in minor["edges"]
    }


def test_filter_by_rule_and_ci_and_an_unknown_ci(
    audited: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_route(page, "#/audits?rule=owner&ci=srv-2")
    owner = findings(http, rule="owner")["edges"]
    srv2 = [e["node"] for e in owner if e["node"]["ciName"] == "srv-2"]
    assert len(owner) == SERVERS and len(srv2) == 1
    rows = page.get_by_test_id("findings").locator("tbody tr")
    expect(rows).to_have_count(1)
    assert rows.first.get_attribute("data-finding") == srv2[0]["id"]
    page.get_by_label("CI (name or uid)").fill("no-such-server")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("No CI named or with uid “no-such-server”.")


def waived_by_the_api(http: httpx.Client, finding: str) -> dict[str, Any]:
    page = findings(http, status=["WAIVED"])
    nodes: list[dict[str, Any]] = [e["node"] for e in page["edges"]]
    [node] = [n for n in nodes if n["id"] == finding]
    return node


def test_acknowledge_then_waive_by_keyboard(
    audited: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("auditor", name="ui-auditor")
    open_route(page, "#/audits?severity=major")
    first, second = (e["node"]["id"] for e in findings(http, severity=["major"])["edges"][:2])

    page.get_by_role("button", name=f"Acknowledge {first}").click()
    page.get_by_label(f"Why acknowledge {first}").fill("owner being named at the review")
    page.get_by_test_id(f"ack-{first}").get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("notice")).to_have_text(f"{first} acknowledged.")
    acked = [
        e["node"] for e in findings(http, severity=["major"])["edges"] if e["node"]["id"] == first
    ]
    assert acked[0]["status"] == "ACKNOWLEDGED"
    assert acked[0]["history"][-1] | {"run": None} == {
        "seq": 2, "action": "acknowledge", "fromStatus": "open", "toStatus": "acknowledged",
        "actor": "ui-auditor", "run": None, "comment": "owner being named at the review",
    }  # fmt: skip
    row = page.locator(f"tr[data-finding='{first}']")
    expect(row.locator("td:nth-child(5)")).to_have_text("acknowledged")
    expect(row.get_by_role("button", name=f"Acknowledge {first}")).to_have_count(0)

    # the waive flow by keyboard alone: focus the button, Enter, type the reason, Tab, type the date, Enter
    until = (datetime.now(UTC) + timedelta(days=40)).date()
    page.get_by_role("button", name=f"Waive {second}").focus()
    page.keyboard.press("Enter")
    reason = page.get_by_label(f"Why waive {second}")
    expect(reason).to_be_focused()
    page.keyboard.type("spare server, no owner until the rack move")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Waived until (end of that day, UTC)")).to_be_focused()
    page.keyboard.type(until.strftime("%m%d%Y"))  # en-US: month, day, year
    expect(page.get_by_label("Waived until (end of that day, UTC)")).to_have_value(
        until.isoformat()
    )
    shot(page, "audits-waive")
    page.keyboard.press("Enter")  # submits the form, as from any of its fields
    expect(page.get_by_test_id("notice")).to_have_text(
        f"{second} waived until {until.isoformat()}."
    )
    expect(page.get_by_test_id("notice")).to_be_focused()  # the keyboard goes on from there
    waived = waived_by_the_api(http, second)
    assert waived["waiver"]["reason"] == "spare server, no owner until the rack move"
    assert waived["waiver"]["approver"] == "ui-auditor"
    assert datetime.fromisoformat(waived["waiver"]["until"]) == datetime(
        until.year, until.month, until.day, 23, 59, 59, tzinfo=UTC
    )
    # a waived finding leaves the default list; the waived ones show its waiver
    expect(page.locator(f"tr[data-finding='{second}']")).to_have_count(0)
    page.get_by_label("Status", exact=True).select_option("WAIVED")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(f"tr[data-finding='{second}'] td:nth-child(8)")).to_have_text(
        f"until {until.isoformat()} (ui-auditor): spare server, no owner until the rack move"
    )


def test_a_waiver_in_the_past_is_the_apis_refusal(
    audited: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("auditor")
    open_route(page, "#/audits?severity=major")
    finding = findings(http, severity=["major"])["edges"][0]["node"]["id"]
    page.get_by_role("button", name=f"Waive {finding}").click()
    form = page.get_by_test_id(f"waive-{finding}")
    form.get_by_label(f"Why waive {finding}").fill("too late")
    date = form.get_by_label("Waived until (end of that day, UTC)")
    date.evaluate("el => el.removeAttribute('min')")  # the browser would stop a past date
    date.fill("2020-01-01")
    form.get_by_role("button", name="Waive").click()
    expect(form.get_by_role("alert")).to_contain_text("until")
    assert waived_by_the_api_count(http) == 0


def waived_by_the_api_count(http: httpx.Client) -> int:
    return int(findings(http, status=["WAIVED"])["totalCount"])


def test_run_audit_from_the_page(
    audited: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("auditor")
    open_route(page, "#/audits")
    before = data(http, RUNS)["auditRuns"]["totalCount"]
    page.get_by_label("Reason for the audit run").fill("after the rack move")
    page.get_by_role("button", name="Run audit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("0 opened")
    runs = data(http, RUNS)["auditRuns"]
    assert runs["totalCount"] == before + 1
    newest = runs["edges"][0]["node"]["id"]
    expect(page.get_by_test_id("notice")).to_contain_text(f"Audit run {newest}:")
    expect(page.get_by_test_id("audit-runs").locator("tbody tr").first).to_contain_text(
        "after the rack move"
    )
    expect(page.get_by_test_id("trend").locator("g[data-run]")).to_have_count(before + 1)


@pytest.mark.parametrize(
    ("fmt", "suffix", "magic"),
    [("xlsx", ".xlsx", b"PK"), ("csv", ".zip", b"PK"), ("html", ".html", b"<!DOCTYPE html>")],
)
def test_report_downloads_as_a_file(
    audited: str, page_as: Callable[..., Page], tmp_path: Path, fmt: str, suffix: str, magic: bytes
) -> None:
    page = page_as("auditor")
    open_route(page, "#/audits")
    form = page.get_by_test_id("report-form")
    form.get_by_label("Report", exact=True).select_option("audit")
    form.get_by_label("Period").fill("this-month")
    form.get_by_label("Format").select_option(fmt)
    with page.expect_download() as arrival:
        form.get_by_role("button", name="Make and download").click()
    download = arrival.value
    assert download.suggested_filename.startswith("audit-")
    assert download.suggested_filename.endswith(suffix)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    body = saved.read_bytes()
    assert body.startswith(magic), body[:40]
    if fmt != "html":
        with zipfile.ZipFile(saved) as archive:
            assert archive.namelist()
    else:
        assert "srv-" in body.decode()
    expect(page.get_by_test_id("report-status")).to_contain_text(download.suggested_filename)


def test_a_bad_report_period_is_named(audited: str, page_as: Callable[..., Page]) -> None:
    page = page_as("auditor")
    open_route(page, "#/audits")
    form = page.get_by_test_id("report-form")
    form.get_by_label("Period").fill("someday")
    form.get_by_role("button", name="Make and download").click()
    expect(page.get_by_test_id("report-status").get_by_role("alert")).to_contain_text("period")


def test_register_dry_run_lists_the_refused_rows(
    audited: str, http: httpx.Client, page_as: Callable[..., Page], tmp_path: Path
) -> None:
    register = write_register(tmp_path / "设备台账.xlsx")
    page = page_as("auditor")
    open_route(page, "#/audits")
    form = page.get_by_test_id("import-form")
    form.get_by_label("Register file (.xlsx or .csv)").set_input_files(register)
    form.get_by_label("Reason for the import").fill("the contract's register")
    expect(form.get_by_label("Dry run (write nothing)")).to_be_checked()
    form.get_by_role("button", name="Upload").click()
    status = page.get_by_test_id("import-status")
    expect(status).to_contain_text("Dry run: nothing was written.")
    rows = status.get_by_test_id("refused-rows").locator("tbody tr")
    expect(rows).to_have_count(len(REFUSED))
    assert [int(r) for r in rows.locator("td:first-child").all_inner_texts()] == sorted(REFUSED)
    shot(page, "audits-import")
    changes = data(http, 'query { history(first: 5, source: "register") { events { ciUid } } }')
    assert changes["history"]["events"] == []


def test_register_import_writes_its_rows(
    audited: str, http: httpx.Client, page_as: Callable[..., Page], tmp_path: Path
) -> None:
    total = "query { cis { totalCount } }"
    before = data(http, total)["cis"]["totalCount"]
    page = page_as("auditor")
    open_route(page, "#/audits")
    form = page.get_by_test_id("import-form")
    form.get_by_label("Register file (.xlsx or .csv)").set_input_files(
        write_register(tmp_path / "设备台账.xlsx")
    )
    form.get_by_label("Reason for the import").fill("the contract's register")
    form.get_by_label("Dry run (write nothing)").uncheck()
    form.get_by_role("button", name="Upload").click()
    status = page.get_by_test_id("import-status")
    expect(status).to_contain_text("设备台账.xlsx, sheet 设备台账: 4 rows imported")
    expect(status).not_to_contain_text("Dry run")
    created = data(http, total)["cis"]["totalCount"] - before
    assert created > 0
    expect(status).to_contain_text(f"{created} created")
    events = data(http, 'query { history(first: 5, source: "register") { events { ciUid } } }')
    assert events["history"]["events"]


def test_chinese(audited: str, http: httpx.Client, page_as: Callable[..., Page]) -> None:
    page = page_as("auditor", locale="zh-CN")
    open_route(page, "#/audits")
    total = findings(http)["totalCount"]
    assert total >= 2 * SERVERS
    expect(page.get_by_test_id("finding-count")).to_have_text(f"共 {total} 项发现")
    expect(page.get_by_role("button", name="运行审计")).to_be_visible()
    assert page.evaluate("window.cmdbMissingMessages()") == {"zh": [], "en": []}
    shot(page, "audits-zh")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_auditors_page_passes_axe(
    audited: str, http: httpx.Client, page_as: Callable[..., Page], locale: str
) -> None:
    """With findings, runs, every tool and an open waive form (axe: WCAG 2.x A/AA)."""
    page = page_as("auditor", locale=locale, bypass_csp=True)
    open_route(page, "#/audits")
    finding = findings(http)["edges"][0]["node"]["id"]
    page.locator(f"tr[data-finding='{finding}'] button").last.click()
    expect(page.get_by_test_id(f"waive-{finding}")).to_be_visible()
    page.locator(f"tr[data-finding='{finding}'] details summary").click()
    assert violations(page) == []


def test_paging_walks_every_finding(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config,
    page_as: Callable[..., Page],
) -> None:  # fmt: skip
    """Twelve servers break three rules each: two pages of findings, in the API's order."""
    at = datetime.now(UTC) - timedelta(minutes=1)
    cis = [{"key": f"pg-{i}", "class": "Server",
            "attributes": {"name": f"pg-{i}", "hostname": f"pg-{i}", "serial_number": f"SN-PG-{i}"}}
           for i in range(12)]  # fmt: skip
    change = {"source": "ssh", "actor": "discovery", "observed_at": at, "cis": cis}
    Ingestor(graph, schema, config).ingest(ChangeSet.model_validate(change))
    data(http, RUN, reason="paging")
    every = [e["node"]["id"] for e in findings(http)["edges"]]
    assert len(every) > 25
    page = page_as("reader")
    open_route(page, "#/audits")
    rows = page.get_by_test_id("findings").locator("tbody tr")
    expect(rows).to_have_count(25)
    seen = [r.get_attribute("data-finding") for r in rows.all()]
    page.get_by_role("button", name="Next").click()
    expect(rows).to_have_count(len(every) - 25)
    seen += [r.get_attribute("data-finding") for r in rows.all()]
    assert seen == every
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    expect(page.get_by_test_id("finding-count")).to_have_text(f"{len(every)} findings")
    page.get_by_role("button", name="Previous").click()
    expect(rows).to_have_count(25)


def test_an_audit_report_of_a_chosen_run(
    audited: str, http: httpx.Client, page_as: Callable[..., Page], tmp_path: Path
) -> None:
    older = data(http, RUNS)["auditRuns"]["edges"][1]["node"]["id"]
    page = page_as("auditor")
    open_route(page, "#/audits")
    form = page.get_by_test_id("report-form")
    expect(form.get_by_label("Audit run")).to_be_hidden()  # a status report has no run
    form.get_by_label("Report", exact=True).select_option("audit")
    form.get_by_label("Audit run").select_option(older)
    with page.expect_download() as arrival:
        form.get_by_role("button", name="Make and download").click()
    saved = tmp_path / "audit.html"
    arrival.value.save_as(saved)
    body = saved.read_text()
    assert older in body and audited not in body
