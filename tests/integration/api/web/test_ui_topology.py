"""The topology view in a real Chromium, on graphs written by the real ingest, compared
with what the API answers for the same question: a device's neighbours, a LAG drawn as
one edge with its name, expanding a device by a click and by the keyboard, a view as of
before a link existed, a site with a device outside it, errors, Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import neo4j
import pytest
from playwright.sync_api import Page, expect

from bench.web_topology import WAN_ROUTER, click_node, tree_site, wan_site
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.impact_estates import T0, T1, campus
from tests.integration.api.cis_data import gql
from tests.integration.api.web.browser import shot

pytestmark = pytest.mark.neo4j
Ingest = Callable[[ChangeSet], object]
FIELDS = """nodes { uid name outside } edges { source target sourcePorts targetPorts lag }
  truncated"""
DEVICE = f"""query($ci: String!, $depth: Int!, $asOf: DateTime) {{
  topology(ci: $ci, depth: $depth, asOf: $asOf) {{ {FIELDS} }} }}"""
SITE = f"query($site: String!) {{ siteTopology(site: $site) {{ {FIELDS} }} }}"


@pytest.fixture
def topology_page(page_as: Callable[..., Page]) -> Callable[..., Page]:
    """A signed-in page once its first page (the CI list) is drawn: the router does not
    drop a page whose answer comes after the next route began, so a test that moves on
    sooner can see the list drawn over the topology view."""

    def open_page(locale: str = "en-US") -> Page:
        page = page_as("reader", locale=locale)
        expect(page.get_by_test_id("ci-count")).to_be_visible()
        return page

    return open_page


@pytest.fixture
def ingest(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> Ingest:
    return Ingestor(graph, schema, dbms_config).ingest


def device_topology(http: httpx.Client, ci: str, depth: int = 1, **more: Any) -> dict[str, Any]:
    answer: dict[str, Any] = gql(http, DEVICE, ci=ci, depth=depth, **more)["topology"]
    return answer


def counts(topology: dict[str, Any]) -> str:
    return f"{len(topology['nodes'])} devices · {len(topology['edges'])} links"


def open_view(page: Page, route: str) -> None:
    """Go to `route` (a hash) and wait until the page reports the graph drawn."""
    page.evaluate("(hash) => { window.location.hash = hash; }", route)
    page.wait_for_function(
        "(hash) => window.cmdbTopology?.view === hash && window.cmdbTopology.isReady", arg=route
    )


def redrawn(page: Page) -> None:
    """Wait for the view the route now names to be drawn (after a form's submit)."""
    page.wait_for_function(
        "() => window.cmdbTopology?.view === location.hash && window.cmdbTopology.isReady"
    )


def drawn_names(page: Page) -> set[str]:
    return set(page.evaluate("window.cmdbTopology.cy.nodes().map((n) => n.data('label'))"))


def uid(topology: dict[str, Any], name: str) -> str:
    return next(str(n["uid"]) for n in topology["nodes"] if n["name"] == name)


def test_device_view_draws_the_neighbours_and_one_edge_per_lag(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    ingest(campus().changeset(T0))
    answer = device_topology(http, "dist1")
    names = {n["name"] for n in answer["nodes"]}
    assert names == {"dist1", "core", "acc1", "acc2", "acc3"}
    page = topology_page()
    open_view(page, f"#/topology/{uid(answer, 'dist1')}?depth=1")
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(answer))
    assert drawn_names(page) == names
    # acc3's two member links to dist1: one thick edge, labelled with the LAG's name
    lags = page.evaluate("window.cmdbTopology.cy.edges('.lag').map((e) => e.data('lagLabel'))")
    assert lags == ["Po1"]
    acc3 = uid(answer, "acc3")
    between = page.evaluate(
        "(uid) => window.cmdbTopology.cy.getElementById(uid).connectedEdges().length", acc3
    )
    assert between == 1
    expect(
        page.get_by_role("heading", name="dist1", exact=True)
    ).to_be_visible()  # the centre selected
    page.get_by_text("Devices and links as tables").click()
    links = page.get_by_test_id("topology-links").locator("tbody tr")
    expect(links).to_have_count(len(answer["edges"]))
    lag_row = links.filter(has_text="Po1")
    expect(lag_row).to_have_count(1)
    expect(lag_row).to_contain_text("Gi1, Gi2")  # both members on acc3's end
    shot(page, "topology-device")


def test_a_click_and_the_keyboard_expand_devices(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    ingest(campus().changeset(T0))
    core = device_topology(http, "core")
    page = topology_page()
    open_view(page, f"#/topology/{uid(core, 'core')}")
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(core))
    union = {n["name"] for n in core["nodes"]}
    edges = len(core["edges"])
    click_node(page, uid(core, "dist1"))
    page.wait_for_function("() => window.cmdbTopology.expansions === 1")
    dist1 = device_topology(http, "dist1")
    union |= {n["name"] for n in dist1["nodes"]}
    edges += len(dist1["edges"]) - 1  # the core-dist1 link was drawn already
    assert drawn_names(page) == union
    expect(page.get_by_test_id("topology-counts")).to_have_text(
        f"{len(union)} devices · {edges} links"
    )
    # the union of both answers is what the API gives at depth 2 around core, less
    # dist2's other neighbours: expand dist2 by the keyboard to reach the whole of it
    summary = page.get_by_text("Devices and links as tables")
    summary.focus()
    page.keyboard.press("Enter")
    expand = page.get_by_role("button", name="Expand dist2")
    expand.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => window.cmdbTopology.expansions === 2")
    depth2 = device_topology(http, "core", depth=2)
    assert drawn_names(page) == {n["name"] for n in depth2["nodes"]}
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(depth2))
    expect(page.get_by_role("button", name="Expand dist2")).to_be_disabled()
    shot(page, "topology-expanded")


