"""Root CI queries over HTTP on the sample estate as the real ingest writes it: `ci` by
uid and name, `cis` filters (each checked against the estate's own facts), Relay paging
that neither skips nor repeats a CI while others are inserted between page reads,
`search`, and `asOf` answers read as the graph was then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.integration.api.cis_data import applications, fabric, gql, gql_error, later

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
FACTS = sample_estate(T0)


@pytest.fixture
def estate(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config
) -> Ingestor:
    ingestor = Ingestor(graph, schema, dbms_config)
    ingestor.ingest(sample_estate(T0))
    return ingestor


def names_of(schema: Schema, ancestor: str) -> set[str]:
    """The names the estate's facts give CIs of `ancestor` or its subclasses."""
    return {str(c.attributes["name"]) for c in FACTS.cis
            if schema.is_a(c.class_, ancestor) and "name" in c.attributes}  # fmt: skip


def by_key() -> dict[str, Any]:
    return {str(c.key): c for c in FACTS.cis}


def names_where(**links: str) -> set[str]:
    """Names of the CIs the facts link: type=target key (e.g. OWNED_BY='team-net')."""
    cis = by_key()
    (kind, target), = links.items()  # fmt: skip
    return {str(cis[str(link.source.ref)].attributes["name"]) for link in FACTS.links
            if link.type == kind and link.target.ref == target}  # fmt: skip


def located_in(site_key: str) -> set[str]:
    """Names of the CIs whose LOCATED_IN chain (links and parents) reaches the site."""
    cis = by_key()
    up = {
        str(link.source.ref): str(link.target.ref)
        for link in FACTS.links
        if link.type == "LOCATED_IN"
    }
    up |= {
        str(c.key): str(c.parent.ref)
        for c in FACTS.cis
        if c.parent and c.class_ in ("Room", "Rack")
    }
    found = set()
    for key in up:
        here = key
        while here in up:
            here = up[here]
            if here == site_key:
                found.add(str(cis[key].attributes["name"]))
    return found


CIS = """query($filter: CIFilter, $first: Int, $after: String, $order: CIOrder, $asOf: DateTime) {
  cis(filter: $filter, first: $first, after: $after, orderBy: $order, asOf: $asOf) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { uid name className status } } } }"""


def cis_names(http: httpx.Client, **filter: Any) -> set[str]:
    data = gql(http, CIS, filter=filter, first=500)["cis"]
    names = {e["node"]["name"] for e in data["edges"]}
    assert data["totalCount"] == len(data["edges"]) == len(names)
    return names


def test_ci_by_uid_and_by_name(estate: Ingestor, http: httpx.Client) -> None:
    q = "query($uid: String, $name: String) { ci(uid: $uid, name: $name) { uid name className status } }"
    by_name = gql(http, q, name="hq-core-01")["ci"]
    assert by_name["className"] == "NetworkDevice" and by_name["status"] == "active"
    assert gql(http, q, uid=by_name["uid"])["ci"] == by_name
    assert gql(http, q, name="no such CI")["ci"] is None
    assert gql(http, q, uid="no-such-uid")["ci"] is None
    # port names repeat on every switch: a name is no identity
    assert "CIs are named so" in gql_error(http, q, name="Gi1/1/1")
    assert "exactly one of uid and name" in gql_error(http, q)


def test_filter_by_class_includes_subclasses(
    estate: Ingestor, http: httpx.Client, schema: Schema
) -> None:
    assert cis_names(http, className="Device") == names_of(schema, "Device")
    assert cis_names(http, className="Server") == names_of(schema, "Server")
    everything = gql(http, CIS, first=1)["cis"]["totalCount"]
    assert everything == len(FACTS.cis)


