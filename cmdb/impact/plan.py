"""The impact plans: the reads (cmdb/queries/impact.py), then the computation in-process.

`impact_plan`: the failed CIs resolved (uids or names), the candidates within the
depth in ONE bounded variable-length read, the links among them, the network's device
links, names and classes; then dependency propagation and network reachability,
alternately until neither changes (what runs on a device the network no longer reaches
is down, and a device that fails may cut off others), then the explaining paths, and
last the owners, support teams and contracts of what is affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from cmdb.errors import AmbiguousError, NotFoundError
from cmdb.impact.model import (
    DEGRADED,
    DOWN,
    AffectedCI,
    ContractSLA,
    ImpactError,
    ImpactRequest,
    ImpactResult,
    ImpactSettings,
    PathStep,
    State,
    summarize,
)
from cmdb.impact.paths import Explanation, explain, flow_edges
from cmdb.impact.propagate import Flow, Link, flows_of, impact_types, propagate
from cmdb.impact.reach import NodeInfo
from cmdb.impact.topology import Topology, node_infos, read_topology
from cmdb.queries import impact as q
from cmdb.queryplan import Plan, Query

ROUNDS = 16  # propagation and reachability alternate at most this often
BUSINESS_SERVICE = "BusinessService"


def impact_plan(request: ImpactRequest, settings: ImpactSettings) -> Plan[ImpactResult]:
    computed_at = datetime.now(UTC)
    t = request.as_of or computed_at
    check_depth(request.max_depth)
    failed = yield from resolve(request.uids)
    graph, state, cut_off = yield from read_affected(
        failed, request.max_depth, t, request.as_of, settings
    )
    topology = graph.topology
    why = explain(
        failed,
        state,
        flow_edges(graph.flows),
        topology.outgoing,
        topology.ports,
        cut_off,
        request.max_depth,
    )
    reported = [uid for uid in why.depth if uid in state]
    on_paths = {hop for uid in reported for path in why.paths(uid) for hop, _, _ in path}
    yield from graph.read_nodes(on_paths, request.as_of, [])
    responsible = yield from read_responsible(reported, t)
    affected = _affected(reported, state, why, graph, responsible)
    by_class, by_service, by_owner = summarize(affected)
    return ImpactResult(request, computed_at, affected, by_class, by_service, by_owner)


def check_depth(depth: int) -> None:
    if not 1 <= depth <= q.MAX_DEPTH:
        raise ImpactError(f"max depth must be from 1 to {q.MAX_DEPTH}, got {depth}")


def resolve(keys: Iterable[str]) -> Plan[tuple[str, ...]]:
    """Each key (a uid or a name) as the uid of one CI; an unknown or ambiguous key is an
    error naming it."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise NotFoundError("no CI given")
    rows = yield Query(q.RESOLVE, {"keys": keys})
    found: dict[str, list[str]] = {}
    for row in rows:
        matched = found.setdefault(row["key"], [])
        if row["uid"] not in matched:
            matched.append(row["uid"])
    uids: list[str] = []
    for key in keys:
        matches = found.get(key, [])
        if not matches:
            raise NotFoundError(f"no CI with uid or name {key!r}")
        if len(matches) > 1 and key not in matches:
            raise AmbiguousError(f"{key!r} names {len(matches)} CIs, give a uid: {matches[:5]}")
        uids.append(key if key in matches else matches[0])
    return tuple(dict.fromkeys(uids))


class Graph:
    """What the plan read: the links among the candidates (as flows), the network's
    topology (kept between analyses, cmdb/impact/topology.py), and the CIs' names,
    classes and quorum."""

    def __init__(self, links: list[Link], topology: Topology, settings: ImpactSettings):
        # the network's links travel by reachability (cmdb/impact/reach.py), not as
        # dependencies: a port whose peer failed is not itself failed (a server's one
        # NIC bonded to two leaves stays up when one leaf fails)
        self.model = settings.model
        self.links: set[Link] = set()
        self.flows: list[Flow] = []
        self.add_links(links)
        self.topology = topology
        self.nodes: dict[str, NodeInfo] = dict(topology.devices)

    def add_links(self, links: Iterable[Link]) -> None:
        fresh = {link for link in links if link.type != q.NETWORK_LINK} - self.links
        self.links |= fresh
        self.flows += flows_of(fresh, self.model)

    def read_nodes(self, uids: Iterable[str], t: datetime | None, attrs: list[str]) -> Plan[None]:
        """Names, classes, quorum (and `attrs`) of the CIs not read yet, as of `t`."""
        found = yield from node_infos(set(uids) - self.nodes.keys(), t, attrs)
        self.nodes.update(found)

    def node(self, uid: str) -> NodeInfo:
        return self.nodes.get(uid) or NodeInfo(uid, None, "CI")


def read_graph(
    failed: tuple[str, ...],
    depth: int,
    t: datetime,
    as_of: datetime | None,
    settings: ImpactSettings,
) -> Plan[Graph]:
    """The candidates, the links among them, the network and names; `t` is `as_of` or
    now (links open at `t`); names and attributes as of `as_of`, else current."""
    types = impact_types(settings.model)
    rows = yield Query(q.candidates(types, depth), {"uids": list(failed), "t": t})
    candidates = [row["uid"] for row in rows]
    rows = yield Query(q.links_among(types), {"uids": candidates, "t": t})
    links = [Link(row["source"], row["type"], row["target"]) for row in rows]
    topology = yield from read_topology(
        as_of, settings.model, settings.config.roots, settings.topologies
    )
    graph = Graph(links, topology, settings)
    yield from graph.read_nodes(candidates, as_of, [])
    return graph


