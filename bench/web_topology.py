"""Web UI topology benchmark: the topology view in Debian's Chromium (Playwright, as the
browser tests drive it), a site of 200 devices and one of 2,000 measured side by side in
one run, the ratio printed beside both figures (the house rule).

The graph, written through the real ingest into a DBMS of its own:
- a WAN site: router wan-01 and `branches` branch routers, each wired to it;
- sites SMALL (200 devices) and BIG (2,000): a tree of switches (fan-out 6) under a
  core, each uplinked to its parent by a cable between named interfaces, every fifth
  over a LAG of two members (Po1 on the child, Po<n> on the parent); the core is wired
  to wan-01, which is therefore drawn in each site's view as a device outside it.

Measured in the browser (performance.now() in the page):
- first render: from setting the site view's route until the page reports the graph
  laid out and drawn (window.cmdbTopology.readyAt);
- expand: from the mouse click on wan-01 until its neighbours (the branch routers and
  the other site's core: the same ~branches+1 new devices at either size) are merged in
  and drawn (window.cmdbTopology.expandedAt);
- still interactive at 2,000 (and 200): a mouse-wheel zoom until cytoscape has drawn the
  new zoom, and a click on a device until it is selected and its details are shown.

Usage (from the project root): .venv/bin/python -m bench.web_topology [--samples 5]
  [--small 200] [--big 2000] [--ui-dir DIR] (DIR: a build of web/, default api/static/ui
  or CMDB_UI_DIR)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.api import Server
from bench.api_server import bench_config
from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import load_schema
from cmdb.tokens import create_token
from tests.integration.api.web.browser import CHROMIUM, FLAGS, sign_in

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
FANOUT = 6
LAG_EVERY = 5  # every fifth uplink is a LAG of two members
PER_RACK = 40
WAN_ROUTER = "wan-01"
Obj = dict[str, Any]


def _dev_ref(name: str) -> Obj:
    return {"class": "NetworkDevice", "identifiers": {"serial_number": f"SN-{name}"}}


class SiteBuilder:
    """The CIs and links of one site: its Location, Room, racks and devices."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.cis: list[Obj] = [
            {"key": "site", "class": "Location", "attributes": {"name": code, "code": code}},
            {"key": "room", "class": "Room", "parent": {"ref": "site"},
             "attributes": {"name": f"{code} room", "floor": "0"}},
        ]  # fmt: skip
        self.links: list[Obj] = []
        self.keys: set[str] = set()
        self.devices = 0

    def device(self, name: str, kind: str = "switch") -> str:
        rack = f"rack{self.devices // PER_RACK}"
        if self.devices % PER_RACK == 0:
            self.cis.append({"key": rack, "class": "Rack", "parent": {"ref": "room"},
                             "attributes": {"name": f"{self.code}-{rack}", "units": 42}})  # fmt: skip
        self.devices += 1
        self.cis.append({"key": name, "class": "NetworkDevice", "attributes": {
            "name": name, "hostname": name, "serial_number": f"SN-{name}", "vendor": "Acme",
            "model": f"AX-{kind}", "device_kind": kind}})  # fmt: skip
        self.links.append({"type": "LOCATED_IN", "source": {"ref": name}, "target": {"ref": rack}})
        return name

    def port(self, device: str, port: str) -> str:
        key = f"{device}:{port}"
        if key not in self.keys:
            self.keys.add(key)
            self.cis.append({"key": key, "class": "Interface", "parent": {"ref": device},
                             "attributes": {"name": port, "oper_status": "up"}})  # fmt: skip
        return key

    def cable(self, a: Obj, b: Obj) -> None:
        self.links.append({"type": "CONNECTED_TO", "source": a, "target": b, "evidence": "lldp"})

    def lag(self, member: str, aggregate: str) -> None:
        self.links.append({"type": "LAG_MEMBER_OF", "source": {"ref": member},
                           "target": {"ref": aggregate}, "evidence": "snmp",
                           "attributes": {"protocol": "lacp", "active": True}})  # fmt: skip

    def changeset(self, at: datetime) -> ChangeSet:
        return ChangeSet.model_validate({"source": "snmp", "actor": "bench", "observed_at": at,
                                         "cis": self.cis, "links": self.links})  # fmt: skip


def wan_site(branches: int, at: datetime, site_ports: int = 2) -> ChangeSet:
    """Site WAN: wan-01 and its branch routers, each on a port of its own; its ports
    ge-0/0/0.. for the sites' cores (tree_site's `wan_port`)."""
    b = SiteBuilder("WAN")
    b.device(WAN_ROUTER, "router")
    for n in range(site_ports):
        b.port(WAN_ROUTER, f"ge-0/0/{n}")
    for n in range(branches):
        branch = b.device(f"branch-{n:02}", "router")
        b.cable({"ref": b.port(branch, "ge-0/0/0")}, {"ref": b.port(WAN_ROUTER, f"ge-0/1/{n}")})
    return b.changeset(at)


