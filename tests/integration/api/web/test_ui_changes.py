"""The change request pages in a real Chromium over the real API, on the sample estate
loaded by the real ingest: an engineer creates a request with the form (by keyboard), a
reviewer assesses it (the risk and reasons shown are what `changeRequest` answers) and
approves it; a reader sees no action; two overlapping approved requests show their
conflict; a window ending before it starts shows the API's refusal; a completed request
verified after its window shows planned against observed, as the API answers it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import Page, expect

from audits.authorized.verify import verify
from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.integration.api.changes_client import CREATE, READ, SAT_NIGHT, act, create, data, draft
from tests.integration.api.web.browser import settled, shot, violations

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
Clients = Callable[[str], httpx.Client]
CONFLICTS = """query($id: String!) { conflicts(id: $id) {
  changeRequest { id } sharedCis { uid name } sharedBusinessServices } }"""
VERIFICATION = """query($id: String!) { changeRequest(id: $id) {
  verification { asPlanned unplannedExtras notObserved changes } } }"""


@pytest.fixture(autouse=True)
def patient_expectations() -> Iterator[None]:
    """Each step here is a GraphQL round trip or two, on a machine other tests load too:
    wait up to 20 s for what the page shows (Playwright's default: 5 s)."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def uids(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> dict[str, str]:
    """The sample estate's keys (core-HQ, app-erp, ...) -> uids."""
    return Ingestor(graph, schema, dbms_config).ingest(sample_estate(T0)).uids


def request(http: httpx.Client, request_id: str) -> dict[str, Any]:
    found: dict[str, Any] = data(http, READ, id=request_id)["changeRequest"]
    return found


def approved(engineer: httpx.Client, admin: httpx.Client, cis: list[str], **fields: Any) -> str:
    """A request the engineer made, assessed and approved by the admin (not its maker)."""
    made = create(engineer, cis, **fields)
    act(admin, "assess", made["id"])
    act(admin, "approve", made["id"], "CAB ok")
    return str(made["id"])


def open_route(page: Page, route: str) -> str:
    """Go to `route` once the home page the sign-in opened has drawn (a route asked for
    while another one still draws could be drawn over); the UI's base URL."""
    base, _, current = page.url.partition("#")
    if current in ("", "/"):
        expect(page.get_by_test_id("ci-count")).to_be_visible()
    page.goto(f"{base}#{route}")
    return base


def local_iso(page: Page, local: str) -> str:
    """What the browser sends for a datetime-local value, in the API's ISO form."""
    iso: str = page.evaluate("v => new Date(v).toISOString()", local)
    return datetime.fromisoformat(iso).isoformat()


def test_engineer_requests_reviewer_assesses_and_approves(
    uids: dict[str, str], http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("engineer", name="erin")
    open_route(page, "/changes")
    expect(page.get_by_test_id("change-count")).to_have_text("0 change requests")
    # the create form by keyboard alone: the link, then Tab from field to field
    page.get_by_test_id("new-change").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New change request")).to_be_visible()
    expect(page.get_by_label("Title")).to_be_focused()
    page.keyboard.type("ERP upgrade")
    page.keyboard.press("Tab")
    page.keyboard.type("Patch the ERP application")
    page.keyboard.press("Tab")  # category: normal stays
    expect(page.get_by_label("Category")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Add a CI (name or uid)")).to_be_focused()
    page.keyboard.type("hq-core-01")
    page.keyboard.press("Enter")
    chips = page.get_by_test_id("change-cis")
    expect(chips).to_contain_text("hq-core-01 · NetworkDevice")
    page.keyboard.type(uids["app-erp"])  # a uid works as well as a name
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add CI")).to_be_focused()
    page.keyboard.press("Space")
    expect(chips.locator("li")).to_have_count(2)
    page.get_by_label("Add a CI (name or uid)").fill("no-such-device")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("No CI has the name or uid no-such-device")
    page.get_by_label("Add a CI (name or uid)").fill("")
    page.get_by_label("Window start").fill("2026-12-05T22:00")
    page.get_by_label("Window end").fill("2026-12-05T23:30")
    page.get_by_label("Comment").focus()
    page.keyboard.type("maintenance night")
    shot(page, "changes-new")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create change request")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/changes/CHG\d+$"))
    request_id = page.url.rsplit("/", 1)[1]
    made = request(http, request_id)
    assert made["title"] == "ERP upgrade" and made["requester"] == "erin"
    assert made["description"] == "Patch the ERP application" and made["category"] == "NORMAL"
    assert {ci["uid"] for ci in made["affectedCis"]} == {uids["core-HQ"], uids["app-erp"]}
    assert made["windowStart"] == local_iso(page, "2026-12-05T22:00")
    assert made["transitions"][0]["comment"] == "maintenance night"
    expect(page.get_by_test_id("change-state")).to_have_text("Draft")
    links = page.get_by_test_id("change-ci-links").get_by_role("link")
    assert sorted(links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))")) == sorted(
        f"#/ci/{uids[k]}" for k in ("core-HQ", "app-erp")
    )
    # an engineer may not assess: no such button
    expect(page.get_by_test_id("change-actions")).to_contain_text("Nothing this token may do")

    reviewer = page_as("reviewer", name="rita")
    open_route(reviewer, f"/changes/{request_id}")
    actions = reviewer.get_by_test_id("change-actions")
    expect(actions.locator("button")).to_have_text(["Assess"])
    actions.get_by_label("Comment").fill("impact checked")
    actions.get_by_role("button", name="Assess").click()
    expect(reviewer.get_by_test_id("action-done")).to_have_text(
        "Assess: the request is now Assessed."
    )
    assessed = request(http, request_id)["assessment"]
    expect(reviewer.get_by_test_id("risk")).to_have_text(assessed["risk"])
    expect(reviewer.get_by_test_id("risk-reasons").locator("li")).to_have_text(assessed["reasons"])
    affected = assessed["impact"]["affected"]
    down = sum(1 for ci in affected if ci["state"] == "DOWN")
    expect(reviewer.get_by_test_id("impact-counts")).to_have_text(
        f"{len(affected)} (Down: {down}, Degraded: {len(affected) - down})"
    )
    services = reviewer.get_by_test_id("impact-services").locator("tbody tr td:first-child")
    expect(services).to_have_text(sorted(assessed["impact"]["by_business_service"]))
    impact = reviewer.get_by_test_id("open-impact")
    href = impact.get_attribute("href") or ""
    assert href.startswith("#/impact?cis=") and href.endswith("&mode=MAINTENANCE")
    assert set(href.split("=")[1].split("&")[0].replace("%2C", ",").split(",")) == {
        uids["core-HQ"],
        uids["app-erp"],
    }
    shot(reviewer, "changes-assessed")
    actions.get_by_label("Comment").fill("rollback tested")
    actions.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_test_id("change-state")).to_have_text("Approved")
    done = request(http, request_id)
    assert done["state"] == "APPROVED"
    assert [(d["approver"], d["comment"]) for d in done["approvals"]] == [
        ("rita", "rollback tested")
    ]
    expect(reviewer.get_by_test_id("change-decisions")).to_contain_text("rollback tested")
    expect(reviewer.get_by_test_id("change-steps").locator("tbody tr")).to_have_count(
        len(done["transitions"])
    )
    # the list shows it with its state and risk, filtered by state
    reviewer.get_by_role("link", name="All change requests").click()
    reviewer.get_by_label("State").select_option("APPROVED")
    reviewer.get_by_role("button", name="Show").click()
    row = reviewer.get_by_test_id("change-list").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(request_id)
    expect(row).to_contain_text(assessed["risk"])
    reviewer.get_by_label("State").select_option("DRAFT")
    reviewer.get_by_role("button", name="Show").click()
    expect(reviewer.get_by_test_id("change-count")).to_have_text("0 change requests")


