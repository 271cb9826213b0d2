"""The API benchmark's topology (bench/api_topology.py), written through the real ingest
at a small size, has the shape its docstring promises."""

from __future__ import annotations

from collections import Counter

import neo4j
import pytest

from bench.api_topology import Topology, access_name, dist_name, topology_phases
from bench.ingest import T0, reference_set
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j

TOP = Topology(dist_pairs=2, access_per_pair=8, servers=96)

# a device and the devices its ports are CONNECTED_TO (either direction)
PEERS = """
MATCH (d:Device)-[:HAS_INTERFACE]->(:Interface)-[:CONNECTED_TO]-(:Interface)<-[:HAS_INTERFACE]-(p:Device)
RETURN d.hostname AS device, collect(DISTINCT p.hostname) AS peers
"""
LAGS = """
MATCH (d:NetworkDevice)-[:HAS_INTERFACE]->(m:Interface)-[:LAG_MEMBER_OF]->(a:Interface)<-[:HAS_INTERFACE]-(d)
RETURN d.hostname AS device, a.name AS lag, count(m) AS members
"""


@pytest.fixture
def topology(graph: neo4j.Driver, schema: Schema, dbms_config: Config) -> neo4j.Driver:
    ingestor = Ingestor(graph, schema, dbms_config)
    ingestor.ingest(reference_set(T0))
    for phase in topology_phases(TOP, T0):
        for result in ingestor.ingest_many(phase, workers=2):
            assert result.changeset_id is not None
    return graph


def peers(driver: neo4j.Driver) -> dict[str, set[str]]:
    rows, _, _ = driver.execute_query(PEERS)
    return {r["device"]: set(r["peers"]) for r in rows}


def test_devices_by_kind(topology: neo4j.Driver) -> None:
    rows, _, _ = topology.execute_query(
        "MATCH (d:Device) RETURN d._class AS c, d.device_kind AS k, count(*) AS n"
    )
    got = {(r["c"], r["k"]): r["n"] for r in rows}
    assert got == {
        ("NetworkDevice", "core"): 2,
        ("NetworkDevice", "distribution"): 4,
        ("NetworkDevice", "access"): 16,
        ("Server", None): 96,
        ("VirtualMachine", None): 24,
    }
    assert TOP.devices == 2 + 4 + 16 + 96
    assert Topology.scaled(1.0).devices >= 5000


def test_switch_uplinks(topology: neo4j.Driver) -> None:
    links = peers(topology)
    for p in range(2):
        for side in range(2):
            assert {"core0", "core1"} <= links[dist_name(p, side)]
        for j in range(8):
            up = links[access_name(p, j)] & {dist_name(p, 0), dist_name(p, 1)}
            # every fourth access switch is single-homed to switch a
            assert up == ({dist_name(p, 0)} if j % 4 == 3 else {dist_name(p, 0), dist_name(p, 1)})


def test_lags(topology: neo4j.Driver) -> None:
    rows, _, _ = topology.execute_query(LAGS)
    lags = Counter(r["device"][:4] for r in rows)
    assert all(r["members"] == 2 for r in rows)
    # cores: one per distribution switch; a distribution switch: two to the cores and one
    # per LAG access switch (the even ones, all dual-homed: 4 of 8); those access switches
    # one per uplink
    assert lags == {"core": 2 * 4, "dist": 4 * (2 + 4), "acc0": 2 * 4 * 2}


def test_servers_dual_and_single_homed(topology: neo4j.Driver) -> None:
    links = peers(topology)
    homes = Counter(len(links[f"tsrv{n}"]) for n in range(96))
    assert homes == {2: 64, 1: 32}  # two of three dual-homed
    for n in range(96):
        assert all(peer.startswith("acc") for peer in links[f"tsrv{n}"])
    rows, _, _ = topology.execute_query(
        "MATCH (b:BusinessService)-[:DEPENDS_ON]->(a:Application)-[:DEPENDS_ON]->(g:RedundancyGroup)"
        "<-[:MEMBER_OF]-(v:VirtualMachine)-[:HOSTED_ON]->(s:Server) RETURN count(DISTINCT a) AS apps, "
        "count(DISTINCT v) AS vms, count(DISTINCT b) AS services"
    )
    assert (rows[0]["apps"], rows[0]["vms"], rows[0]["services"]) == (8, 24, 1)
