"""`cis` pages as a client reads them over HTTP, on the sample estate as the real ingest
writes it: every order read in index order (name, uid; each direction; all CIs or a
class) lists each CI once in the order Python sorts the graph's own (name, uid) pairs;
uid pages as of a time; `totalCount` read only when asked for, and the count store's
count less the CIs first seen after now."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from tests.integration.api.cis_data import applications, gql, gql_error, later
from tests.integration.api.test_ci_relations import db_queries

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
FACTS = sample_estate(T0)

PAGE = """query($filter: CIFilter, $first: Int, $after: String, $order: CIOrder, $asOf: DateTime) {
  cis(filter: $filter, first: $first, after: $after, orderBy: $order, asOf: $asOf) {
    pageInfo { hasNextPage endCursor } edges { node { uid name } } } }"""


@pytest.fixture
def estate(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config
) -> Ingestor:
    ingestor = Ingestor(graph, schema, dbms_config)
    ingestor.ingest(FACTS)
    return ingestor


def every_page(http: httpx.Client, **variables: Any) -> list[tuple[str, str]]:
    """(name, uid) of every CI of the list, five a page."""
    seen: list[tuple[str, str]] = []
    after = None
    for _ in range(200):
        data = gql(http, PAGE, first=5, after=after, **variables)["cis"]
        seen += [(e["node"]["name"], e["node"]["uid"]) for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return seen
        after = data["pageInfo"]["endCursor"]
    raise AssertionError("paging did not end")


def stored(graph: neo4j.Driver, label: str) -> list[tuple[str, str]]:
    rows, _, _ = graph.execute_query(f"MATCH (c:{label}) RETURN c.name AS name, c.uid AS uid")
    return [(r["name"], r["uid"]) for r in rows]


@pytest.mark.parametrize("label", ["CI", "Device", "Contract"])
@pytest.mark.parametrize("field", ["NAME", "UID"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_pages_list_every_ci_once_in_order(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver, label: str, field: str,
    direction: str,
) -> None:  # fmt: skip
    cis = stored(graph, label)
    key = (lambda ci: ci) if field == "NAME" else (lambda ci: (ci[1], ci[0]))
    expected = sorted(cis, key=key, reverse=direction == "DESC")
    filter = None if label == "CI" else {"className": label}
    order = {"field": field, "direction": direction}
    if label == "CI":  # port names repeat: ties in name, ordered by uid
        assert len({name for name, _ in cis}) < len(cis)
    assert every_page(http, filter=filter, order=order) == expected


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_pages_of_one_name_list_its_cis_in_uid_order(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver, direction: str
) -> None:
    ports = sorted(ci for ci in stored(graph, "CI") if ci[0] == "vmnic0")
    assert len(ports) > 5  # more than a page: the name's CIs past a cursor
    order = {"field": "NAME", "direction": direction}
    found = every_page(http, filter={"name": "vmnic0"}, order=order)
    assert found == (ports[::-1] if direction == "DESC" else ports)


def test_pages_by_uid_as_of_a_time_list_the_cis_of_then(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver
) -> None:
    then = sorted(uid for _, uid in stored(graph, "CI"))
    estate.ingest(applications(["app-later-1", "app-later-2"], later(T0, 60)))
    order = {"field": "UID", "direction": "ASC"}
    as_of = later(T0, 30).isoformat()
    assert [uid for _, uid in every_page(http, order=order, asOf=as_of)] == then
    contracts = sorted(uid for _, uid in stored(graph, "Contract"))
    filter = {"className": "Contract"}
    found = every_page(http, order=order, asOf=as_of, filter=filter)
    assert [uid for _, uid in found] == contracts
    assert len(every_page(http, order=order)) == len(then) + 2


COUNTED = """query %s { cis(first: 2) { edges { node { uid } } %s } }"""


def test_total_count_is_read_only_when_asked_for(estate: Ingestor, http: httpx.Client) -> None:
    gql(http, "{ modelVersion }")  # the token's first use is noted once, before counting
    asks = {
        "Uncounted": ("", set()),
        "Counted": ("totalCount", {"totalCount"}),
        "CountedTwice": ("a: totalCount b: totalCount", {"a", "b"}),
        "CountedInFragment": ("... on CIConnection { totalCount }", {"totalCount"}),
    }
    queries = {}
    for operation, (selection, fields) in asks.items():
        data = gql(http, COUNTED % (operation, selection))["cis"]
        assert set(data) - {"edges"} == fields
        assert all(data[f] == len(FACTS.cis) for f in fields)
        queries[operation] = db_queries(http, operation)
    assert queries["Counted"] == queries["Uncounted"] + 1
    assert queries["CountedTwice"] == queries["CountedInFragment"] == queries["Counted"]


def test_a_ci_first_seen_after_now_is_neither_listed_nor_counted(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver
) -> None:
    everything = len(stored(graph, "CI"))
    # (within the clock skew ingest allows)
    estate.ingest(applications(["app-tomorrow"], datetime.now(UTC) + timedelta(seconds=240)))
    count = "query($filter: CIFilter) { cis(first: 0, filter: $filter) { totalCount } }"
    assert gql(http, count)["cis"]["totalCount"] == everything
    apps = {"className": "Application"}
    assert (
        gql(http, count, filter=apps)["cis"]["totalCount"] == len(stored(graph, "Application")) - 1
    )
    assert "app-tomorrow" not in {name for name, _ in every_page(http, filter=apps)}
    names = {name for name, _ in every_page(http, order={"field": "UID", "direction": "ASC"})}
    assert len(names) and "app-tomorrow" not in names


def test_a_cursor_whose_uid_is_no_text_is_refused(estate: Ingestor, http: httpx.Client) -> None:
    forged = json.dumps(["cis:name:asc", ["hq-core-01", 7]]).encode()
    cursor = base64.urlsafe_b64encode(forged).decode()
    assert "not a cursor of this list" in gql_error(http, PAGE, after=cursor)


CLEAR = """mutation($uid: String!) {
  updateAttributes(uid: $uid, attributes: {name: null}, reason: "no name") { changeSetId } }"""


def test_a_cis_name_is_never_cleared_so_every_ci_is_in_the_name_order(
    estate: Ingestor, http: httpx.Client, graph: neo4j.Driver
) -> None:
    (name, uid), *_ = sorted(stored(graph, "Server"))
    assert "'name' cannot be cleared" in gql_error(http, CLEAR, uid=uid)
    assert (name, uid) in every_page(http, filter={"className": "Server"})
    assert sorted(every_page(http)) == sorted(stored(graph, "CI"))
