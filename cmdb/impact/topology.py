"""The network's device topology, read once per version of the graph and kept.

Reachability needs the whole network (a device is down when no path of it reaches a
root), not the region around the failed CIs, and reading it is the dear part of an
impact analysis: every live device link and every device's name, class and root
attributes (5 to 7 s on a 5,000-device network). The graph only changes by change sets,
which are never deleted, so a topology read once holds until the next change set:
`read_topology` asks Neo4j for the graph's version (a few O(1) counts and the newest
change set, GRAPH_VERSION) and reads the network only when no topology of that version
(and that as-of time and those roots) is kept. What is kept is derived from Neo4j alone:
two servers on one Neo4j each keep their own, and each sees every change set.

A `Topology` is prepared once for every analysis of it: the reachability index
(`Network`: adjacency and each device's distance from the roots before any failure) and
the network's edges for the explaining paths.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cmdb.config import ImpactRoots
from cmdb.impact.kept import WAIT_SECONDS, TopologyCache
from cmdb.impact.paths import Edge, network_edges
from cmdb.impact.reach import (
    DeviceLink,
    Network,
    NodeInfo,
    network_devices,
    root_attributes,
    select_roots,
)
from cmdb.queries import impact as q
from cmdb.queryplan import Plan, Query
from cmdb.schema import Schema


@dataclass(frozen=True)
class Topology:
    links: tuple[DeviceLink, ...]
    devices: Mapping[str, NodeInfo]  # with the attributes root selection reads
    roots: frozenset[str]
    transit: frozenset[str]  # the devices that forward
    network: Network  # the reachability index
    outgoing: Mapping[str, tuple[Edge, ...]]  # the network's edges by the CI they leave
    ports: frozenset[str]  # the interfaces on network links

    @classmethod
    def build(
        cls,
        links: Iterable[DeviceLink],
        devices: Mapping[str, NodeInfo],
        roots: ImpactRoots | None,
        model: Schema,
    ) -> Topology:
        links = tuple(links)
        root_set = select_roots(devices, links, roots, model)
        transit = network_devices(devices, model)
        outgoing: dict[str, list[Edge]] = defaultdict(list)
        for edge in network_edges(links):
            outgoing[edge.origin].append(edge)
        return cls(
            links=links,
            devices=devices,
            roots=root_set,
            transit=transit,
            network=Network(links, root_set, transit),
            outgoing={ci: tuple(edges) for ci, edges in outgoing.items()},
            ports=frozenset(p for link in links for p in (link.i, link.j)),
        )

    @classmethod
    def empty(cls, model: Schema) -> Topology:
        """No network (for plans that read only names)."""
        return cls.build((), {}, None, model)


def read_topology(
    as_of: datetime | None,
    model: Schema,
    roots: ImpactRoots | None,
    cache: TopologyCache | None,
) -> Plan[Topology]:
    """The network as of `as_of` (None: now), kept in `cache` (None: read every time)."""
    if cache is None:
        return (yield from _read(as_of, model, roots))
    rows = yield Query(q.GRAPH_VERSION)
    key = (as_of, tuple(sorted(rows[0].items())), roots)
    found = cache.get(key)
    if isinstance(found, Topology):
        return found
    reading = cache.claim(key)
    if reading is not None and not _on_event_loop():
        reading.wait(WAIT_SECONDS)  # another request reads this very topology
        found = cache.get(key)
        if isinstance(found, Topology):
            return found
    try:
        topology = yield from _read(as_of, model, roots)
    except BaseException:
        if reading is None:
            cache.release(key)
        raise
    cache.put(key, topology)
    return topology


def _read(as_of: datetime | None, model: Schema, roots: ImpactRoots | None) -> Plan[Topology]:
    rows = yield Query(q.NETWORK, {"t": as_of or datetime.now(UTC)})
    links = [DeviceLink(row["a"], row["i"], row["j"], row["b"]) for row in rows]
    uids = {uid for link in links for uid in (link.a, link.b)}
    devices = yield from node_infos(uids, as_of, root_attributes(roots))
    return Topology.build(links, devices, roots, model)


def _on_event_loop() -> bool:
    """Whether this plan runs on an event loop's thread (the API's async runner), where
    waiting for another request's read would stop every request: it reads its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def node_infos(
    uids: Iterable[str], as_of: datetime | None, attrs: list[str]
) -> Plan[dict[str, NodeInfo]]:
    """Names, classes, quorum and `attrs` of CIs, as of `as_of` (None: current); a CI
    with no state then is left out."""
    missing = sorted(set(uids))
    if not missing:
        return {}
    text = q.NODES if as_of is None else q.NODES_AS_OF
    rows = yield Query(text, {"uids": missing, "attrs": attrs, "t": as_of})
    found: dict[str, NodeInfo] = {}
    for row in rows:
        if row["class"] is None:
            continue  # no state as of t
        values: tuple[tuple[str, Any], ...] = tuple(zip(attrs, row["values"], strict=True))
        found[row["uid"]] = NodeInfo(row["uid"], row["name"], row["class"], row["quorum"], values)
    return found
