"""The CI page in a real Chromium, on a device the real ingest observed twice: at T0 with
OS 15.1, owned by a team and located at a site; at T1 upgraded to 15.2 under a change
request and newly covered by a contract. The page shows what the API answers for the same
CI; its time slider (by keyboard and by pointer) reads the page as of T0, where the old
version is back and the contract link gone; its diff of T0..T1 lists the upgrade and the
link; its history names who, which source, why and the change request."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import Page, expect

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.integration.api.history_data import data
from tests.integration.api.web.browser import shot

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
T1 = T0 + timedelta(days=1)  # the upgrade, under CR-42, and the contract
EDGE = {"serial_number": "SN-EDGE1", "name": "edge1", "hostname": "edge1", "vendor": "Cisco"}


def observation(at: datetime, cis: list[dict[str, Any]], links: list[dict[str, Any]],
                **extra: Any) -> ChangeSet:  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "discovery", "observed_at": at,
                                     "cis": cis, "links": links, **extra})  # fmt: skip


def link(kind: str, source: str, target: str) -> dict[str, Any]:
    return {"type": kind, "source": {"ref": source}, "target": {"ref": target}}


@pytest.fixture
def edge_uid(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> str:
    """edge1 at T0 (OS 15.1, port Gi1, owned by netops, at HQ) and at T1 (OS 15.2,
    covered by contract C-100); its uid."""
    ingest = Ingestor(graph, schema, dbms_config)
    first = ingest.ingest(observation(T0, [
        {"key": "edge1", "class": "NetworkDevice", "attributes": {**EDGE, "os_version": "15.1"}},
        {"key": "gi1", "class": "Interface", "parent": {"ref": "edge1"},
         "attributes": {"name": "Gi1"}},
        {"key": "netops", "class": "Team", "attributes": {"name": "netops"}},
        {"key": "hq", "class": "Location", "attributes": {"name": "HQ", "code": "HQ"}},
    ], [link("OWNED_BY", "edge1", "netops"), link("LOCATED_IN", "edge1", "hq")]))  # fmt: skip
    ingest.ingest(observation(T1, [
        {"key": "edge1", "class": "NetworkDevice", "attributes": {**EDGE, "os_version": "15.2"}},
        {"key": "c100", "class": "Contract",
         "attributes": {"name": "C-100", "contract_number": "C-100"}},
    ], [link("COVERED_BY", "edge1", "c100")], reason="os upgrade", change_request="CR-42"))  # fmt: skip
    return str(first.uids["edge1"])


# an ISO time as the browser's datetime-local value (its time zone)
LOCAL_TIME = """iso => { const d = new Date(iso), p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:` +
         `${p(d.getMinutes())}:${p(d.getSeconds())}`; }"""


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Expectations wait up to 20 s here (Playwright's 5 s default is short for a page of
    several reads on a busy machine); the default again after each test."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def goto(page: Page, route: str) -> None:
    """Go to `route` (#/...) once the home page the sign-in opened is drawn (the router
    would draw its late answer over the next route)."""
    expect(page.get_by_test_id("ci-count")).to_be_visible()
    page.goto(page.url.split("#")[0] + route)


def open_ci(page: Page, uid: str, query: str = "") -> None:
    goto(page, f"#/ci/{uid}{query}")
    expect(page.get_by_test_id("ci-head")).to_be_visible()


def attribute_value(page: Page, name: str) -> str:
    """The value the attributes table shows for `name` (os_version or osVersion)."""
    rows = page.get_by_test_id("ci-attributes").locator("tbody tr")
    row = rows.filter(has=page.locator("td:first-child", has_text=re.compile(f"^{name}$")))
    expect(row).to_have_count(1)
    return row.locator("td:nth-child(2)").inner_text()


def os_attribute(http: httpx.Client) -> str:
    """The name the page shows the OS version under: the attribute's (with the per-value
    sources field) or the GraphQL field's."""
    fields = data(http, '{ __type(name: "ConfigurationItem") { fields { name } } }')
    names = {f["name"] for f in fields["__type"]["fields"]}
    return "os_version" if "attributes" in names else "osVersion"


def expect_version(page: Page, http: httpx.Client, version: str) -> None:
    name = os_attribute(http)
    rows = page.get_by_test_id("ci-attributes").locator("tbody tr")
    row = rows.filter(has=page.locator("td:first-child", has_text=re.compile(f"^{name}$")))
    expect(row.locator("td:nth-child(2)")).to_have_text(version)


def test_the_page_shows_what_the_api_answers(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_ci(page, edge_uid)
    expect(page.get_by_role("heading", level=1)).to_contain_text("edge1")
    expect_version(page, http, "15.2")
    answer = data(http, """query($uid: String!) { ci(uid: $uid) { className status
        owner { name } contracts { name } location { name }
        relationships(first: 50) { totalCount edges { node { type other { name } } } } } }""",
                  uid=edge_uid)["ci"]  # fmt: skip
    head = page.get_by_test_id("ci-head")
    expect(head).to_contain_text(answer["className"])
    place = page.get_by_test_id("ci-place")
    expect(place).to_contain_text(answer["owner"]["name"])
    expect(place).to_contain_text(answer["contracts"][0]["name"])
    expect(place).to_contain_text(answer["location"][0]["name"])
    relationships = page.get_by_test_id("ci-relationships")
    expect(relationships).to_contain_text(f"{answer['relationships']['totalCount']} relationships")
    for edge in answer["relationships"]["edges"]:
        caption = relationships.locator("caption", has_text=edge["node"]["type"])
        expect(caption.first).to_be_visible()
        expect(
            relationships.get_by_role("link", name=edge["node"]["other"]["name"])
        ).to_be_visible()
    expect(page.get_by_test_id("ci-interfaces")).to_contain_text("Gi1")
    links = page.get_by_test_id("ci-links")
    expect(links.get_by_role("link", name="Topology")).to_have_attribute(
        "href", f"#/topology/{edge_uid}"
    )
    expect(links.get_by_role("link", name="Impact")).to_have_attribute(
        "href", f"#/impact?cis={edge_uid}"
    )
    shot(page, "ci-page")


def test_history_tells_who_which_source_why_and_the_change_request(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_ci(page, edge_uid)
    total = data(http, "query($uid: String!) { ci(uid: $uid) { history { totalCount } } }",
                 uid=edge_uid)["ci"]["history"]["totalCount"]  # fmt: skip
    history = page.get_by_test_id("ci-history")
    expect(history.locator("tbody tr")).to_have_count(total)
    upgrade = history.locator("tbody tr", has_text="os_version")
    expect(upgrade).to_have_count(1)
    for shown in ("15.1", "15.2", "discovery", "snmp", "os upgrade", "CR-42"):
        expect(upgrade).to_contain_text(shown)
    expect(upgrade.get_by_role("link", name="CR-42")).to_have_attribute("href", "#/changes/CR-42")
    opened = history.locator("tbody tr", has_text="COVERED_BY")
    expect(opened).to_contain_text("link opened")
    expect(opened.get_by_role("link", name="C-100")).to_be_visible()


def test_the_slider_by_keyboard_reads_the_page_as_of_an_earlier_event(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_ci(page, edge_uid)
    slider = page.get_by_label("Time (snaps to the CI's history events)")
    expect(slider).to_have_attribute("max", "2")  # T0, T1, now
    slider.focus()
    page.keyboard.press("ArrowLeft")  # T1: the upgrade is there
    expect(page.get_by_test_id("ci-asof")).to_be_visible()
    expect_version(page, http, "15.2")
    expect(page.get_by_label("Time (snaps to the CI's history events)")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # T0: before the upgrade and the contract
    expect_version(page, http, "15.1")
    relationships = page.get_by_test_id("ci-relationships")
    expect(relationships).not_to_contain_text("COVERED_BY")
    expect(relationships).to_contain_text("OWNED_BY")
    expect(page.get_by_test_id("ci-place")).not_to_contain_text("C-100")
    history = page.get_by_test_id("ci-history")  # up to T0: the arrival, not the upgrade
    expect(history.locator("tbody tr", has_text="created")).to_have_count(1)
    expect(history.locator("tbody tr", has_text="os_version")).to_have_count(0)
    assert "asOf=" in page.url
    shot(page, "ci-page-as-of")
    # the URL reproduces the view
    again = page_as("reader")
    goto(again, "#" + page.url.split("#")[1])
    expect(again.get_by_test_id("ci-asof")).to_be_visible()
    expect_version(again, http, "15.1")
    # back to now, by keyboard: the button is a button
    page.get_by_role("button", name="Back to now").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ci-asof")).to_have_count(0)
    expect_version(page, http, "15.2")
    assert "asOf=" not in page.url


def test_the_slider_by_pointer_and_the_api_agree(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_ci(page, edge_uid)
    slider = page.get_by_test_id("ci-slider")
    box = slider.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # the leftmost: first seen
    expect(page.get_by_test_id("ci-asof")).to_be_visible()
    as_of = page.url.split("asOf=")[1]
    then = data(http, "query($uid: String!, $at: DateTime) { ci(uid: $uid, asOf: $at) { "
                "... on NetworkDevice { osVersion } } }", uid=edge_uid,
                at=httpx.URL("?a=" + as_of).params["a"])["ci"]  # fmt: skip
    assert then["osVersion"] == "15.1"
    expect_version(page, http, then["osVersion"])


def test_the_diff_of_the_last_two_times_lists_the_upgrade_and_the_new_link(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    open_ci(page, edge_uid)
    compare = page.get_by_role("button", name="Compare")
    compare.focus()
    page.keyboard.press("Enter")
    attributes = page.get_by_test_id("ci-diff-attributes")
    expect(attributes.locator("tbody tr")).to_have_count(1)
    expect(attributes.locator("tbody tr")).to_have_text(re.compile(r"os_version\s*15\.1\s*15\.2"))
    opened = page.get_by_test_id("ci-diff-opened")
    expect(opened.locator("tbody tr")).to_have_count(1)
    expect(opened).to_contain_text("COVERED_BY")
    expect(opened.get_by_role("link", name="C-100")).to_be_visible()
    expect(page.get_by_test_id("ci-diff-closed").locator("td.empty")).to_have_count(1)
    api = data(http, """query($uid: String!, $from: DateTime!, $to: DateTime!) {
        diff(uid: $uid, from: $from, to: $to) { attributes { attribute before after }
        linksOpened { type } linksClosed { type } } }""",
               uid=edge_uid, **{"from": T0.isoformat(), "to": T1.isoformat()})["diff"]  # fmt: skip
    assert api[0]["attributes"] == [{"attribute": "os_version", "before": "15.1", "after": "15.2"}]
    assert [lo["type"] for lo in api[0]["linksOpened"]] == ["COVERED_BY"]
    shot(page, "ci-page-diff")
    # a picked time: T0 to half a day later, before the upgrade
    to = page.get_by_label("To", exact=True)
    to.fill(page.evaluate(LOCAL_TIME, (T0 + timedelta(hours=12)).isoformat()))
    to.press("Enter")
    expect(page.get_by_test_id("ci-diff")).to_have_text("Nothing changed between these times.")


def test_a_manual_edit_shows_as_manual(
    edge_uid: str, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    data(http, """mutation($uid: String!) { updateAttributes(uid: $uid,
        attributes: {description: "edge router"}, reason: "documented") { changeSetId } }""",
         uid=edge_uid)  # fmt: skip
    page = page_as("reader")
    open_ci(page, edge_uid)
    edit = page.get_by_test_id("ci-history").locator("tbody tr", has_text="description")
    expect(edit).to_contain_text("manual")
    expect(edit).to_contain_text("documented")
    if os_attribute(http) == "os_version":  # the per-value source is served
        row = page.get_by_test_id("ci-attributes").locator("tbody tr", has_text="edge router")
        expect(row.locator("td:nth-child(3)")).to_have_text("manual")
    else:
        assert attribute_value(page, "description") == "edge router"


def test_history_pages_with_more(
    edge_uid: str, graph: neo4j.Driver, schema: Schema, dbms_config: Config,
    http: httpx.Client, page_as: Callable[..., Page],
) -> None:  # fmt: skip
    ingest = Ingestor(graph, schema, dbms_config)
    for hour in range(1, 25):
        ingest.ingest(observation(T1 + timedelta(hours=hour), [
            {"key": "edge1", "class": "NetworkDevice",
             "attributes": {**EDGE, "os_version": "15.2", "firmware": f"fw-{hour}"}},
        ], []))  # fmt: skip
    total = data(http, "query($uid: String!) { ci(uid: $uid) { history { totalCount } } }",
                 uid=edge_uid)["ci"]["history"]["totalCount"]  # fmt: skip
    assert total > 20  # more than one page
    page = page_as("reader")
    open_ci(page, edge_uid)
    rows = page.get_by_test_id("ci-history").locator("tbody tr")
    expect(rows).to_have_count(20)
    more = page.get_by_role("button", name="More")
    while more.is_visible():
        shown = rows.count()
        more.click()
        expect(rows).not_to_have_count(shown)
    expect(rows).to_have_count(total)
    expect(page.get_by_test_id("ci-history-count")).to_have_text(f"{total} of {total} events")


def test_chinese(edge_uid: str, page_as: Callable[..., Page]) -> None:
    page = page_as("reader", locale="zh-CN")
    open_ci(page, edge_uid)
    expect(page.get_by_role("heading", name="历史")).to_be_visible()
    expect(page.get_by_label(re.compile("^时间.对齐到配置项的历史事件"))).to_be_visible()
    missing = page.evaluate("window.cmdbMissingMessages()")
    assert missing == {"zh": [], "en": []}, f"messages in one language only: {missing}"
    page.get_by_role("button", name="比较").click()
    expect(page.get_by_test_id("ci-diff-attributes")).to_contain_text("os_version")
    shot(page, "ci-page-zh")


def test_an_unknown_uid_and_a_time_before_the_ci_are_clear_messages(
    edge_uid: str, page_as: Callable[..., Page]
) -> None:
    page = page_as("reader")
    goto(page, "#/ci/no-such-ci")
    expect(page.get_by_role("alert")).to_have_text("There is no CI with uid no-such-ci.")
    shot(page, "ci-page-unknown")
    before = (T0 - timedelta(days=1)).isoformat().replace("+", "%2B")
    page.goto(page.url.split("#")[0] + f"#/ci/{edge_uid}?asOf={before}")
    expect(page.get_by_role("alert")).to_contain_text(f"The CI {edge_uid} did not exist as of")
    page.get_by_role("button", name="Back to now").click()
    expect(page.get_by_test_id("ci-head")).to_be_visible()
    # a time that is no time: the API's message, once
    page.goto(page.url.split("#")[0] + f"#/ci/{edge_uid}?asOf=yesterday")
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("yesterday")
    shot(page, "ci-page-bad-time")
    page.get_by_role("button", name="Back to now").click()
    expect(page.get_by_test_id("ci-head")).to_be_visible()
    assert "asOf" not in page.url