def test_filter_by_name_status_and_attributes(
    estate: Ingestor, http: httpx.Client, schema: Schema
) -> None:
    devices = names_of(schema, "Device")
    assert cis_names(http, name="hq-core-01") == {"hq-core-01"}
    assert cis_names(http, nameContains="CORE") == {n for n in devices if "core" in n}
    assert cis_names(http, nameRegex="(hq|dc2)-esx-0[12]") == {
        "hq-esx-01",
        "hq-esx-02",
        "dc2-esx-01",
        "dc2-esx-02",
    }
    assert cis_names(http, status=["retired"]) == set()
    active = gql(http, CIS, filter={"status": ["active", "planned"]}, first=1)["cis"]
    assert active["totalCount"] == len(FACTS.cis)
    facts = [c for c in FACTS.cis if schema.is_a(c.class_, "Device")]
    dell = {str(c.attributes["name"]) for c in FACTS.cis if c.attributes.get("vendor") == "Dell"}
    assert cis_names(http, attributes=[{"name": "vendor", "eq": "Dell"}]) == dell
    assert cis_names(http, attributes=[{"name": "vendor", "in": ["Dell", "Juniper"]}]) == {
        str(c.attributes["name"])
        for c in FACTS.cis
        if c.attributes.get("vendor") in ("Dell", "Juniper")
    }
    big = {
        str(c.attributes["name"]) for c in facts if int(str(c.attributes.get("cpu_count", 0))) >= 16
    }
    assert cis_names(http, attributes=[{"name": "cpuCount", "min": "16"}]) == big
    assert cis_names(http, className="Device", attributes=[{"name": "cpu_count", "exists": False}]) == {
        str(c.attributes["name"]) for c in facts if "cpu_count" not in c.attributes}  # fmt: skip
    contracts = {str(c.attributes["name"]) for c in FACTS.cis if c.class_ == "Contract"
                 and str(c.attributes["end_date"]) >= "2027-01-01"}  # fmt: skip
    assert cis_names(http, attributes=[{"name": "end_date", "min": "2027-01-01"}]) == contracts


def test_filter_by_location_owner_source_and_last_seen(
    estate: Ingestor, http: httpx.Client
) -> None:
    assert cis_names(http, location="HQ") == located_in("site-HQ")
    assert cis_names(http, location="Second data centre") == located_in("site-DC2")
    assert cis_names(http, owner="Network Operations") == names_where(OWNED_BY="team-net")
    assert gql(http, CIS, filter={"source": "sample"})["cis"]["totalCount"] == len(FACTS.cis)
    assert cis_names(http, source="snmp") == set()
    assert cis_names(http, lastSeenBefore=later(T0, -1).isoformat()) == set()
    seen_after = {"lastSeenAfter": later(T0, -1).isoformat()}
    assert gql(http, CIS, filter=seen_after)["cis"]["totalCount"] == len(FACTS.cis)


def test_bad_filters_are_one_clear_error_each(estate: Ingestor, http: httpx.Client) -> None:
    cases = {
        "no class 'Toaster'": {"className": "Toaster"},
        "'bogus' is none of": {"status": ["bogus"]},
        "'colour' is no attribute": {"attributes": [{"name": "colour", "eq": "red"}]},
        "'many' is not a integer": {"attributes": [{"name": "cpu_count", "eq": "many"}]},
        "exactly one of eq, in": {"attributes": [{"name": "vendor", "eq": "a", "exists": True}]},
        "nameRegex: not a regular expression": {"nameRegex": "(unclosed"},
        "several types": {"attributes": [{"name": "version", "eq": "1"}]},
    }
    for expected, filter in cases.items():
        assert expected in gql_error(http, CIS, filter=filter), filter
    assert "page-size cap" in gql_error(http, CIS, first=10**6)
    assert "not a cursor of this list" in gql_error(http, CIS, after="bm90IGEgY3Vyc29y")


def page_through(http: httpx.Client, ingestor: Ingestor, order: dict[str, str]) -> list[str]:
    """Every uid, three per page, inserting CIs that sort before and after between reads."""
    seen: list[str] = []
    after = None
    for page in range(100):
        data = gql(http, CIS, first=3, after=after, order=order)["cis"]
        seen += [e["node"]["uid"] for e in data["edges"]]
        ingestor.ingest(applications([f"AAA-{order['field']}-{page}", f"zzz-{order['field']}-{page}"],
                                     datetime.now(UTC)))  # fmt: skip
        if not data["pageInfo"]["hasNextPage"]:
            return seen
        assert data["pageInfo"]["hasPreviousPage"] == (after is not None)
        after = data["pageInfo"]["endCursor"]
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("order", [{"field": "NAME", "direction": "ASC"},
                                   {"field": "NAME", "direction": "DESC"},
                                   {"field": "UID", "direction": "ASC"},
                                   {"field": "LAST_SEEN", "direction": "DESC"}])  # fmt: skip