def test_a_reader_sees_no_action_and_cannot_request(
    uids: dict[str, str], http_as: Clients, page_as: Callable[..., Page]
) -> None:
    made = create(http_as("engineer"), [uids["app-erp"]])
    page = page_as("reader")
    base = open_route(page, "/changes")
    expect(page.get_by_test_id("change-list").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("new-change")).to_have_count(0)
    page.get_by_role("link", name=made["id"]).click()
    expect(page.get_by_test_id("change-state")).to_have_text("Draft")
    actions = page.get_by_test_id("change-actions")
    expect(actions).to_contain_text("Nothing this token may do in this state.")
    expect(actions.locator("button")).to_have_count(0)
    page.goto(base + "#/changes/new")
    expect(page.get_by_role("alert")).to_have_text(
        "This token may not request changes (its role: reader)."
    )
    page.goto(base + "#/changes/CHG9999999")
    expect(page.get_by_role("alert")).to_have_text("No change request CHG9999999")


def test_two_overlapping_approved_changes_show_their_conflict(
    uids: dict[str, str], http: httpx.Client, http_as: Clients, page_as: Callable[..., Page]
) -> None:
    engineer = http_as("engineer")
    first = approved(engineer, http, [uids["app-erp"]], title="ERP upgrade")
    later = ("2026-12-05T23:00:00Z", "2026-12-06T01:00:00Z")  # overlaps SAT_NIGHT
    second = approved(engineer, http, [uids["app-erp"], uids["core-HQ"]], window=later,
                      title="Core switch reload")  # fmt: skip
    answer = data(http, CONFLICTS, id=first)["conflicts"]
    assert [c["changeRequest"]["id"] for c in answer] == [second]
    page = page_as("reader")
    open_route(page, f"/changes/{first}")
    rows = page.get_by_test_id("conflict-list").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"{second} Core switch reload")
    expect(rows).to_contain_text("Approved")
    for ci in answer[0]["sharedCis"]:
        expect(rows.get_by_role("link", name=ci["name"])).to_have_attribute(
            "href", f"#/ci/{ci['uid']}"
        )
    for service in answer[0]["sharedBusinessServices"]:
        expect(rows).to_contain_text(service)
    shot(page, "changes-conflict")
    rows.get_by_role("link", name=second).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{second} · Core switch reload")
    expect(page.get_by_test_id("conflict-list").locator("tbody tr")).to_contain_text(first)


