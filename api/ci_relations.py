"""Fields on a CI that follow its relationships: `relationships` (by type and direction,
paged, open at the CI's read time or within a window), owner, support, contracts, the
location chain and discovery coverage on every CI; interfaces, addresses, neighbours,
installed software and services on devices; device, addresses and neighbours on
interfaces. Every field reads as of its CI's `as_of`, through the request's loaders (one
query per level).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api import loaders
from api.context import RequestContext
from api.loaders import CINode, Link, LinkQuery
from api.paging import BadArgument, PageInfo, decode_cursor, encode_cursor, page_size

if TYPE_CHECKING:
    from api.cis import ConfigurationItem

CI = Annotated["ConfigurationItem", strawberry.lazy("api.cis")]
Ctx = Info[RequestContext, None]
LOCATION_DEPTH = 6  # LOCATED_IN hops followed up to the site


@strawberry.enum
class Direction(enum.Enum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@strawberry.type
class Relationship:
    type: str
    direction: Direction
    other: CI
    since: datetime | None
    until: datetime | None
    source: str | None
    evidence: str | None
    last_seen: datetime | None
    attributes: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="What the relationship itself holds."
    )


@strawberry.type
class RelationshipEdge:
    cursor: str
    node: Relationship


@strawberry.type
class RelationshipConnection:
    edges: list[RelationshipEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class Neighbour:
    """A port at the far end of a CONNECTED_TO link, its device, and the local port."""

    local_port: CI
    port: CI
    device: CI | None
    since: datetime | None
    evidence: str | None


@strawberry.type
class DiscoveryRunSeen:
    id: str
    job: str | None
    started_at: datetime | None
    run_status: str | None = strawberry.field(description="completed or interrupted")
    target_status: str | None = strawberry.field(
        description="How the CI's target answered the run: answered, failed, gone; null: "
        "not reached."
    )
    saw_it: bool = strawberry.field(
        description="The target answered and the CI was seen at or after the run began."
    )


@strawberry.type
class SourceSeen:
    source: str
    last_seen: datetime


@strawberry.type
class DiscoveryCoverage:
    scope: str | None = strawberry.field(description="The discovery target that covers it.")
    last_seen: datetime | None
    sources: list[SourceSeen] = strawberry.field(description="Who reported it, and when last.")
    runs: list[DiscoveryRunSeen] = strawberry.field(
        description=f"The newest {loaders.RUNS_PER_CI} discovery runs that swept its target "
        "since it first appeared."
    )


async def _links(info: Ctx, root: CINode, query: LinkQuery) -> list[Link]:
    return await loaders.links(info.context, query, root.as_of).load(root.uid)


async def _others(info: Ctx, root: CINode, rel: str, outgoing: bool | None) -> list[CINode]:
    if rel not in info.context.model.relationships:
        return []  # a model without this relationship type
    return [link.other for link in await _links(info, root, LinkQuery((rel,), outgoing))]


# -- on every CI -----------------------------------------------------------------------
def _relationship(model_attrs: set[str], link: Link) -> Relationship:
    p = link.props
    return Relationship(
        type=link.type,
        direction=Direction.OUT if link.outgoing else Direction.IN,
        other=link.other,  # type: ignore[arg-type]  # a CINode, typed by resolve_type
        since=p.get("since"),
        until=p.get("until"),
        source=p.get("source"),
        evidence=p.get("evidence"),
        last_seen=p.get("last_seen"),
        attributes={k: _plain(p[k]) for k in sorted(model_attrs) if k in p},
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _link_key(link: Link) -> list[str]:
    since = link.props.get("since")
    return [link.type, link.other.uid, since.isoformat() if since else ""]


async def relationships(
    root: strawberry.Parent[CINode],
    info: Ctx,
    type: str | None = None,
    direction: Direction = Direction.BOTH,
    first: int | None = None,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> RelationshipConnection:
    """The CI's relationships open at its read time; with `since`/`until`, those open at
    any time in that window (closed ones too)."""
    model = info.context.model
    if type is not None and type not in model.relationships:
        raise BadArgument(f"type: no relationship type {type[:80]!r} in the schema")
    if since is not None and until is not None and since > until:
        raise BadArgument("since must not be after until")
    limit = page_size(info.context, first)
    position = decode_cursor("relationships", after)
    types = (type,) if type else tuple(sorted(model.relationships))
    outgoing = None if direction is Direction.BOTH else direction is Direction.OUT
    found = sorted(
        await _links(info, root, LinkQuery(types, outgoing, since, until)), key=_link_key
    )
    rest = [link for link in found if position is None or _link_key(link) > position]
    page = rest[:limit]
    edges = [
        RelationshipEdge(
            cursor=encode_cursor("relationships", _link_key(link)),
            node=_relationship(set(model.relationships[link.type].attributes), link),
        )
        for link in page
    ]
    info_ = PageInfo(
        has_next_page=len(rest) > limit,
        has_previous_page=position is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return RelationshipConnection(edges=edges, page_info=info_, total_count=len(found))


async def owner(root: strawberry.Parent[CINode], info: Ctx) -> CI | None:
    """The person or team that owns it (OWNED_BY; the first by name if several)."""
    found = await _others(info, root, "OWNED_BY", True)
    return found[0] if found else None  # type: ignore[return-value]


async def supported_by(root: strawberry.Parent[CINode], info: Ctx) -> list[CI]:
    """Who supports it (SUPPORTED_BY)."""
    return await _others(info, root, "SUPPORTED_BY", True)  # type: ignore[return-value]


async def contracts(root: strawberry.Parent[CINode], info: Ctx) -> list[CI]:
    """The contracts covering it (COVERED_BY), with their SLA fields (`... on Contract`)."""
    return await _others(info, root, "COVERED_BY", True)  # type: ignore[return-value]


async def location(root: strawberry.Parent[CINode], info: Ctx) -> list[CI]:
    """Where it is, nearest first: rack, room, ... up to the site (LOCATED_IN)."""
    chain: list[CINode] = []
    here = root
    for _hop in range(LOCATION_DEPTH):
        up = await _others(info, here, "LOCATED_IN", True)
        if not up or any(c.uid == up[0].uid for c in chain):
            break
        here = up[0]
        chain.append(here)
    return chain  # type: ignore[return-value]


async def discovery_coverage(root: strawberry.Parent[CINode], info: Ctx) -> DiscoveryCoverage:
    """Which discovery runs saw it, when it was last seen, by which source."""
    found = await loaders.coverage(info.context, root.as_of).load(root.uid)
    if found is None:
        return DiscoveryCoverage(scope=None, last_seen=None, sources=[], runs=[])
    return DiscoveryCoverage(
        scope=found.scope,
        last_seen=found.last_seen,
        sources=[SourceSeen(source=s, last_seen=at) for s, at in found.by_source.items()],
        runs=[
            DiscoveryRunSeen(
                id=r.id,
                job=r.job,
                started_at=r.started_at,
                run_status=r.run_status,
                target_status=r.target_status,
                saw_it=r.saw_it,
            )
            for r in found.runs
        ],
    )


# -- on devices and interfaces ---------------------------------------------------------
async def interfaces(root: strawberry.Parent[CINode], info: Ctx) -> list[CINode]:
    return await _others(info, root, "HAS_INTERFACE", True)


async def device(root: strawberry.Parent[CINode], info: Ctx) -> CINode | None:
    found = await _others(info, root, "HAS_INTERFACE", False)
    return found[0] if found else None


async def own_addresses(root: strawberry.Parent[CINode], info: Ctx) -> list[CINode]:
    return await _others(info, root, "HAS_ADDRESS", True)


async def device_addresses(root: strawberry.Parent[CINode], info: Ctx) -> list[CINode]:
    """The device's own addresses and those of its interfaces."""
    ports = await interfaces(root, info)
    loader = loaders.links(info.context, LinkQuery(("HAS_ADDRESS",), True), root.as_of)
    found = await loader.load_many([root.uid, *(p.uid for p in ports)])
    return [link.other for links in found for link in links]


