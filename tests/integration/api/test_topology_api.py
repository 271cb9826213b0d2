"""`topology` and `siteTopology` over HTTP, on the campus of tests/impact_estates.py
written by the real ingest (a LAG of two links between acc3 and dist1, a link between
the two distribution switches, an endpoint learned from a forwarding table, a site of
racks in a room): neighbours at depth 1 and 2, a LAG as one edge, a link hidden before it
opened, a site with the devices outside it, and bad arguments refused plainly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.impact_estates import T0, T1, campus
from tests.integration.api.cis_data import gql, gql_error

pytestmark = pytest.mark.neo4j

FIELDS = """nodes { uid name className status vendor outside }
  edges { id source target sourcePorts targetPorts lag evidence since } truncated"""
DEVICE = f"""query($ci: String!, $depth: Int!, $asOf: DateTime) {{
  topology(ci: $ci, depth: $depth, asOf: $asOf) {{ {FIELDS} }} }}"""
SITE = f"""query($site: String!, $asOf: DateTime) {{
  siteTopology(site: $site, asOf: $asOf) {{ {FIELDS} }} }}"""


def campus_with_site() -> ChangeSet:
    """The campus, dist1-dist2 wired, pc-1 (an Endpoint) on acc1 by its forwarding table,
    and the site Campus A (code CA): core, dist1, dist2 in a rack of its room, acc1 in the
    room itself."""
    e = campus()
    next(c for c in e.cis if c["key"] == "dist1")["attributes"]["vendor"] = "Huawei"
    e.wire("dist1", "Te9", "dist2", "Te9")
    e.ci("pc-1", "Endpoint", name="pc-1", primary_mac="02:00:00:00:00:99", endpoint_kind="pc")
    e.links.append({"type": "CONNECTED_TO", "source": {"ref": e.ci("pc-1:nic", "Interface",
                    parent="pc-1", name="nic")}, "target": {"ref": e.port("acc1", "Gi40")},
                    "evidence": "fdb"})  # fmt: skip
    e.ci("site", "Location", name="Campus A", code="CA")
    e.ci("room", "Room", parent="site", name="CA room")
    e.ci("rack", "Rack", parent="room", name="CA-R01")
    for dev in ("core", "dist1", "dist2"):
        e.link("LOCATED_IN", dev, "rack")
    e.link("LOCATED_IN", "acc1", "room")
    return e.changeset(T0)


def new_switch(at: datetime) -> ChangeSet:
    """new-sw, wired to acc2's Gi30 at `at` (an observation of its own, no scope)."""
    cis = [
        {"key": "acc2", "class": "NetworkDevice", "attributes": {"serial_number": "SN-acc2"}},
        {"key": "acc2:Gi30", "class": "Interface", "parent": {"ref": "acc2"},
         "attributes": {"name": "Gi30"}},
        {"key": "new", "class": "NetworkDevice", "attributes": {
            "name": "new-sw", "hostname": "new-sw", "serial_number": "SN-new"}},
        {"key": "new:Gi1", "class": "Interface", "parent": {"ref": "new"},
         "attributes": {"name": "Gi1"}},
    ]  # fmt: skip
    links = [{"type": "CONNECTED_TO", "source": {"ref": "acc2:Gi30"},
              "target": {"ref": "new:Gi1"}, "evidence": "cdp"}]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "test", "observed_at": at,
                                     "cis": cis, "links": links})  # fmt: skip


@pytest.fixture
def uids(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config
) -> dict[str, str]:
    """The campus written at T0 and new-sw at T1: uid by key."""
    ingest = Ingestor(graph, schema, dbms_config).ingest
    found = dict(ingest(campus_with_site()).uids)
    found |= {f"new:{k}": v for k, v in ingest(new_switch(T1)).uids.items()}
    return found


