"""The topology's GraphQL types and their assembly from the rows of cmdb/queries/topology.py
(pure): devices as nodes, and links as edges between two devices, the member links of one
aggregate (LAG) between them drawn as one edge listing every port."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry

from cmdb.properties import native


@strawberry.type(description="A device (an Endpoint a switch told of too).")
class TopologyNode:
    uid: str
    name: str | None
    class_name: str
    status: str | None
    vendor: str | None
    model: str | None
    management_ip: str | None
    outside: bool = strawberry.field(
        description="siteTopology: a device outside the site, linked to one in it."
    )


@strawberry.type(description="The links between two devices: one link, or every member "
                 "link of one aggregate (LAG) between them.")  # fmt: skip
class TopologyEdge:
    id: str = strawberry.field(description="The same for the same link(s) in every answer.")
    source: str = strawberry.field(description="A device's uid.")
    target: str = strawberry.field(description="A device's uid.")
    source_ports: list[str]
    target_ports: list[str]
    lag: str | None = strawberry.field(
        description="The aggregate's name (Eth-Trunk1, Port-channel1) when the ports are "
        "members of one (the source's, else the target's)."
    )
    evidence: str | None = strawberry.field(
        description="What the link was learned from (lldp, cdp, fdb, ...); a LAG's "
        "members' evidences comma-separated when they differ."
    )
    since: datetime | None = strawberry.field(
        description="When it opened (a LAG: its first member)."
    )


@strawberry.type
class Topology:
    nodes: list[TopologyNode]
    edges: list[TopologyEdge]
    truncated: bool = strawberry.field(description="More devices than the cap: some left out.")


def node_of(summary: Mapping[str, Any], outside: bool = False) -> TopologyNode:
    """A node from a device summary as the reads return it."""
    return TopologyNode(
        uid=str(summary["uid"]),
        name=summary.get("name"),
        class_name=str(summary["class"]),
        status=summary.get("status"),
        vendor=summary.get("vendor"),
        model=summary.get("model"),
        management_ip=summary.get("management_ip"),
        outside=outside,
    )


@dataclass(frozen=True)
class PortLink:
    """One link between two devices' ports, as read from the `near` device's side."""

    link: str
    near: str
    near_port: str | None
    near_lag: str | None
    far: str
    far_port: str | None
    far_lag: str | None
    evidence: str | None
    since: datetime | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> PortLink:
        return cls(
            link=str(row["link"]),
            near=str(row["near"]),
            near_port=row["near_port"],
            near_lag=row["near_lag"],
            far=str(row["far"]),
            far_port=row["far_port"],
            far_lag=row["far_lag"],
            evidence=row["evidence"],
            since=native(row["since"]),
        )

    def flipped(self) -> PortLink:
        return PortLink(self.link, self.far, self.far_port, self.far_lag, self.near,
                        self.near_port, self.near_lag, self.evidence, self.since)  # fmt: skip


def _ends(ports: Iterable[str | None]) -> list[str]:
    return sorted({p for p in ports if p is not None})


def _edge(members: list[PortLink]) -> TopologyEdge:
    first = members[0]
    source_ports = _ends(m.near_port for m in members)
    target_ports = _ends(m.far_port for m in members)
    ends = sorted(
        [f"{first.near}|{','.join(source_ports)}", f"{first.far}|{','.join(target_ports)}"]
    )
    evidences = _ends(m.evidence for m in members)
    times = [m.since for m in members if m.since is not None]
    return TopologyEdge(
        id="~".join(ends),
        source=first.near,
        target=first.far,
        source_ports=source_ports,
        target_ports=target_ports,
        lag=first.near_lag or first.far_lag,
        evidence=",".join(evidences) or None,
        since=min(times) if times else None,
    )


def edges_of(links: Iterable[PortLink], rank: Mapping[str, tuple[int, str]]) -> list[TopologyEdge]:
    """The edges of the links whose two devices are both ranked: each link once (however
    many times it was read), its source the device of lower rank (nearer the asked device,
    or inside the site); the member links of one aggregate between two devices one edge."""
    groups: dict[tuple[str, ...], list[PortLink]] = {}
    seen: set[str] = set()
    for link in links:
        if link.link in seen or link.near not in rank or link.far not in rank:
            continue
        seen.add(link.link)
        if rank[link.far] < rank[link.near]:
            link = link.flipped()
        lagged = link.near_lag is not None or link.far_lag is not None
        key = (link.near, link.far, *((link.near_lag or "", link.far_lag or "") if lagged
                                      else ("", "", link.link)))  # fmt: skip
        groups.setdefault(key, []).append(link)
    edges = [_edge(members) for members in groups.values()]
    return sorted(edges, key=lambda e: (rank[e.source], rank[e.target], e.id))
