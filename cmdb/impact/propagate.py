"""Dependency propagation, in-process: how a failure travels along the links among the
candidates, by each relationship type's `impact` direction (schema/relationships.yaml).

A CI is DOWN when a CI it depends on is DOWN, DEGRADED when one is DEGRADED. A
redundancy group (the target of a `redundancy: true` link: a RedundancyGroup, a LAG's
aggregate interface) is DOWN only when fewer than its `min_members_up` members (1 where
it has none) are up, and DEGRADED while any member is down or degraded.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cmdb.impact.model import DEGRADED, DOWN, State
from cmdb.schema import Schema

RANK = {None: 0, DEGRADED: 1, DOWN: 2}


@dataclass(frozen=True)
class Link:
    """A stored relationship: source -[type]-> target."""

    source: str
    type: str
    target: str


@dataclass(frozen=True)
class Flow:
    """Failure travelling from `origin` to `reached` over one link. `direction` is the
    link's as seen from `origin` ("out": origin is its source). `dependent`: `reached`
    depends on `origin` (it runs on it, is hosted on it); a part (an interface, a
    component) is reached by a flow that is not dependent."""

    origin: str
    reached: str
    type: str
    direction: str
    redundancy: bool
    dependent: bool


def impact_types(model: Schema) -> tuple[str, ...]:
    """The relationship types along which a failure travels."""
    return tuple(sorted(n for n, r in model.relationships.items() if r.impact != "none"))


def flows_of(links: Iterable[Link], model: Schema) -> list[Flow]:
    """Each link's flows, by its type's impact direction."""
    flows: list[Flow] = []
    for link in set(links):
        rel = model.relationships[link.type]
        if rel.impact in ("source_to_target", "both"):
            both = rel.impact == "both"
            flows.append(Flow(link.source, link.target, link.type, "out", rel.redundancy, both))
        if rel.impact in ("target_to_source", "both"):
            flows.append(Flow(link.target, link.source, link.type, "in", rel.redundancy, True))
    return flows


def travels(flow: Flow, cut_off: frozenset[str]) -> bool:
    """A device that is only cut off from the network (it is up, unreachable or with a
    path lost) fails what depends on it and its groups, not its own parts."""
    return flow.origin not in cut_off or flow.dependent or flow.redundancy


def propagate(
    failed: Mapping[str, State],
    flows: list[Flow],
    quorum: Mapping[str, int | None],
    cut_off: frozenset[str] = frozenset(),
) -> dict[str, State]:
    """The state of every CI the failure reaches from `failed` (which keep theirs)."""
    outgoing: dict[str, list[Flow]] = defaultdict(list)
    incoming: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows:
        outgoing[flow.origin].append(flow)
        incoming[flow.reached].append(flow)
    state: dict[str, State] = dict(failed)
    queue = deque(state)
    while queue:
        origin = queue.popleft()
        for flow in outgoing[origin]:
            if not travels(flow, cut_off):
                continue
            ci = flow.reached
            new = _evaluate(incoming[ci], state, quorum.get(ci), cut_off)
            if new is not None and RANK[new] > RANK[state.get(ci)]:
                state[ci] = new
                queue.append(ci)
    return state


def _evaluate(
    flows: list[Flow],
    state: Mapping[str, State],
    quorum: int | None,
    cut_off: frozenset[str],
) -> State | None:
    best: State | None = None
    members: set[str] = set()
    down: set[str] = set()
    for flow in flows:
        if flow.redundancy:
            members.add(flow.origin)
            member = state.get(flow.origin)
            if member == DOWN:
                down.add(flow.origin)
            if member is not None:
                best = _worse(best, DEGRADED)
        elif travels(flow, cut_off):
            best = _worse(best, state.get(flow.origin))
    if members and len(members) - len(down) < (quorum or 1):
        best = DOWN
    return best


def _worse(a: State | None, b: State | None) -> State | None:
    return a if RANK[a] >= RANK[b] else b
