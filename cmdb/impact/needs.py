"""What a CI needs (`dependencies`: the impact read the other way) and how two CIs are
connected (`path`: one shortest path over the relationship types failure travels
along), as query plans.

A CI needs every CI whose failure would reach it: along each failure flow backwards
(an application needs the VM it runs on, a VM the cluster it is hosted on, a cluster
its members) and, for a device on the network, the network devices on its way to the
roots (the neighbours nearer a root, then theirs).
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import UTC, datetime

from cmdb.impact.model import Dependency, DependencyResult, ImpactSettings, PathStep
from cmdb.impact.paths import Edge, Hop
from cmdb.impact.plan import Graph, check_depth, read_graph, resolve, steps
from cmdb.impact.topology import Topology
from cmdb.queries import impact as q
from cmdb.queryplan import Plan, Query

FLIP = {"out": "in", "in": "out"}


def dependencies_plan(
    key: str, settings: ImpactSettings, as_of: datetime | None = None, max_depth: int = 8
) -> Plan[DependencyResult]:
    check_depth(max_depth)
    t = as_of or datetime.now(UTC)
    (uid,) = yield from resolve([key])
    graph = yield from read_graph((uid,), max_depth, t, as_of, settings)
    depth, parents = _walk(uid, _needs_edges(graph), max_depth)
    hops = {u: _path(u, parents) for u in depth}
    yield from graph.read_nodes({h for path in hops.values() for h, _, _ in path}, as_of, [])
    redundancy = {n for n, r in settings.model.relationships.items() if r.redundancy}
    needs = [
        Dependency(
            u,
            graph.node(u).name,
            graph.node(u).class_name,
            depth[u],
            steps(graph, hops[u]),
            redundant=any(rel in redundancy for _, rel, _ in hops[u]),
        )
        for u in depth
        if u != uid
    ]
    needs.sort(key=lambda d: (d.depth, d.class_name, d.uid))
    return DependencyResult(uid, graph.node(uid).name, as_of, tuple(needs))


def _needs_edges(graph: Graph) -> list[Edge]:
    """Failure flows backwards, and each network link toward the roots."""
    edges = [Edge(f.reached, f.origin, f.type, FLIP[f.direction], False, f) for f in graph.flows]
    dist = graph.topology.network.before
    for link in graph.topology.links:
        for me, mine, theirs, other in ((link.a, link.i, link.j, link.b),
                                        (link.b, link.j, link.i, link.a)):  # fmt: skip
            if me in dist and other in dist and dist[other] < dist[me]:
                towards = "out" if mine == link.i else "in"
                edges += [
                    Edge(me, mine, q.NETWORK_PORT, "out", True),
                    Edge(mine, theirs, q.NETWORK_LINK, towards, True),
                    Edge(theirs, other, q.NETWORK_PORT, "in", True),
                ]
    return edges


def _walk(
    start: str, edges: list[Edge], max_depth: int
) -> tuple[dict[str, int], dict[str, tuple[str, str, str]]]:
    """Breadth first from `start`: each CI's depth and the link it was first reached by."""
    outgoing: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        outgoing[edge.origin].append(edge)
    depth = {start: 0}
    parents: dict[str, tuple[str, str, str]] = {}
    queue = deque([start])
    while queue:
        ci = queue.popleft()
        if depth[ci] >= max_depth:
            continue
        for edge in outgoing[ci]:
            if edge.reached not in depth:
                depth[edge.reached] = depth[ci] + 1
                parents[edge.reached] = (ci, edge.type, edge.direction)
                queue.append(edge.reached)
    return depth, parents


def _path(uid: str, parents: dict[str, tuple[str, str, str]]) -> list[Hop]:
    path: list[Hop] = [(uid, None, None)]
    while uid in parents:
        uid, rel, direction = parents[uid]
        path.insert(0, (uid, rel, direction))
    return path


def path_plan(
    source: str,
    target: str,
    settings: ImpactSettings,
    as_of: datetime | None = None,
    max_depth: int = 16,
) -> Plan[tuple[PathStep, ...]]:
    """One shortest path from `source` to `target` (uids or names) over the relationship
    types failure travels along, as of `as_of`; empty when none within `max_depth`."""
    check_depth(max_depth)
    t = as_of or datetime.now(UTC)
    (a,) = yield from resolve([source])
    (b,) = yield from resolve([target])
    if a == b:
        graph = Graph([], Topology.empty(settings.model), settings)
        yield from graph.read_nodes([a], as_of, [])
        return steps(graph, [(a, None, None)])
    types = tuple(n for n, r in settings.model.relationships.items() if r.impact != "none")
    rows = yield Query(q.shortest_path(tuple(sorted(types)), max_depth),
                       {"source": a, "target": b, "t": t})  # fmt: skip
    if not rows:
        return ()
    uids, links = rows[0]["uids"], rows[0]["links"]
    graph = Graph([], Topology.empty(settings.model), settings)
    yield from graph.read_nodes(uids, as_of, [])
    hops: list[Hop] = [
        (uid, rel, "out" if start == uid else "in")
        for uid, (rel, start) in zip(uids, links, strict=False)
    ]
    return steps(graph, [*hops, (uids[-1], None, None)])