def tree_site(code: str, devices: int, wan_port: int, at: datetime) -> ChangeSet:
    """Site `code`: a tree of `devices` switches under its core, the core wired to wan-01
    (its port ge-0/0/`wan_port`, which wan_site must have ingested first)."""
    b = SiteBuilder(code)
    name = [f"{code.lower()}-sw-{i:04}" for i in range(devices)]
    b.device(name[0], "core")
    core_port = {"class": "Interface", "identifiers": {"name": f"ge-0/0/{wan_port}"},
                 "parent": _dev_ref(WAN_ROUTER)}  # fmt: skip
    b.cable({"ref": b.port(name[0], "xe-0/0/0")}, core_port)
    next_port = [1] * devices
    for i in range(1, devices):
        child, parent = b.device(name[i]), name[(i - 1) // FANOUT]
        first = next_port[(i - 1) // FANOUT]
        if i % LAG_EVERY == 0:  # two cables bundled on both sides
            next_port[(i - 1) // FANOUT] += 2
            for m in (0, 1):
                mine = b.port(child, f"TenGigabitEthernet0/{m + 1}")
                theirs = b.port(parent, f"GigabitEthernet1/0/{first + m}")
                b.cable({"ref": mine}, {"ref": theirs})
                b.lag(mine, b.port(child, "Port-channel1"))
                b.lag(theirs, b.port(parent, f"Port-channel{first}"))
        else:
            next_port[(i - 1) // FANOUT] += 1
            b.cable({"ref": b.port(child, "TenGigabitEthernet0/1")},
                    {"ref": b.port(parent, f"GigabitEthernet1/0/{first}")})  # fmt: skip
    return b.changeset(at)


def build(driver: Any, config: Config, small: int, big: int, branches: int) -> None:
    ingestor = Ingestor(driver, load_schema(), config)
    for label, changeset in (
        ("WAN", wan_site(branches, T0)),
        ("SMALL", tree_site("SMALL", small, 0, T0 + timedelta(minutes=1))),
        ("BIG", tree_site("BIG", big, 1, T0 + timedelta(minutes=2))),
    ):
        began = time.perf_counter()
        ingestor.ingest(changeset)
        print(f"  site {label}: {len(changeset.cis):,} CIs, {len(changeset.links):,} links "
              f"ingested in {time.perf_counter() - began:.1f} s", flush=True)  # fmt: skip


# --- measured in the page --------------------------------------------------------------

OPEN_VIEW = """async (hash) => {
  window.location.hash = '#/topology';
  while (!(window.cmdbTopology && window.cmdbTopology.view === '#/topology')) await new Promise(r => setTimeout(r, 5));
  const t0 = performance.now();
  window.location.hash = hash;
  while (!(window.cmdbTopology && window.cmdbTopology.view === hash && window.cmdbTopology.readyAt)) {
    if (window.cmdbTopology && window.cmdbTopology.failed) throw new Error(window.cmdbTopology.failed);
    await new Promise(r => requestAnimationFrame(r));
  }
  return [window.cmdbTopology.answeredAt - t0, window.cmdbTopology.readyAt - t0];
}"""

ARM_CLICK = """() => {
  window.__clickedAt = null;
  document.addEventListener('mousedown', () => { window.__clickedAt = performance.now(); }, {capture: true, once: true});
}"""

CENTRE_ON = """(uid) => {
  const cy = window.cmdbTopology.cy, node = cy.getElementById(uid);
  cy.zoom(1); cy.center(node);
  const box = cy.container().getBoundingClientRect(), at = node.renderedPosition();
  return {x: box.left + at.x, y: box.top + at.y};
}"""

ARM_WHEEL = """() => {
  const cy = window.cmdbTopology.cy;
  let t0 = null;
  window.__zoomMs = null;
  cy.container().addEventListener('wheel', () => { t0 = performance.now(); }, {capture: true, once: true});
  cy.one('zoom', () => cy.one('render', () => { window.__zoomMs = performance.now() - t0; }));
}"""


def uid_of(page: Page, name: str) -> str:
    uid: str = page.evaluate(
        "(name) => window.cmdbTopology.nodes().find((n) => n.name === name).uid", name
    )
    return uid


def click_node(page: Page, uid: str) -> None:
    at = page.evaluate(CENTRE_ON, uid)
    page.wait_for_timeout(50)  # the re-centred frame drawn before the click
    page.evaluate(ARM_CLICK)
    page.mouse.click(at["x"], at["y"])


def sample_site(page: Page, code: str, branches: int) -> dict[str, float]:
    """One sample of each measurement on site `code`'s view."""
    answered, drawn = page.evaluate(OPEN_VIEW, f"#/topology/site/{code}")
    figures = {"answer": float(answered), "render": float(drawn)}
    wan = uid_of(page, WAN_ROUTER)
    before = len(page.evaluate("window.cmdbTopology.nodes()"))
    click_node(page, wan)
    page.wait_for_function("() => window.cmdbTopology.expansions === 1", timeout=120_000)
    figures["expand"] = float(page.evaluate("window.cmdbTopology.expandedAt - window.__clickedAt"))
    added = len(page.evaluate("window.cmdbTopology.nodes()")) - before
    assert added == branches + 1, f"expanding wan-01 added {added} devices, not {branches + 1}"
    box = page.evaluate("window.cmdbTopology.cy.container().getBoundingClientRect().toJSON()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.evaluate(ARM_WHEEL)
    page.mouse.wheel(0, -240)
    page.wait_for_function("() => window.__zoomMs !== null")
    figures["zoom"] = float(page.evaluate("window.__zoomMs"))
    core = uid_of(page, f"{code.lower()}-sw-0000")
    click_node(page, core)
    page.wait_for_function("(uid) => window.cmdbTopology.shown === uid", arg=core)
    figures["select"] = float(page.evaluate("window.cmdbTopology.shownAt - window.__clickedAt"))
    page.wait_for_function("() => window.cmdbTopology.expansions === 2")  # the click expands it too
    return figures


def measure(page: Page, samples: int, branches: int) -> dict[str, dict[str, list[float]]]:
    got: dict[str, dict[str, list[float]]] = {"SMALL": {}, "BIG": {}}
    sample_site(page, "SMALL", branches)  # warm: the code loaded, the server's caches
    sample_site(page, "BIG", branches)
    for n in range(samples):
        for code in ("SMALL", "BIG") if n % 2 == 0 else ("BIG", "SMALL"):  # interleaved
            for what, ms in sample_site(page, code, branches).items():
                got[code].setdefault(what, []).append(ms)
        print(f"  sample {n + 1}/{samples} done", flush=True)
    return got


def report(got: dict[str, dict[str, list[float]]], small: int, big: int) -> None:
    print(f"\n{'median of samples, ms':<44}{small:>9,}{big:>9,}   ratio")
    names = {
        "render": "first render (route set -> graph drawn)",
        "answer": "  of which the API's answer (route -> read)",
        "expand": "expand wan-01 (click -> merged and drawn)",
        "zoom": "wheel zoom (wheel -> new zoom drawn)",
        "select": "select a device (click -> details shown)",
    }
    for what, label in names.items():
        a, b = statistics.median(got["SMALL"][what]), statistics.median(got["BIG"][what])
        print(f"{label:<44}{a:>9.0f}{b:>9.0f}  {b / a:>5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=200, help="devices of the small site")
    parser.add_argument("--big", type=int, default=2000, help="devices of the big site")
    parser.add_argument("--branches", type=int, default=20, help="wan-01's branch routers")
    parser.add_argument("--samples", type=int, default=5, help="per site, interleaved")
    parser.add_argument("--ui-dir", default=os.environ.get("CMDB_UI_DIR"), help="a build of web/")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()
    if args.ui_dir:
        os.environ["CMDB_UI_DIR"] = args.ui_dir  # the server process inherits it
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # tear down as on Ctrl-C
    tmp = Path(tempfile.mkdtemp(prefix="cmdb-bench-web-"))
    config = bench_config(tmp, dbms.free_port())
    dbms.up(config)
    server: Server | None = None
    try:
        with connect(config) as driver:
            migrations.apply(driver, load_schema())
            build(driver, config, args.small, args.big, args.branches)
            secret, _ = create_token(driver, "bench-web", "reader", None)
        server = Server(config)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(120_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, server.url, secret)
            page.get_by_test_id("ci-count").wait_for()  # the first page drawn, not pending
            got = measure(page, args.samples, args.branches)
            browser.close()
            if errors:
                raise RuntimeError(f"the page's scripts failed: {errors}")
        print(f"Chromium {CHROMIUM}, viewport 1400x900, {args.samples} samples per site")
        report(got, args.small, args.big)
    finally:
        if server is not None:
            server.stop()
        dbms.down(config)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
