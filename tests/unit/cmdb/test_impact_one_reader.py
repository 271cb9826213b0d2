"""One reader per topology (cmdb/impact/kept.py, topology.py): requests that find the
same topology missing at once (a cold server, the first analyses after a change set)
wait for the first one's read instead of each reading the whole network; a read that
fails lets the next one read. The plans are driven here by hand, as a runner drives
them, with answers made up for the two queries (no Neo4j: the reads themselves are
tested in tests/integration/cmdb/test_impact_kept_topology.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cmdb.impact.kept import TopologyCache
from cmdb.impact.topology import Topology, read_topology
from cmdb.queries import impact as q
from cmdb.queryplan import Query
from cmdb.schema import load_schema

MODEL = load_schema()
VERSION: list[dict[str, Any]] = [{"changesets": 7, "cis": 40, "links": 3, "newest": "cs-7"}]
NETWORK: list[dict[str, Any]] = [{"a": "sw1", "i": "sw1:1", "j": "sw2:1", "b": "sw2"}]
NODES: list[dict[str, Any]] = [
    {"uid": uid, "name": uid, "class": "NetworkDevice", "quorum": None, "values": [None]}
    for uid in ("sw1", "sw2")
]


def drive(cache: TopologyCache, asked: list[str], network: threading.Event | None = None) -> Any:
    """Run read_topology to its end, noting which queries it asked; `network`: wait for
    it before answering the network's query (another request reads meanwhile)."""
    plan = read_topology(None, MODEL, None, cache)
    query: Query = next(plan)
    try:
        while True:
            asked.append(query.text)
            if query.text == q.GRAPH_VERSION:
                rows = VERSION
            elif query.text == q.NETWORK:
                if network is not None:
                    network.wait(10)
                rows = NETWORK
            else:
                rows = NODES
            query = plan.send(rows)
    except StopIteration as stop:
        return stop.value


def test_a_second_request_waits_for_the_first_ones_read_and_reads_no_network() -> None:
    cache = TopologyCache()
    first_asked: list[str] = []
    second_asked: list[str] = []
    go_on = threading.Event()
    got: dict[str, Topology] = {}
    first = threading.Thread(target=lambda: got.update(first=drive(cache, first_asked, go_on)))
    first.start()
    while q.NETWORK not in first_asked:  # the first holds the claim, reading the network
        threading.Event().wait(0.01)
    second = threading.Thread(target=lambda: got.update(second=drive(cache, second_asked)))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first's read, not reading its own
    go_on.set()
    first.join(10)
    second.join(10)
    assert got["second"] is got["first"] and got["first"].roots
    assert second_asked == [q.GRAPH_VERSION]
    assert cache.reads == 1


def test_a_failed_read_lets_the_next_request_read() -> None:
    cache = TopologyCache()
    plan = read_topology(None, MODEL, None, cache)
    assert next(plan).text == q.GRAPH_VERSION
    assert plan.send(VERSION).text == q.NETWORK
    with pytest.raises(RuntimeError):
        plan.throw(RuntimeError("Neo4j went away"))
    asked: list[str] = []
    assert isinstance(drive(cache, asked), Topology)  # not kept waiting for the failed one
    assert asked.count(q.NETWORK) == 1 and cache.reads == 1
