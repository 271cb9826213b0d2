"""Fields on a CI over HTTP, on the sample estate and a discovered fabric written by the
real ingest: interfaces, addresses, neighbours with their devices, software, services,
owner, contracts, the location chain, paged relationships, discovery coverage; and one
Neo4j query per resolver level (as many for 5 CIs as for 500, read from /metrics)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.runs import DiscoveryRun, record_run
from cmdb.schema import Schema
from tests.integration.api.cis_data import RUN, SCOPE, fabric, gql, later, mac

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)


@pytest.fixture
def ingestor(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config
) -> Ingestor:
    return Ingestor(graph, schema, dbms_config)


DEVICE = """query($name: String!) { ci(name: $name) { name
  ... on Device {
    interfaces { name mac addresses { address prefixLength } device { name } }
    addresses { address }
    neighbours { localPort { name } port { name } device { name } evidence }
    installedSoftware { product version }
    services { name port protocol } }
  owner { name className } contracts { name ... on Contract { responseTimeHours serviceHours } }
  location { name className } } }"""


def test_a_devices_ports_addresses_neighbours_software_and_services(
    ingestor: Ingestor, http: httpx.Client
) -> None:
    ingestor.ingest(fabric(3, T0))
    sw1 = gql(http, DEVICE, name="sw0001")["ci"]
    assert [(i["name"], i["mac"]) for i in sw1["interfaces"]] == [
        ("Gi0/0", mac(1, 0)),
        ("Gi0/1", mac(1, 1)),
    ]
    assert [i["device"]["name"] for i in sw1["interfaces"]] == ["sw0001", "sw0001"]
    assert sorted(a["address"] for i in sw1["interfaces"] for a in i["addresses"]) == [
        "10.0.1.1",
        "10.0.1.2",
    ]
    assert sorted(a["address"] for a in sw1["addresses"]) == ["10.0.1.1", "10.0.1.2"]
    assert sorted((n["localPort"]["name"], n["device"]["name"], n["port"]["name"], n["evidence"])
                  for n in sw1["neighbours"]) == [("Gi0/0", "sw0000", "Gi0/1", "lldp"),
                                                  ("Gi0/1", "sw0002", "Gi0/0", "lldp")]  # fmt: skip
    host = gql(http, DEVICE, name="app-host-01")["ci"]
    assert host["installedSoftware"] == [{"product": "openssh-server", "version": "9.2"}]
    assert host["services"] == [{"name": "sshd", "port": 22, "protocol": "tcp"}]
    assert [(n["device"]["name"], n["port"]["name"]) for n in host["neighbours"]] == [
        ("sw0000", "Gi0/0")
    ]


def test_owner_contracts_and_location_chain(ingestor: Ingestor, http: httpx.Client) -> None:
    ingestor.ingest(sample_estate(T0))
    core = gql(http, DEVICE, name="hq-core-01")["ci"]
    assert core["owner"] == {"name": "Network Operations", "className": "Team"}
    assert core["contracts"] == [
        {"name": "Network support 24x7", "responseTimeHours": 4.0, "serviceHours": "24x7"}
    ]
    assert [(c["name"], c["className"]) for c in core["location"]] == [
        ("HQ-R01", "Rack"), ("HQ server room", "Room"), ("Headquarters", "Location")]  # fmt: skip
    # the core switch's ports are wired to the router, both access switches and the firewall
    assert sorted(n["device"]["name"] for n in core["neighbours"]) == [
        "hq-acc-01", "hq-acc-02", "hq-fw-01", "hq-rtr-01"]  # fmt: skip


RELS = """query($name: String!, $first: Int, $after: String, $type: String, $dir: Direction!,
  $since: DateTime, $until: DateTime) { ci(name: $name) {
  relationships(type: $type, direction: $dir, first: $first, after: $after, since: $since, until: $until) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { type direction since until source evidence other { name } } } } } }"""


def test_relationships_by_type_and_direction_paged(ingestor: Ingestor, http: httpx.Client) -> None:
    ingestor.ingest(sample_estate(T0))
    every = gql(http, RELS, name="hq-esx-01", first=100, dir="BOTH")["ci"]["relationships"]
    kinds = sorted((e["node"]["type"], e["node"]["direction"], e["node"]["other"]["name"])
                   for e in every["edges"])  # fmt: skip
    assert kinds == sorted([("COVERED_BY", "OUT", "Server warranty NBD"),
                            ("HAS_INTERFACE", "OUT", "vmnic0"), ("HAS_INTERFACE", "OUT", "vmnic1"),
                            ("LOCATED_IN", "OUT", "HQ-R02"), ("MEMBER_OF", "OUT", "HQ ESXi cluster"),
                            ("OWNED_BY", "OUT", "Server Operations")])  # fmt: skip
    assert all(
        e["node"]["source"] == "sample" and e["node"]["until"] is None for e in every["edges"]
    )
    paged, after = [], None
    while True:
        page = gql(http, RELS, name="hq-esx-01", first=2, after=after, dir="BOTH")["ci"][
            "relationships"
        ]
        paged += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged == [e["node"] for e in every["edges"]]
    cluster = gql(http, RELS, name="HQ ESXi cluster", type="MEMBER_OF", dir="IN")["ci"][
        "relationships"
    ]
    assert sorted(e["node"]["other"]["name"] for e in cluster["edges"]) == [
        "hq-esx-01",
        "hq-esx-02",
        "hq-esx-03",
    ]
    assert (
        gql(http, RELS, name="HQ ESXi cluster", type="MEMBER_OF", dir="OUT")["ci"]["relationships"][
            "totalCount"
        ]
        == 0
    )
    # a window before the estate existed holds none of its links
    before = gql(http, RELS, name="hq-esx-01", dir="BOTH", since=later(T0, -90).isoformat(),
                 until=later(T0, -60).isoformat())["ci"]["relationships"]  # fmt: skip
    assert before["totalCount"] == 0


def test_discovery_coverage(ingestor: Ingestor, http: httpx.Client, graph: neo4j.Driver) -> None:
    ingestor.ingest(fabric(2, T0))
    ingestor.ingest(fabric(2, later(T0, 60), run="run-fabric-2"))
    target = SCOPE.split(":", 1)[1]
    runs = [(RUN, T0, "answered"), ("run-fabric-2", later(T0, 60), "answered"),
            ("run-fabric-3", later(T0, 120), "failed")]  # fmt: skip
    for run, at, status in runs:
        coverage = {
            target: {"snmp": {"status": status}},
            "127.0.0.99": {"snmp": {"status": "answered"}},
        }
        record_run(
            graph, DiscoveryRun(run, "fabric", at, at + timedelta(minutes=1), 2, 1, 1, coverage)
        )
    # a run of other targets only is none of this CI's
    record_run(graph, DiscoveryRun("run-other", "other", T0, T0, 1, 1, 0, {"127.0.0.99": {}}))
    q = """{ ci(name: "sw0001") { discoveryCoverage { scope lastSeen
      sources { source lastSeen } runs { id job runStatus targetStatus sawIt } } } }"""
    cov = gql(http, q)["ci"]["discoveryCoverage"]
    assert cov["scope"] == SCOPE
    assert datetime.fromisoformat(cov["lastSeen"]) == later(T0, 60)
    assert [(s["source"], datetime.fromisoformat(s["lastSeen"])) for s in cov["sources"]] == [
        ("snmp", later(T0, 60))
    ]
    assert [(r["id"], r["targetStatus"], r["sawIt"]) for r in cov["runs"]] == [
        ("run-fabric-3", "failed", False), ("run-fabric-2", "answered", True),
        (RUN, "answered", True)]  # fmt: skip
    assert {(r["job"], r["runStatus"]) for r in cov["runs"]} == {("fabric", "completed")}


NESTED = """query %s($n: Int) { cis(first: $n, filter: {className: "NetworkDevice"}) {
  edges { node { name ... on Device { interfaces { name addresses { address }
    neighbours { port { name } device { name } } } } } } } }"""


def db_queries(http: httpx.Client, operation: str) -> float:
    text = http.get("/metrics").text
    found = re.search(
        rf'^cmdb_api_db_queries_total\{{operation="{operation}"\}} (\S+)$', text, re.M
    )
    return float(found.group(1)) if found else 0.0


def test_one_query_per_level_whatever_the_number_of_cis(
    ingestor: Ingestor, http: httpx.Client
) -> None:
    ingestor.ingest(fabric(500, T0))
    gql(http, "{ modelVersion }")  # the token's first use is noted once, before counting
    counts = {}
    for n in (5, 500):
        operation = f"Nested{n}"
        data = gql(http, NESTED % operation, n=n)["cis"]["edges"]
        assert len(data) == n
        assert all(len(e["node"]["interfaces"]) == 2 for e in data)
        assert sum(len(i["neighbours"]) for e in data for i in e["node"]["interfaces"]) >= 2 * n - 2
        counts[n] = db_queries(http, operation)
    # the page (no count: not asked for), then interfaces, addresses, links, far devices:
    # one each
    assert counts[5] == counts[500]
    assert 5 <= counts[5] <= 7  # (and the token's lookup)


def readme_query() -> str:
    """The example of the README's section on querying the graph."""
    text = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## GraphQL API: querying the graph") :]
    return section[
        section.index("```graphql\n") + 11 : section.index("```\n", section.index("```graphql"))
    ]


def test_the_readme_example_answers(ingestor: Ingestor, http: httpx.Client) -> None:
    ingestor.ingest(sample_estate(T0))
    data = gql(http, readme_query())
    core = data["ci"]
    assert core["name"] == "hq-core-01" and core["owner"] == {"name": "Network Operations"}
    assert {(n["device"]["name"], n["port"]["name"]) for n in core["neighbours"]} >= {
        ("hq-rtr-01", "xe-0/0/0")
    }
    assert [c["name"] for c in core["location"]] == ["HQ-R01", "HQ server room", "Headquarters"]
    servers = data["cis"]
    assert servers["totalCount"] == 3 and servers["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["name"] for e in servers["edges"]] == ["hq-esx-01", "hq-esx-02"]