def test_a_window_ending_before_it_starts_shows_the_apis_refusal(
    uids: dict[str, str], http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("engineer")
    open_route(page, "/changes/new")
    page.get_by_label("Title").fill("Backwards")
    page.get_by_label("Add a CI (name or uid)").fill("hq-core-01")
    page.get_by_role("button", name="Add CI").click()
    expect(page.get_by_test_id("change-cis")).to_contain_text("hq-core-01")
    page.get_by_label("Window start").fill("2026-12-05T23:00")
    page.get_by_label("Window end").fill("2026-12-05T22:00")
    page.get_by_role("button", name="Create change request").click()
    refused = draft([uids["core-HQ"]], (local_iso(page, "2026-12-05T23:00"),
                                        local_iso(page, "2026-12-05T22:00")))  # fmt: skip
    refused.update(title="Backwards", description="", implementer=None)
    body = http.post("/graphql", json={"query": CREATE, "variables": {"input": refused}}).json()
    [error] = body["errors"]
    expect(page.get_by_role("alert")).to_have_text(error["message"])
    assert "before" in error["message"] or "after" in error["message"]
    expect(page).to_have_url(re.compile("#/changes/new$"))
    assert data(http, "query { changeRequests { totalCount } }")["changeRequests"] == {
        "totalCount": 0
    }
    shot(page, "changes-refused")


def observed(at: datetime) -> ChangeSet:
    """Discovery seeing two of the sample estate's devices upgraded at `at`."""
    return ChangeSet.model_validate({
        "source": "ssh", "actor": "test", "observed_at": at,
        "cis": [
            {"key": "core", "class": "NetworkDevice", "attributes": {
                "serial_number": "FDOHQ0001", "name": "hq-core-01", "os_version": "17.12.1"}},
            {"key": "rtr", "class": "NetworkDevice", "attributes": {
                "serial_number": "JNHQ0002", "name": "hq-rtr-01", "os_version": "23.2R1"}},
        ],
    })  # fmt: skip


def test_a_completed_change_shows_planned_against_observed(
    uids: dict[str, str], http: httpx.Client, http_as: Clients, graph: neo4j.Driver,
    schema: Schema, dbms_config: Config, page_as: Callable[..., Page],
) -> None:  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(hours=3), now - timedelta(hours=1)
    engineer = http_as("engineer")
    window = (start.isoformat(), end.isoformat())
    request_id = approved(engineer, http, [uids["core-HQ"], uids["acc-HQ-1"]], window=window)
    Ingestor(graph, schema, dbms_config).ingest(observed(start + timedelta(minutes=30)))
    act(engineer, "start", request_id)
    act(engineer, "complete", request_id, "upgraded")
    verify(graph, schema, dbms_config, request_id, now)
    answer = data(http, VERIFICATION, id=request_id)["changeRequest"]["verification"]
    assert (answer["asPlanned"], answer["unplannedExtras"]) == (1, 1)
    assert answer["notObserved"] == [uids["acc-HQ-1"]]

    page = page_as("reviewer")
    open_route(page, f"/changes/{request_id}")
    expect(page.get_by_test_id("change-state")).to_have_text("Completed")
    expect(page.get_by_test_id("as-planned")).to_have_text(str(answer["asPlanned"]))
    expect(page.get_by_test_id("extras")).to_have_text(str(answer["unplannedExtras"]))
    expect(page.get_by_test_id("not-observed").get_by_role("link")).to_have_text(["hq-acc-01"])
    planned = page.get_by_test_id("planned-changes").locator("tbody tr")
    [change] = answer["changes"]["as_planned"]
    expect(planned).to_have_count(1)
    expect(planned).to_contain_text(f"{change['attribute']}{change['before']}{change['after']}")
    extras = page.get_by_test_id("extra-changes").locator("tbody tr")
    [extra] = answer["changes"]["extras"]
    expect(extras).to_have_count(1)
    expect(extras.get_by_role("link")).to_have_attribute("href", f"#/ci/{extra['uid']}")
    expect(extras.get_by_role("link")).to_have_text("hq-rtr-01")  # named, not only a uid
    expect(extras).to_contain_text(extra["after"])
    shot(page, "changes-verified")
    actions = page.get_by_test_id("change-actions")
    expect(actions.locator("button")).to_have_text(["Review"])
    actions.get_by_role("button", name="Review").click()
    expect(page.get_by_test_id("change-state")).to_have_text("Reviewed")
    assert request(http, request_id)["state"] == "REVIEWED"


def test_chinese_request_page(
    uids: dict[str, str], http: httpx.Client, http_as: Clients, page_as: Callable[..., Page]
) -> None:
    made = create(http_as("engineer"), [uids["app-erp"]], window=SAT_NIGHT)
    act(http, "assess", made["id"])
    page = page_as("reviewer", locale="zh-CN")
    open_route(page, f"/changes/{made['id']}")
    expect(page.get_by_test_id("change-state")).to_have_text("已评估")
    expect(page.get_by_role("heading", name="评估")).to_be_visible()
    expect(page.get_by_test_id("change-actions").locator("button")).to_have_text(
        ["评估", "批准", "拒绝"]
    )
    steps = page.get_by_test_id("change-steps").locator("tbody tr td:nth-child(3)")
    expect(steps).to_have_text(["— → 草稿", "草稿 → 已评估"])
    missing = page.evaluate("window.cmdbMissingMessages()")
    assert missing == {"zh": [], "en": []}, f"messages in one language only: {missing}"
    shot(page, "changes-zh")
    page.get_by_role("link", name="全部变更请求").click()
    expect(page.get_by_test_id("change-count")).to_have_text("共 1 个变更请求")
    shot(page, "changes-list-zh")


def test_the_change_pages_pass_axe(
    uids: dict[str, str], http: httpx.Client, http_as: Clients, page_as: Callable[..., Page]
) -> None:
    engineer = http_as("engineer")
    first = approved(engineer, http, [uids["app-erp"]])
    approved(engineer, http, [uids["app-erp"]], title="Overlapping")
    for locale in ("en-US", "zh-CN"):
        page = page_as("admin", locale=locale, bypass_csp=True)
        report = {}
        for route in ("/changes", "/changes/new", f"/changes/{first}"):
            open_route(page, route)
            settled(page)
            found = violations(page)
            if found:
                report[route] = found
        assert not report, json.dumps(report, indent=1, ensure_ascii=False)
