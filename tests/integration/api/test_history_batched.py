"""A CI's `history` field over HTTP for a whole page of CIs: each CI gets its own events
(its creation, its interface's link, its own change), and the page costs as many Neo4j
queries for 50 CIs as for 5 (one DataLoader per request, read from /metrics)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from tests.integration.api.history_data import T0, T1, data, observation, server
from tests.integration.api.test_ci_relations import db_queries

pytestmark = pytest.mark.neo4j

PAGE = """query %s($n: Int!) { cis(first: $n, filter: {className: "Server"}) {
  edges { node { name history(first: 5) { totalCount
    events { kind attribute before after changeSet { reason } } } } } } }"""


def servers(n: int, at: Any, cpus: int, **extra: Any) -> Any:
    """`n` servers srv00.. with `cpus` + i CPUs, each with an interface."""
    cis: list[dict[str, Any]] = []
    for i in range(n):
        key = f"s{i}"
        cis.append(server(key, serial_number=f"SN-{i:03}", name=f"srv{i:02}",
                          hostname=f"srv{i:02}", cpu_count=cpus + i))  # fmt: skip
        cis.append({"key": f"{key}:eth0", "class": "Interface", "parent": {"ref": key},
                    "attributes": {"name": "eth0", "mac": f"02:00:00:00:01:{i:02x}"}})  # fmt: skip
    return observation(at, cis, **extra)


def ingest_servers(
    graph: neo4j.Driver, schema: Schema, config: Config, n: int, changed: int
) -> None:
    """`n` servers at T0, the first `changed` of them with 100 CPUs more at T1."""
    ingestor = Ingestor(graph, schema, config)
    ingestor.ingest(servers(n, T0, cpus=1))
    ingestor.ingest(servers(changed, T1, cpus=101, reason="more cpus"))


def test_history_of_a_page_of_cis_is_one_batch_whatever_the_number_of_cis(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ingest_servers(graph, schema, config, 50, changed=50)
    data(http, "{ modelVersion }")  # the token's first use is noted once, before counting
    counts = {}
    for n in (5, 50):
        operation = f"HistoryOfPage{n}"
        edges = data(http, PAGE % operation, n=n)["cis"]["edges"]
        assert len(edges) == n
        for edge in edges:
            i = int(edge["node"]["name"][3:])
            page = edge["node"]["history"]
            kinds = [(e["kind"], e["attribute"]) for e in page["events"]]
            assert kinds == [("change", "cpu_count"), ("link_open", None), ("create", None)]
            change = page["events"][0]
            # each CI's own change, not another's of the batch
            assert (change["before"], change["after"]) == (1 + i, 101 + i)
            assert change["changeSet"] == {"reason": "more cpus"}
            assert page["totalCount"] == 3
        counts[n] = db_queries(http, operation)
    # the page, then the level's history: four queries (states, versions, links, change
    # sets); without a loader, four per CI
    assert counts[5] == counts[50]
    assert counts[5] <= 6


def test_history_of_a_batch_keeps_each_ci_s_own_window(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """Two CIs of one level read with different arguments: one loader, each its answer."""
    ingest_servers(graph, schema, config, 2, changed=1)
    query = """query($then: DateTime) {
      a: ci(name: "srv00") { history(first: 5) { totalCount events { kind } } }
      b: ci(name: "srv00", asOf: $then) { history(first: 5) { totalCount events { kind } } }
      c: ci(name: "srv01") { history(first: 5) { totalCount events { kind } } }
    }"""
    answer = data(http, query, then=(T0 + timedelta(hours=1)).isoformat())
    assert [e["kind"] for e in answer["a"]["history"]["events"]] == [
        "change", "link_open", "create"
    ]  # fmt: skip
    assert [e["kind"] for e in answer["b"]["history"]["events"]] == ["link_open", "create"]
    assert answer["c"]["history"]["totalCount"] == 2