async def port_neighbours(root: strawberry.Parent[CINode], info: Ctx) -> list[Neighbour]:
    """The ports this interface is connected to (CONNECTED_TO), with their devices."""
    return (await _neighbours(info, [root]))[0]


async def device_neighbours(root: strawberry.Parent[CINode], info: Ctx) -> list[Neighbour]:
    """The ports the device's interfaces are connected to, with their devices."""
    return [n for found in await _neighbours(info, await interfaces(root, info)) for n in found]


async def _neighbours(info: Ctx, ports: list[CINode]) -> list[list[Neighbour]]:
    if not ports:
        return []
    as_of = ports[0].as_of
    wired = loaders.links(info.context, LinkQuery(("CONNECTED_TO",)), as_of)
    held = loaders.links(info.context, LinkQuery(("HAS_INTERFACE",), False), as_of)
    per_port = await wired.load_many([p.uid for p in ports])
    far_ports = [link.other.uid for links in per_port for link in links]
    devices = {
        uid: found for uid, found in zip(far_ports, await held.load_many(far_ports), strict=True)
    }
    return [
        [
            Neighbour(
                local_port=port,  # type: ignore[arg-type]
                port=link.other,  # type: ignore[arg-type]
                device=devices[link.other.uid][0].other if devices[link.other.uid] else None,  # type: ignore[arg-type]
                since=link.props.get("since"),
                evidence=link.props.get("evidence"),
            )
            for link in links
        ]
        for port, links in zip(ports, per_port, strict=True)
    ]


async def installed_software(root: strawberry.Parent[CINode], info: Ctx) -> list[CINode]:
    return await _others(info, root, "INSTALLED_ON", False)


async def services(root: strawberry.Parent[CINode], info: Ctx) -> list[CINode]:
    """The services running on it (RUNS_ON, from Service CIs)."""
    model = info.context.model
    found = await _others(info, root, "RUNS_ON", False)
    return [c for c in found if "Service" in model.classes and model.is_a(c.class_name, "Service")]


Resolver = Callable[..., Any]
# class -> field -> (resolver, "list" or "one", the class of what it returns)
CLASS_FIELDS: dict[str, dict[str, tuple[Resolver, str, str]]] = {
    "Device": {
        "interfaces": (interfaces, "list", "Interface"),
        "addresses": (device_addresses, "list", "IPAddress"),
        "neighbours": (device_neighbours, "neighbours", ""),
        "installed_software": (installed_software, "list", "Software"),
        "services": (services, "list", "Service"),
    },
    "Interface": {
        "device": (device, "one", "Device"),
        "addresses": (own_addresses, "list", "IPAddress"),
        "neighbours": (port_neighbours, "neighbours", ""),
    },
}