def test_paging_neither_skips_nor_repeats_under_concurrent_inserts(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver, order: dict[str, str]
) -> None:
    before, _, _ = graph.execute_query("MATCH (c:CI) RETURN c.uid AS uid")
    seen = page_through(http, estate, order)
    assert len(seen) == len(set(seen))  # nothing twice
    assert {r["uid"] for r in before} <= set(seen)  # nothing that was there skipped


def test_search_names_serials_macs_and_addresses(estate: Ingestor, http: httpx.Client) -> None:
    estate.ingest(fabric(3, later(T0, 5)))
    q = "query($text: String!, $asOf: DateTime) { search(text: $text, asOf: $asOf) { name className } }"

    def found(text: str, as_of: str | None = None) -> set[tuple[str, str]]:
        return {(c["name"], c["className"]) for c in gql(http, q, text=text, asOf=as_of)["search"]}

    assert ("hq-core-01", "NetworkDevice") in found("hq-core-01")
    assert found("FDOHQ0001") == {("hq-core-01", "NetworkDevice")}  # a serial
    assert {k for _, k in found("192.0.2.10")} == {"IPAddress"}  # an address
    assert {k for _, k in found("10.0.1")} == {"IPAddress"}  # an address by its start
    assert "Interface" in {k for _, k in found("02:aa:bb:cc:dd:01")}  # a MAC
    assert found("nothing-like-this") == set()
    # as of before the fabric was discovered, its switches are not found
    assert found("sw0001") and found("sw0001", later(T0, 1).isoformat()) == set()
    assert "give something to search for" in gql_error(http, q, text="   ")


def test_as_of_reads_the_whole_answer_as_the_graph_was(
    estate: Ingestor, http: httpx.Client
) -> None:
    t1 = later(T0, 60)
    estate.ingest(ChangeSet.model_validate({
        "source": "sample", "actor": "test", "observed_at": t1, "cis": [
            {"key": "s", "class": "Server", "attributes": {"serial_number": "DELLHQ0001", "os_version": "8.0.3"}},
            {"key": "c", "class": "Contract", "attributes": {"contract_number": "NS-2026-001"}}],
        "links": [{"type": "COVERED_BY", "source": {"ref": "s"}, "target": {"ref": "c"}}]}))  # fmt: skip
    q = """query($asOf: DateTime) { ci(name: "hq-esx-01", asOf: $asOf) {
      asOf ... on Server { osVersion }
      contracts { name ... on Contract { responseTimeHours } }
      relationships(type: "COVERED_BY") { totalCount edges { node { since other { name } } } } } }"""
    then = gql(http, q, asOf=later(T0, 30).isoformat())["ci"]
    now = gql(http, q)["ci"]
    assert then["osVersion"] == "8.0.2" and now["osVersion"] == "8.0.3"
    assert [c["name"] for c in then["contracts"]] == ["Server warranty NBD"]
    assert sorted(c["name"] for c in now["contracts"]) == [
        "Network support 24x7",
        "Server warranty NBD",
    ]
    assert then["relationships"]["totalCount"] == 1 and now["relationships"]["totalCount"] == 2
    assert now["asOf"] is None and then["asOf"] is not None
    # cis as of then: the filter reads the state of then
    old = gql(http, CIS, filter={"attributes": [{"name": "os_version", "eq": "8.0.2"}], "className": "Server"},
              asOf=later(T0, 30).isoformat())["cis"]  # fmt: skip
    assert "hq-esx-01" in {e["node"]["name"] for e in old["edges"]}
    assert gql(http, CIS, asOf=later(T0, -60).isoformat())["cis"]["totalCount"] == 0
