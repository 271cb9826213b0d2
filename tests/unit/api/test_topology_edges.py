"""The topology's edges from link rows (api/topology_types.py, pure): each link once
whichever side it was read from, the nearer device as the source, the members of one
aggregate between two devices one edge, links to unranked devices left out."""

from __future__ import annotations

from datetime import UTC, datetime

from api.topology_types import PortLink, TopologyEdge, edges_of

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
RANK = {"a": (0, "a"), "b": (1, "b"), "c": (1, "c")}


def link(
    uid: str, near: str, near_port: str, far: str, far_port: str, near_lag: str | None = None,
    far_lag: str | None = None, evidence: str = "lldp", since: datetime = T0,
) -> PortLink:  # fmt: skip
    return PortLink(uid, near, near_port, near_lag, far, far_port, far_lag, evidence, since)


def shape(found: list[TopologyEdge]) -> list[tuple[object, ...]]:
    return [(e.source, e.source_ports, e.target, e.target_ports, e.lag, e.evidence, e.since)
            for e in found]  # fmt: skip


def test_a_link_read_from_both_sides_is_one_edge_from_the_nearer_device() -> None:
    one = link("l1", "b", "Gi0/1", "a", "Gi0/2")
    found = edges_of([one, one.flipped()], RANK)
    assert shape(found) == [("a", ["Gi0/2"], "b", ["Gi0/1"], None, "lldp", T0)]


def test_lag_members_are_one_edge_listing_every_port_and_the_first_since() -> None:
    members = [
        link("l1", "a", "Gi1", "b", "Te1", far_lag="Eth-Trunk1", since=T1),
        link("l2", "b", "Te2", "a", "Gi2", near_lag="Eth-Trunk1", evidence="cdp"),
        link("l3", "a", "Gi9", "b", "Te9"),  # a plain link beside the LAG: an edge of its own
    ]
    found = edges_of(members, RANK)
    assert sorted(shape(found)) == [
        ("a", ["Gi1", "Gi2"], "b", ["Te1", "Te2"], "Eth-Trunk1", "cdp,lldp", T0),
        ("a", ["Gi9"], "b", ["Te9"], None, "lldp", T0),
    ]
    lag = next(e for e in found if e.lag)
    again = edges_of([m.flipped() for m in reversed(members)], RANK)
    assert next(e for e in again if e.lag).id == lag.id  # the same id however read


def test_links_to_devices_left_out_are_not_edges() -> None:
    assert edges_of([link("l1", "a", "Gi1", "z", "Gi1")], RANK) == []
