"""The impact view in a real Chromium on the sample estate written by the real ingest,
compared with what the API answers for the same question: a core switch's DOWN and
DEGRADED counts (picked by the keyboard), a dual-homed server's redundancy lost, the
explaining path highlighted from the table and from the graph, the table exported as CSV
and XLSX with the rows it shows, the picture as PNG and SVG, an unknown CI, Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import openpyxl
import pytest
from playwright.sync_api import Download, Page, expect

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from tests.impact_estates import T0 as CAMPUS_T0
from tests.impact_estates import T1 as CAMPUS_T1
from tests.impact_estates import campus, scaled_fabric
from tests.integration.api.web.browser import shot

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
IMPACT = """query($cis: [String!]!, $mode: ImpactMode!, $asOf: DateTime) {
  impact(cis: $cis, mode: $mode, asOf: $asOf) {
    affected { uid name state paths { uid name } } } }"""


@pytest.fixture
def estate(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> None:
    Ingestor(graph, schema, dbms_config).ingest(sample_estate(T0))


def api_impact(
    http: httpx.Client, cis: list[str], mode: str = "DOWN", as_of: datetime | None = None
) -> list[dict[str, Any]]:
    variables = {"cis": cis, "mode": mode, "asOf": as_of.isoformat() if as_of else None}
    body = http.post("/graphql", json={"query": IMPACT, "variables": variables}).json()
    assert "errors" not in body, body
    affected: list[dict[str, Any]] = body["data"]["impact"]["affected"]
    return affected


def states(affected: list[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(1 for a in affected if a["state"] == s) for s in ("DOWN", "DEGRADED")}


def home(page_as: Callable[..., Page], locale: str = "en-US") -> Page:
    """A reader's page once the home page is drawn (a route asked for before that could be
    drawn over by the home page's late answer)."""
    page = page_as("reader", locale=locale)
    expect(page.get_by_test_id("ci-count")).to_be_visible(timeout=30_000)
    return page


def analysed(page: Page, cis: str, mode: str = "DOWN") -> None:
    """Open the view for `cis` (comma separated) and wait for the graph to be drawn."""
    page.evaluate("(hash) => { window.location.hash = hash; }", f"#/impact?cis={cis}&mode={mode}")
    wait_drawn(page)


def wait_drawn(page: Page) -> None:
    page.wait_for_function("() => window.cmdbImpact?.isReady === true")


def table_rows(page: Page) -> list[list[str]]:
    """The table's cells as the user reads them (the Path buttons' column left out)."""
    rows: list[list[str]] = page.get_by_test_id("impact-table").evaluate(
        """(table) => [...table.querySelectorAll("tbody tr")].map(
             (tr) => [...tr.querySelectorAll("td")].slice(0, -1).map((td) => td.innerText.trim()))"""
    )
    return rows


def table_headings(page: Page) -> list[str]:
    headings: list[str] = page.get_by_test_id("impact-table").locator("thead th").all_inner_texts()
    return [h.strip() for h in headings[:-1]]