def names(answer: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """name -> (class, outside) of every node."""
    return {n["name"]: (n["className"], n["outside"]) for n in answer["nodes"]}


def links(answer: dict[str, Any]) -> set[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """Every edge as (source name, its ports, target name, its ports)."""
    name = {n["uid"]: n["name"] for n in answer["nodes"]}
    return {(name[e["source"]], tuple(e["sourcePorts"]), name[e["target"]], tuple(e["targetPorts"]))
            for e in answer["edges"]}  # fmt: skip


def either_way(a: str, a_ports: str, b: str, b_ports: str) -> set[Any]:
    """A link between two devices equally near (or both inside), as either may source it."""
    return {(a, (a_ports,), b, (b_ports,)), (b, (b_ports,), a, (a_ports,))}


def test_depth_one_the_neighbours_and_the_links_among_them(
    uids: dict[str, str], http: httpx.Client
) -> None:
    answer = gql(http, DEVICE, ci="core", depth=1)["topology"]
    assert names(answer) == {"core": ("NetworkDevice", False), "dist1": ("NetworkDevice", False),
                             "dist2": ("NetworkDevice", False)}  # fmt: skip
    assert answer["nodes"][0]["uid"] == uids["core"]  # the asked device first
    found = links(answer)
    assert {("core", ("Te1",), "dist1", ("Te1",)), ("core", ("Te2",), "dist2", ("Te1",))} < found
    assert len(found) == 3
    assert found & either_way("dist1", "Te9", "dist2", "Te9")  # between the farthest: drawn
    assert {e["evidence"] for e in answer["edges"]} == {"lldp"}
    assert answer["truncated"] is False
    vendor = {n["name"]: n["vendor"] for n in answer["nodes"]}
    assert vendor["dist1"] == "Huawei"


def test_depth_two_reaches_the_neighbours_neighbours_by_uid_too(
    uids: dict[str, str], http: httpx.Client
) -> None:
    one = names(gql(http, DEVICE, ci="acc1", depth=1)["topology"])
    assert set(one) == {"acc1", "dist1", "dist2", "srv-dual", "pc-1"}
    assert one["pc-1"] == ("Endpoint", False)
    two = gql(http, DEVICE, ci=uids["acc1"], depth=2)["topology"]
    assert set(names(two)) == set(one) | {"core", "acc2", "acc3"}  # not acc2's new-sw, esx*
    assert links(two) & either_way("dist1", "Te9", "dist2", "Te9")
    assert ("acc1", ("Gi40",), "pc-1", ("nic",)) in links(two)
    assert ("srv-dual", ("eth1",), "acc2", ("Gi11",)) in links(two)  # nearer end first
    assert len(two["edges"]) == 10  # none to a device 3 links away


def test_a_lag_of_two_links_is_one_edge_with_both_ports(
    uids: dict[str, str], http: httpx.Client
) -> None:
    answer = gql(http, DEVICE, ci="acc3", depth=1)["topology"]
    assert answer["edges"] == [{
        "id": answer["edges"][0]["id"], "source": uids["acc3"], "target": uids["dist1"],
        "sourcePorts": ["Gi1", "Gi2"], "targetPorts": ["Gi3", "Gi4"], "lag": "Po1",
        "evidence": "lldp", "since": T0.isoformat(),
    }]  # fmt: skip
    # the same edge, the same id, read from the other end
    from_dist1 = gql(http, DEVICE, ci="dist1", depth=1)["topology"]
    lag = [e for e in from_dist1["edges"] if e["lag"]]
    assert [(e["id"], e["sourcePorts"], e["targetPorts"]) for e in lag] == [
        (answer["edges"][0]["id"], ["Gi3", "Gi4"], ["Gi1", "Gi2"])
    ]


def test_as_of_before_a_link_opened_it_is_not_there(
    uids: dict[str, str], http: httpx.Client
) -> None:
    now = gql(http, DEVICE, ci="acc2", depth=1)["topology"]
    assert ("acc2", ("Gi30",), "new-sw", ("Gi1",)) in links(now)
    opened = [e for e in now["edges"] if e["target"] == uids["new:new"]]
    assert [(e["evidence"], datetime.fromisoformat(e["since"])) for e in opened] == [("cdp", T1)]
    before = gql(http, DEVICE, ci="acc2", depth=1, asOf=(T1 - timedelta(hours=1)).isoformat())
    assert "new-sw" not in names(before["topology"])
    assert set(names(before["topology"])) == set(names(now)) - {"new-sw"}
    refused = gql_error(http, DEVICE, ci="new-sw", depth=1, asOf=T0.isoformat())
    assert refused == f"ci: 'new-sw' did not exist at {T0.isoformat()}"


def test_a_site_its_devices_links_and_the_devices_outside_it(
    uids: dict[str, str], http: httpx.Client
) -> None:
    answer = gql(http, SITE, site="Campus A")["siteTopology"]
    inside = {"core", "dist1", "dist2", "acc1"}
    outside = {"acc2", "acc3", "srv-dual", "pc-1"}  # dist1's, acc1's far ends
    assert {n for n, (_c, out) in names(answer).items() if not out} == inside
    assert {n for n, (_c, out) in names(answer).items() if out} == outside
    found = links(answer)
    assert found & either_way("dist1", "Te9", "dist2", "Te9")
    assert ("dist1", ("Gi3", "Gi4"), "acc3", ("Gi1", "Gi2")) in found  # inside is the source
    assert ("acc1", ("Gi10",), "srv-dual", ("eth0",)) in found
    assert not any(set(link[::2]) <= outside for link in found)  # no link among the outside
    assert len(answer["edges"]) == 9
    assert gql(http, SITE, site="CA")["siteTopology"] == answer  # by its code
    # before acc1 was located there: at T0 - 1h, nothing was
    empty = gql(http, SITE, site=uids["site"], asOf=(T0 - timedelta(hours=1)).isoformat())
    assert empty["siteTopology"] == {"nodes": [], "edges": [], "truncated": False}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ci": "core", "depth": 5}, "depth must be from 1 to 4, got 5"),
        ({"ci": "core", "depth": 0}, "depth must be from 1 to 4, got 0"),
        ({"ci": "nowhere", "depth": 1}, "ci: no CI with uid or name 'nowhere'"),
        ({"ci": "CA-R01", "depth": 1}, "ci: 'CA-R01' is a Rack, not a device"),
    ],
)
def test_bad_arguments_are_one_plain_error(
    uids: dict[str, str], http: httpx.Client, variables: dict[str, Any], message: str
) -> None:
    assert gql_error(http, DEVICE, **variables) == message


def test_an_unknown_site_is_one_plain_error(uids: dict[str, str], http: httpx.Client) -> None:
    assert gql_error(http, SITE, site="Atlantis") == (
        "site: no Location with uid, name or code 'Atlantis'"
    )
