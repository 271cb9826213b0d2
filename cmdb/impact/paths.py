"""The paths that explain each affected CI: a breadth-first walk from the failed CIs
along the flows of the failure (cmdb/impact/propagate.py) and the network's links
(device -> port -> port -> device), through affected CIs only; a port on the way that
is itself not affected (a cut-off device's uplink) is passed through, not reported.
A CI's depth is the number of links on its shortest path."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from cmdb.impact.model import State
from cmdb.impact.propagate import Flow, travels
from cmdb.impact.reach import DeviceLink
from cmdb.queries.impact import NETWORK_LINK, NETWORK_PORT

MAX_PATHS = 3  # paths kept per CI (the shortest ones)
Hop = tuple[str, str | None, str | None]  # a CI, the link type to the next, its direction


@dataclass(frozen=True)
class Edge:
    origin: str
    reached: str
    type: str
    direction: str
    network: bool
    flow: Flow | None = None


def network_edges(links: Iterable[DeviceLink]) -> list[Edge]:
    """Both ways along each device -> port -> port -> device link."""
    edges: list[Edge] = []
    for link in links:
        edges += [
            Edge(link.a, link.i, NETWORK_PORT, "out", True),
            Edge(link.i, link.a, NETWORK_PORT, "in", True),
            Edge(link.i, link.j, NETWORK_LINK, "out", True),
            Edge(link.j, link.i, NETWORK_LINK, "in", True),
            Edge(link.b, link.j, NETWORK_PORT, "out", True),
            Edge(link.j, link.b, NETWORK_PORT, "in", True),
        ]
    return edges


@dataclass
class Explanation:
    depth: dict[str, int]
    parents: dict[str, list[tuple[str, str, str]]]  # CI -> (previous CI, type, direction)
    _memo: dict[str, list[list[Hop]]] = field(default_factory=dict, repr=False)

    def paths(self, uid: str) -> list[list[Hop]]:
        """Up to MAX_PATHS shortest paths from a failed CI to `uid`."""
        memo = self._memo

        def walk(ci: str) -> list[list[Hop]]:
            if ci not in memo:
                found: list[list[Hop]] = []
                if not self.parents[ci]:
                    found.append([(ci, None, None)])
                for previous, rel, direction in self.parents[ci]:
                    for path in walk(previous):
                        found.append([*path[:-1], (previous, rel, direction), (ci, None, None)])
                memo[ci] = found[:MAX_PATHS]
            return memo[ci]

        return walk(uid)

    def above(self, uids: Iterable[str]) -> dict[str, set[str]]:
        """For each CI, which of `uids` it explains (it is on one of their paths)."""
        found: dict[str, set[str]] = defaultdict(set)
        for top in uids:
            stack = [top]
            while stack:
                ci = stack.pop()
                if top in found[ci]:
                    continue
                found[ci].add(top)
                stack.extend(previous for previous, _, _ in self.parents.get(ci, ()))
        return found


def explain(
    failed: Iterable[str],
    state: Mapping[str, State],
    flows: list[Edge],
    network: Mapping[str, Sequence[Edge]],
    ports: frozenset[str],
    cut_off: frozenset[str],
    max_depth: int,
) -> Explanation:
    """Shortest paths, breadth first, from the `failed` CIs to every affected CI within
    `max_depth` links, along the `flows` and the `network`'s edges (by the CI they
    leave). `ports`: the network's interfaces (passed through)."""
    outgoing: dict[str, list[Edge]] = defaultdict(list)
    for edge in flows:
        outgoing[edge.origin].append(edge)
    depth = {uid: 0 for uid in failed}
    parents: dict[str, list[tuple[str, str, str]]] = {uid: [] for uid in depth}
    frontier = list(depth)
    for level in range(1, max_depth + 1):
        reached: list[str] = []
        for ci in frontier:
            passing = ci not in state  # a port passed through: network links only
            for edge in chain(outgoing.get(ci, ()), network.get(ci, ())):
                if not _may_take(edge, passing, state, ports, cut_off):
                    continue
                target = edge.reached
                if target not in depth:
                    depth[target] = level
                    parents[target] = []
                    reached.append(target)
                step = (ci, edge.type, edge.direction)
                if depth[target] == level and step not in parents[target]:
                    parents[target].append(step)
        frontier = reached
    return Explanation(depth, parents)


def _may_take(
    edge: Edge,
    passing: bool,
    state: Mapping[str, State],
    ports: frozenset[str],
    cut_off: frozenset[str],
) -> bool:
    if edge.network:
        return edge.reached in state or edge.reached in ports
    if passing or edge.flow is None or not travels(edge.flow, cut_off):
        return False
    return edge.reached in state


def flow_edges(flows: Iterable[Flow]) -> list[Edge]:
    return [Edge(f.origin, f.reached, f.type, f.direction, False, f) for f in flows]