def saved(page: Page, button: str) -> tuple[Download, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    download = info.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as file:
        return download, file.read()


def test_core_switch_picked_by_keyboard_counts_like_the_api(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as)
    page.get_by_role("link", name="Impact").click()
    box = page.get_by_label("CI name or uid")
    expect(box).to_be_focused()
    page.keyboard.type("hq-acc-01")
    page.keyboard.press("Enter")
    page.keyboard.type("hq-core-01")
    page.keyboard.press("Enter")
    chips = page.get_by_test_id("impact-chips").locator("li > span")
    expect(chips).to_have_text(["hq-acc-01", "hq-core-01"])
    page.get_by_role("button", name="Remove hq-acc-01").focus()
    page.keyboard.press("Enter")  # removed by the keyboard too
    expect(chips).to_have_text(["hq-core-01"])
    analyse = page.get_by_test_id("impact-analyse")
    for _ in range(10):
        if analyse.evaluate("(button) => button === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(analyse).to_be_focused()
    page.keyboard.press("Enter")
    wait_drawn(page)
    assert "cis=hq-core-01" in page.url
    expected = states(api_impact(http, ["hq-core-01"]))
    assert expected["DOWN"] > 5
    expect(page.get_by_test_id("impact-down")).to_have_text(str(expected["DOWN"]))
    expect(page.get_by_test_id("impact-degraded")).to_have_text(str(expected["DEGRADED"]))
    rows = table_rows(page)
    assert len(rows) == sum(expected.values())
    names = {a["name"] or a["uid"] for a in api_impact(http, ["hq-core-01"])}
    assert {row[0] for row in rows} == names
    assert ["Order to cash", "BusinessService", "DOWN"] == next(
        row[:3] for row in rows if row[0] == "Order to cash"
    )
    drawn = page.evaluate("() => window.cmdbImpact.cy.nodes('.down, .degraded').map(n => n.id())")
    assert set(drawn) == {a["uid"] for a in api_impact(http, ["hq-core-01"])}
    stars = page.evaluate("() => window.cmdbImpact.cy.nodes('.failed').map(n => n.data('label'))")
    assert stars == ["hq-core-01\nDOWN"]  # the failed CI, drawn once
    shot(page, "impact-core")


def test_a_dual_homed_server_shows_degraded(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as)
    analysed(page, "hq-acc-01", mode="MAINTENANCE")
    affected = api_impact(http, ["hq-acc-01"], mode="MAINTENANCE")
    expected = states(affected)
    assert expected["DEGRADED"] >= 3  # the ESXi hosts lost one of their two uplinks
    expect(page.get_by_test_id("impact-degraded")).to_have_text(str(expected["DEGRADED"]))
    expect(page.get_by_test_id("impact-down")).to_have_text(str(expected["DOWN"]))
    shown = {row[0]: row[2] for row in table_rows(page)}
    for a in affected:
        assert shown[a["name"] or a["uid"]] == a["state"]
    assert shown["hq-esx-01"] == "DEGRADED"
    assert page.get_by_label("Mode").input_value() == "MAINTENANCE"
    degraded = page.evaluate(
        "() => window.cmdbImpact.cy.nodes('.degraded').map(n => n.style('shape'))"
    )
    assert degraded and set(degraded) == {"triangle"}  # not colour alone
    shot(page, "impact-degraded")


def test_selecting_a_ci_highlights_its_explaining_path(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as)
    analysed(page, "hq-core-01")
    by_name = {a["name"]: a for a in api_impact(http, ["hq-core-01"])}
    service = by_name["Order to cash"]
    row = page.get_by_test_id("impact-table").locator("tr", has_text="Order to cash")
    row.get_by_role("button", name="Show the path of Order to cash").click()
    expect(row.get_by_role("button", name="Show the path of Order to cash")).to_have_attribute(
        "aria-pressed", "true"
    )
    path_uids = {step["uid"] for path in service["paths"] for step in path}
    highlighted = page.evaluate("() => window.cmdbImpact.highlighted")
    assert highlighted["uid"] == service["uid"]
    assert set(highlighted["nodes"]) == path_uids
    on_path = page.evaluate("() => window.cmdbImpact.cy.nodes('.onpath').map(n => n.id())")
    assert set(on_path) == path_uids
    edges = page.evaluate("() => window.cmdbImpact.cy.edges('.onpath').length")
    assert edges == len(
        {(p[i]["uid"], p[i + 1]["uid"]) for p in service["paths"] for i in range(len(p) - 1)}
    )
    explained = page.get_by_test_id("impact-path")
    expect(explained).to_contain_text("Why Order to cash is DOWN")
    for step in service["paths"][0]:
        expect(explained).to_contain_text(step["name"])
    shot(page, "impact-path")

    # a click on a CI in the graph selects it too
    server = by_name["hq-esx-02"]
    graph = page.get_by_test_id("impact-graph")
    graph.scroll_into_view_if_needed()
    point = page.evaluate(
        """(uid) => new Promise((resolve) => {
             const cy = window.cmdbImpact.cy, node = cy.getElementById(uid);
             cy.zoom(1.5); cy.center(node);  // as a user zooms in to click it
             requestAnimationFrame(() => requestAnimationFrame(() => {
               const box = cy.container().getBoundingClientRect(), at = node.renderedPosition();
               resolve({ x: box.left + at.x, y: box.top + at.y });
             }));
           })""",
        server["uid"],
    )
    page.mouse.click(point["x"], point["y"])
    expect(page.get_by_test_id("impact-graph")).to_have_attribute("data-highlighted", server["uid"])
    expect(explained).to_contain_text("Why hq-esx-02 is DOWN")
    expect(page.get_by_test_id("impact-table").locator("tr.impact-selected")).to_contain_text(
        "hq-esx-02"
    )


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl on any writer's
def test_exports_hold_the_table_and_the_picture(estate: None, page_as: Callable[..., Page]) -> None:
    page = home(page_as)
    analysed(page, "hq-core-01")
    shown = [table_headings(page), *table_rows(page)]

    download, data = saved(page, "CSV")
    assert download.suggested_filename == "impact-hq-core-01.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == shown

    download, data = saved(page, "Excel (XLSX)")
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == shown

    _download, data = saved(page, "Picture (PNG)")
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    _download, data = saved(page, "Picture (SVG)")
    text = data.decode("utf-8")
    assert "<svg" in text and "hq-core-01" in text


def test_an_unknown_ci_is_one_clear_message(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as)
    page.evaluate("() => { window.location.hash = '#/impact?cis=hq-core-01,no-such-box'; }")
    answer = http.post(
        "/graphql",
        json={"query": IMPACT, "variables": {"cis": ["hq-core-01", "no-such-box"], "mode": "DOWN"}},
    ).json()
    message = answer["errors"][0]["message"]
    assert "no-such-box" in message
    expect(page.get_by_role("alert")).to_have_text(message, timeout=30_000)
    expect(page.get_by_test_id("impact-graph")).to_have_count(0)
    expect(page.get_by_test_id("impact-chips").locator("li")).to_have_count(2)  # kept to fix
    page.get_by_role("button", name="Remove no-such-box").click()
    page.get_by_role("button", name="Analyse").click()
    wait_drawn(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Remove hq-core-01").click()
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("alert")).to_have_text("Add at least one CI to analyse.")
    page.evaluate("() => { window.location.hash = '#/impact?cis=hq-core-01&mode=SIDEWAYS'; }")
    expect(page.get_by_role("alert")).to_have_text(
        "The mode SIDEWAYS is not one of DOWN, MAINTENANCE.", timeout=30_000
    )


def test_chinese_headings_on_the_page_and_in_the_csv(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as, locale="zh-CN")
    analysed(page, "hq-acc-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("hq-acc-01 的影响")
    headings = table_headings(page)
    assert headings[:3] == ["配置项", "类别", "状态"]
    expected = states(api_impact(http, ["hq-acc-01"]))
    expect(page.get_by_test_id("impact-degraded")).to_have_text(str(expected["DEGRADED"]))
    assert {row[2] for row in table_rows(page)} <= {"中断", "降级"}
    shot(page, "impact-zh")
    _download, data = saved(page, "CSV")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == headings and "降级" in {row[2] for row in rows[1:]}
    missing = page.evaluate("window.cmdbMissingMessages()")
    assert missing == {"zh": [], "en": []}


def test_suggestions_come_from_search(
    estate: None, http: httpx.Client, page_as: Callable[..., Page]
) -> None:
    page = home(page_as)
    page.evaluate("() => { window.location.hash = '#/impact'; }")
    page.get_by_label("CI name or uid").fill("hq-esx")
    found = http.post(
        "/graphql", json={"query": '{ search(text: "hq-esx", first: 10) { name } }'}
    ).json()["data"]["search"]
    names = sorted(ci["name"] for ci in found)
    assert names == ["hq-esx-01", "hq-esx-02", "hq-esx-03"]
    options = page.locator("#impact-suggestions option")
    expect(options).to_have_count(len(names))
    assert sorted(options.evaluate_all("(all) => all.map((o) => o.value)")) == names


def test_as_of_before_an_uplink_was_removed(
    graph: neo4j.Driver,
    schema: Schema,
    dbms_config: Config,
    http: httpx.Client,
    page_as: Callable[..., Page],
) -> None:
    ingest = Ingestor(graph, schema, dbms_config).ingest
    ingest(campus().changeset(CAMPUS_T0))
    ingest(campus(second_uplink=False).changeset(CAMPUS_T1))
    before = CAMPUS_T0 + (CAMPUS_T1 - CAMPUS_T0) / 2
    then = {a["name"]: a["state"] for a in api_impact(http, ["dist2"], as_of=before)}
    now = {a["name"]: a["state"] for a in api_impact(http, ["dist2"])}
    assert (then["acc1"], now["acc1"]) == ("DEGRADED", "DOWN")  # two uplinks then, one now
    page = home(page_as)
    analysed(page, "dist2")
    assert {row[0]: row[2] for row in table_rows(page)} == now
    page.get_by_label("As of").fill(before.astimezone().strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_function("() => window.cmdbImpact?.isReady && window.cmdbImpact.analysis.asOf")
    assert {row[0]: row[2] for row in table_rows(page)} == then


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_a_big_table_exports_to_xlsx(
    graph: neo4j.Driver, schema: Schema, dbms_config: Config, page_as: Callable[..., Page]
) -> None:
    """A table of hundreds of rows (every leaf of a 200-device fabric down) is exported
    whole: the headings, then every row the page shows."""
    fabric, wired = scaled_fabric(200)
    Ingestor(graph, schema, dbms_config).ingest(fabric.changeset())
    page = home(page_as)
    analysed(page, ",".join(sorted(wired)))
    rows = table_rows(page)
    assert len(rows) >= 400
    _download, data = saved(page, "Excel (XLSX)")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.max_row == len(rows) + 1  # the headings, then every row
