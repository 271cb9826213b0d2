"""The network's topology over GraphQL: `topology(ci, depth, asOf)`, a device and the
devices within `depth` links of it, and `siteTopology(site, asOf)`, every device of a
site with the links among them and to the devices they reach outside it. Links are
CONNECTED_TO between two devices' ports, open at `asOf` (default now); devices are shown
as they were then. Needs the `read` permission.

`topology` reads two queries per level of links (at most 4: the links, the new devices),
and one more for the links among the farthest devices; `siteTopology` three (the site's
devices, their links, the devices outside), whatever the number of devices.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.ci_filter import MAX_TEXT, utc
from api.context import RequestContext
from api.loaders import read_time
from api.parts import ApiPart
from api.permissions import needs
from api.topology_types import (
    PortLink,
    Topology,
    TopologyNode,
    edges_of,
    node_of,
)
from cmdb.queries.identify import FIND_BY_UID_OR_NAME
from cmdb.queries.topology import DEVICE_LINKS, DEVICE_SUMMARIES, LINKS_AMONG, SITE_DEVICES

Ctx = Info[RequestContext, None]
MAX_DEPTH = 4
MAX_NODES = 5000


def _refused(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def _text(argument: str, value: str) -> str:
    if not value or len(value) > MAX_TEXT:
        raise _refused(f"{argument}: give 1 to {MAX_TEXT} characters, not {len(value)}")
    return value


def _depth(depth: int) -> int:
    if not 1 <= depth <= MAX_DEPTH:
        raise _refused(f"depth must be from 1 to {MAX_DEPTH}, got {depth}")
    return depth


def _when(at: datetime | None) -> str:
    return "now" if at is None else at.isoformat()


async def _device(info: Ctx, key: str, t: datetime, as_of: datetime | None) -> TopologyNode:
    """The device `key` names (a uid, else a name), as of `t`; an unknown, ambiguous or
    other CI, or one that did not exist then, is an error naming it."""
    ctx = info.context
    rows = await ctx.db.read(FIND_BY_UID_OR_NAME, {"key": key})
    exact = [r for r in rows if r["uid"] == key] or rows
    if not exact:
        raise _refused(f"ci: no CI with uid or name {key!r}")
    if len(exact) > 1:
        options = ", ".join(f"{r['uid']} ({r['class']})" for r in exact[:5])
        raise _refused(f"ci: {len(exact)} CIs are named {key!r}; give a uid: {options}")
    found = exact[0]
    if not ctx.model.is_a(str(found["class"]), "Device"):
        raise _refused(f"ci: {key!r} is a {found['class']}, not a device")
    summaries = await ctx.db.read(DEVICE_SUMMARIES, {"uids": [found["uid"]], "t": t})
    if not summaries:
        raise _refused(f"ci: {key!r} did not exist at {_when(as_of)}")
    return node_of(summaries[0]["device"])


async def _links(
    info: Ctx, uids: list[str], t: datetime, seen: list[str] | None = None
) -> list[PortLink]:
    """The links of the devices `uids` at `t` (to devices of `seen` only, unless None)."""
    if not uids:
        return []
    query, params = DEVICE_LINKS, {"uids": uids, "t": t}
    if seen is not None:
        query, params = LINKS_AMONG, params | {"seen": seen}
    return [PortLink.of(r) for r in await info.context.db.read(query, params)]


async def _admit(
    info: Ctx, nodes: dict[str, TopologyNode], found: list[PortLink], t: datetime, outside: bool
) -> tuple[list[str], bool]:
    """The far devices of `found` not yet in `nodes`, added (as of `t`) up to the cap: their
    uids, and whether some were left out."""
    new = sorted({link.far for link in found} - nodes.keys())
    room = MAX_NODES - len(nodes)
    left_out = len(new) > room
    if new[:room]:
        rows = await info.context.db.read(DEVICE_SUMMARIES, {"uids": new[:room], "t": t})
        for row in rows:
            nodes[str(row["device"]["uid"])] = node_of(row["device"], outside)
    return [uid for uid in new[:room] if uid in nodes], left_out


async def device_topology(info: Ctx, ci: str, depth: int, as_of: datetime | None) -> Topology:
    """Breadth first from the device: per level of links, one query for the links and one
    for the new devices; then one for the links among the devices of the last level (their
    links to others are left out)."""
    t = read_time(as_of)
    depth = _depth(depth)
    centre = await _device(info, _text("ci", ci), t, as_of)
    nodes = {centre.uid: centre}
    rank = {centre.uid: (0, centre.uid)}
    read: list[PortLink] = []
    frontier, truncated = [centre.uid], False
    for level in range(1, depth + 1):
        found = await _links(info, frontier, t)
        read += found
        frontier, left_out = await _admit(info, nodes, found, t, outside=False)
        truncated = truncated or left_out
        rank |= {uid: (level, uid) for uid in frontier}
        if not frontier:
            break
    read += await _links(info, frontier, t, seen=sorted(nodes))
    ordered = sorted(nodes.values(), key=lambda n: rank[n.uid])
    return Topology(nodes=ordered, edges=edges_of(read, rank), truncated=truncated)


async def site_topology(info: Ctx, site: str, as_of: datetime | None) -> Topology:
    """The site's devices, all their links, and the devices outside it they reach (marked
    `outside`): three queries whatever the number of devices."""
    t = read_time(as_of)
    places = await info.context.db.read(SITE_DEVICES, {"site": _text("site", site), "t": t})
    if not places:
        raise _refused(f"site: no Location with uid, name or code {site!r}")
    if len(places) > 1:
        options = ", ".join(f"{p['site']} ({p['name']})" for p in places[:5])
        raise _refused(f"site: {len(places)} Locations are named {site!r}; give a uid: {options}")
    inside = sorted(places[0]["devices"], key=lambda d: str(d["uid"]))
    nodes = {str(d["uid"]): node_of(d) for d in inside[:MAX_NODES]}
    rank = {uid: (0, uid) for uid in nodes}
    found = await _links(info, sorted(nodes), t)
    outside, left_out = await _admit(info, nodes, found, t, outside=True)
    rank |= {uid: (1, uid) for uid in outside}
    ordered = sorted(nodes.values(), key=lambda n: rank[n.uid])
    truncated = len(inside) > MAX_NODES or left_out
    return Topology(nodes=ordered, edges=edges_of(found, rank), truncated=truncated)


@strawberry.type
class TopologyQuery:
    @strawberry.field(
        extensions=[needs("read")],
        description=f"A device (uid or name) and the devices within `depth` (1 to "
        f"{MAX_DEPTH}) links of it, with the links among them, as of `asOf` (default now); "
        f"at most {MAX_NODES} devices.",
    )
    async def topology(
        self, info: Ctx, ci: str, depth: int = 1, as_of: datetime | None = None
    ) -> Topology:
        return await device_topology(info, ci, depth, utc(as_of))

    @strawberry.field(
        extensions=[needs("read")],
        description="Every device located in a site (a Location by uid, name or code, "
        "through rooms and racks), the links among them, and the devices outside it they "
        f"link to (`outside`), as of `asOf` (default now); at most {MAX_NODES} devices.",
    )
    async def site_topology(self, info: Ctx, site: str, as_of: datetime | None = None) -> Topology:
        return await site_topology(info, site, utc(as_of))


PART = ApiPart(query=TopologyQuery)