def test_as_of_before_a_link_existed_hides_it(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    ingest(campus(second_uplink=False).changeset(T0))
    ingest(campus(second_uplink=True).changeset(T1))  # acc1's second uplink, to dist1
    now = device_topology(http, "acc1")
    between = (T0 + (T1 - T0) / 2).isoformat()
    then = device_topology(http, "acc1", asOf=between)
    assert {n["name"] for n in now["nodes"]} == {"acc1", "dist1", "dist2", "srv-dual"}
    assert {n["name"] for n in then["nodes"]} == {"acc1", "dist2", "srv-dual"}
    page = topology_page()
    open_view(page, f"#/topology/{uid(now, 'acc1')}")
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(now))
    local = page.evaluate(
        """(iso) => { const d = new Date(iso), p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00`; }""",
        between,
    )
    page.get_by_label("As of").fill(local)
    page.get_by_role("button", name="Draw").click()
    expect(page).to_have_url(re.compile("asOf="))
    redrawn(page)
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(then))
    assert drawn_names(page) == {"acc1", "dist2", "srv-dual"}
    shot(page, "topology-as-of")


def small_sites(ingest: Ingest) -> None:
    ingest(wan_site(3, T0))
    ingest(tree_site("S1", 14, 0, T0 + timedelta(minutes=1)))
    ingest(tree_site("S2", 8, 1, T0 + timedelta(minutes=2)))


def test_site_view_marks_the_device_outside_it(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    small_sites(ingest)
    answer = gql(http, SITE, site="S1")["siteTopology"]
    outside = {n["name"] for n in answer["nodes"] if n["outside"]}
    assert outside == {WAN_ROUTER} and len(answer["nodes"]) == 15
    page = topology_page()
    page.get_by_role("link", name="Topology").click()
    page.get_by_label("Show").select_option("site")
    page.get_by_label("Device (name or uid) or site").fill("S1")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#/topology/site/S1$"))
    redrawn(page)
    expect(page.get_by_test_id("topology-counts")).to_have_text(counts(answer))
    dashed = page.evaluate("window.cmdbTopology.cy.nodes('.outside').map((n) => n.data('label'))")
    assert dashed == [WAN_ROUTER]
    page.get_by_text("Devices and links as tables").click()
    row = page.get_by_test_id("topology-nodes").locator("tbody tr", has_text=WAN_ROUTER)
    expect(row).to_contain_text("outside the site")
    shot(page, "topology-site")
    # expanding the outside router brings the WAN's branches and the other site's core
    wan = device_topology(http, WAN_ROUTER)
    row.get_by_role("button", name=f"Expand {WAN_ROUTER}").click()
    page.wait_for_function("() => window.cmdbTopology.expansions === 1")
    assert drawn_names(page) == {n["name"] for n in answer["nodes"] + wan["nodes"]}


def test_site_view_in_chinese(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    small_sites(ingest)
    answer = gql(http, SITE, site="S2")["siteTopology"]
    page = topology_page("zh-CN")
    open_view(page, "#/topology/site/S2")
    nodes, edges = len(answer["nodes"]), len(answer["edges"])
    expect(page.get_by_test_id("topology-counts")).to_have_text(f"{nodes} 台设备 · {edges} 条链路")
    expect(page.get_by_role("heading", name="站点 S2 的拓扑")).to_be_visible()
    assert page.evaluate("window.cmdbMissingMessages()") == {"zh": [], "en": []}
    page.get_by_text("以表格列出设备和链路").click()
    shot(page, "topology-site-zh")


def test_unknown_device_and_bad_depth_are_one_clear_message(
    ingest: Ingest, http: httpx.Client, topology_page: Callable[..., Page]
) -> None:
    ingest(campus().changeset(T0))
    response = http.post(
        "/graphql", json={"query": DEVICE, "variables": {"ci": "nope", "depth": 1}}
    )
    refusal = response.json()["errors"][0]["message"]
    page = topology_page()
    page.evaluate("window.location.hash = '#/topology/nope'")
    expect(page.get_by_role("alert")).to_have_text(refusal)
    page.evaluate("window.location.hash = '#/topology/core?depth=9'")
    expect(page.get_by_role("alert")).to_have_text(
        "Depth must be a whole number from 1 to 4, not 9"
    )
    expect(page.get_by_label("Device (name or uid) or site")).to_have_value("core")
    shot(page, "topology-error")