def read_affected(
    failed: tuple[str, ...],
    depth: int,
    t: datetime,
    as_of: datetime | None,
    settings: ImpactSettings,
) -> Plan[tuple[Graph, dict[str, State], frozenset[str]]]:
    """The graph around the failure, read a region at a time, and the states computed on
    it: the network from the kept topology; the CIs within `depth` dependency links (no
    network link: reachability stands for those) of the failed CIs, then of each device
    the network no longer reaches or reaches with less redundancy, until no such device is
    left unread. The states of the last round: (graph, state, cut off)."""
    topology = yield from read_topology(
        as_of, settings.model, settings.config.roots, settings.topologies
    )
    types = tuple(n for n in impact_types(settings.model) if n != q.NETWORK_LINK)
    graph = Graph([], topology, settings)
    seeded: set[str] = set()
    read: set[str] = set()
    seeds = set(failed)
    state: dict[str, State] = {}
    cut_off: frozenset[str] = frozenset()
    for _ in range(ROUNDS):
        new = sorted(seeds - seeded)
        if not new:
            break
        seeded.update(new)
        rows = yield Query(q.candidates(types, depth), {"uids": new, "t": t})
        fresh = [row["uid"] for row in rows if row["uid"] not in read]
        read.update(fresh)
        rows = yield Query(q.links_among(types), {"uids": fresh, "t": t})
        graph.add_links(Link(row["source"], row["type"], row["target"]) for row in rows)
        yield from graph.read_nodes(fresh, as_of, [])
        state, cut_off = compute_states(failed, graph, settings)
        seeds = set(cut_off)
    return graph, state, cut_off


def compute_states(
    failed: tuple[str, ...], graph: Graph, settings: ImpactSettings
) -> tuple[dict[str, State], frozenset[str]]:
    """The state of every affected CI, and the devices only cut off from the network."""
    quorum = {uid: info.quorum for uid, info in graph.nodes.items()}
    unreachable: frozenset[str] = frozenset()
    degraded: frozenset[str] = frozenset()
    state: dict[str, State] = {}
    for _ in range(ROUNDS):
        seeds: dict[str, State] = dict.fromkeys(degraded, DEGRADED)
        seeds.update(dict.fromkeys(unreachable, DOWN))
        seeds.update(dict.fromkeys(failed, DOWN))
        cut_off = (unreachable | degraded) - set(failed)
        state = propagate(seeds, graph.flows, quorum, cut_off)
        down = {uid: s for uid, s in state.items() if s == DOWN}
        lost, weaker = graph.topology.network.effects(down)
        lost, weaker = lost | unreachable, (weaker | degraded) - lost - unreachable
        if (lost, weaker) == (unreachable, degraded):
            break
        unreachable, degraded = lost, weaker
    return state, (unreachable | degraded) - set(failed)


Responsible = dict[str, dict[str, list[dict[str, object]]]]


def read_responsible(uids: list[str], t: datetime) -> Plan[Responsible]:
    rows = yield Query(q.RESPONSIBLE, {"uids": uids, "t": t})
    found: Responsible = {}
    for row in rows:
        found.setdefault(row["uid"], {}).setdefault(row["type"], []).append(row)
    return found


def _affected(
    reported: list[str],
    state: dict[str, State],
    why: Explanation,
    graph: Graph,
    responsible: Responsible,
) -> tuple[AffectedCI, ...]:
    services = [uid for uid in reported if graph.node(uid).class_name == BUSINESS_SERVICE]
    above = why.above(services)
    affected = []
    for uid in reported:
        info = graph.node(uid)
        mine = responsible.get(uid, {})
        affected.append(
            AffectedCI(
                uid=uid,
                name=info.name,
                class_name=info.class_name,
                state=state[uid],
                depth=why.depth[uid],
                paths=tuple(steps(graph, path) for path in why.paths(uid)),
                owners=_names(mine.get(q.OWNER, [])),
                support_teams=_names(mine.get(q.SUPPORT, [])),
                contracts=tuple(_contract(row) for row in mine.get(q.CONTRACT, [])),
                business_services=tuple(
                    sorted(str(graph.node(s).name or s) for s in above.get(uid, ()))
                ),
            )
        )
    rank = {DOWN: 0, DEGRADED: 1}
    return tuple(sorted(affected, key=lambda a: (a.depth, rank[a.state], a.class_name, a.uid)))


def steps(graph: Graph, path: Iterable[tuple[str, str | None, str | None]]) -> tuple[PathStep, ...]:
    return tuple(
        PathStep(uid, graph.node(uid).name, graph.node(uid).class_name, rel, direction)
        for uid, rel, direction in path
    )


def _names(rows: list[dict[str, object]]) -> tuple[str, ...]:
    return tuple(sorted({str(row["name"] or row["other"]) for row in rows}))


def _contract(row: dict[str, object]) -> ContractSLA:
    end = row["end_date"]
    return ContractSLA(
        uid=str(row["other"]),
        name=row["name"] if isinstance(row["name"], str) else None,
        contract_number=row["contract_number"] if isinstance(row["contract_number"], str) else None,
        response_time_hours=_hours(row["response"]),
        onsite_time_hours=_hours(row["onsite"]),
        fix_time_hours=_hours(row["fix"]),
        end_date=end.to_native() if hasattr(end, "to_native") else None,  # neo4j Date
    )


def _hours(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
