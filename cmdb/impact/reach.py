"""Network reachability from the discovered topology, in-process.

The network is the devices joined by their interfaces' links (Interface CONNECTED_TO
Interface, each port its device's by HAS_INTERFACE), and only network devices forward
(a path to a root never passes through a server); parallel links (a LAG's member
ports, two cables) are redundancy. The roots are where the network is reached from:
`impact.roots` in cmdb.yaml, else the devices whose `criticality` is "core", else the
network devices with the most links to other network devices (all that tie).

Before the failure, every device reaching a root has a distance (in device hops) from
the nearest root. After it (failed devices and failed ports' links taken out): a device
that reaches no root any more is DOWN; one that still does but lost a link toward the
roots (a link to a neighbour nearer a root, or that neighbour) is DEGRADED.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cmdb.config import ImpactRoots
from cmdb.schema import Schema

DEFAULT_ROOT_ATTRIBUTE = ("criticality", "core")
NETWORK_CLASS = "NetworkDevice"


@dataclass(frozen=True)
class DeviceLink:
    """Devices `a` and `b` linked by their ports `i` (a's) and `j` (b's)."""

    a: str
    i: str
    j: str
    b: str


@dataclass(frozen=True)
class NodeInfo:
    uid: str
    name: str | None
    class_name: str
    quorum: int | None = None
    values: tuple[tuple[str, Any], ...] = ()  # asked attributes (root filters)


def root_attributes(roots: ImpactRoots | None) -> list[str]:
    """The attributes root selection reads from each device."""
    if roots is None:
        return [DEFAULT_ROOT_ATTRIBUTE[0]]
    return [name for name, _ in roots.attributes]


def select_roots(
    devices: Mapping[str, NodeInfo],
    links: Iterable[DeviceLink],
    roots: ImpactRoots | None,
    model: Schema,
) -> frozenset[str]:
    """The network's roots among `devices` (see the module's text)."""
    if roots is not None:
        return frozenset(u for u, info in devices.items() if _configured(info, roots, model))
    name, value = DEFAULT_ROOT_ATTRIBUTE
    core = frozenset(u for u, info in devices.items() if dict(info.values).get(name) == value)
    if core:
        return core
    degree: dict[str, int] = defaultdict(int)
    for link in links:
        if _is_network(devices, link.a, model) and _is_network(devices, link.b, model):
            degree[link.a] += 1
            degree[link.b] += 1
    top = max(degree.values(), default=0)
    return frozenset(u for u, d in degree.items() if d == top and top > 0)


def _configured(info: NodeInfo, roots: ImpactRoots, model: Schema) -> bool:
    if info.uid in roots.names or (info.name is not None and info.name in roots.names):
        return True
    if roots.class_name is None and not roots.attributes:
        return False
    if roots.class_name is not None and (
        info.class_name not in model.classes or not model.is_a(info.class_name, roots.class_name)
    ):
        return False
    values = dict(info.values)
    return all(values.get(name) == value for name, value in roots.attributes)


def network_devices(devices: Mapping[str, NodeInfo], model: Schema) -> frozenset[str]:
    """The devices that forward (NetworkDevice and its subclasses)."""
    return frozenset(u for u in devices if _is_network(devices, u, model))


def _is_network(devices: Mapping[str, NodeInfo], uid: str, model: Schema) -> bool:
    info = devices.get(uid)
    return (
        info is not None
        and info.class_name in model.classes
        and model.is_a(info.class_name, NETWORK_CLASS)
    )


def distances(
    links: Iterable[DeviceLink], roots: Iterable[str], transit: frozenset[str]
) -> dict[str, int]:
    """Device hops from the nearest root, for every device that reaches one. Paths pass
    through `transit` devices only (network devices: a dual-homed server joins two
    switches but forwards nothing)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        neighbours[link.a].add(link.b)
        neighbours[link.b].add(link.a)
    dist = {root: 0 for root in roots}
    queue = deque(dist)
    while queue:
        device = queue.popleft()
        if dist[device] > 0 and device not in transit:
            continue
        for other in neighbours[device]:
            if other not in dist:
                dist[other] = dist[device] + 1
                queue.append(other)
    return dist


def reach_effects(
    links: list[DeviceLink],
    roots: frozenset[str],
    transit: frozenset[str],
    failed: Mapping[str, object],
) -> tuple[frozenset[str], frozenset[str]]:
    """(unreachable, degraded) of `failed` on a network prepared for this one question."""
    return Network(links, roots, transit).effects(failed)


class Network:
    """The device graph prepared once for many failures: each device's links, each CI's
    (device's or port's) links, and every device's distance from the roots before any
    failure."""

    def __init__(
        self, links: Iterable[DeviceLink], roots: frozenset[str], transit: frozenset[str]
    ) -> None:
        self.links = tuple(links)
        self.roots = roots
        self.transit = transit
        self.adjacent: dict[str, list[tuple[str, DeviceLink]]] = defaultdict(list)
        self.touching: dict[str, list[DeviceLink]] = defaultdict(list)  # CI -> its links
        for link in self.links:
            self.adjacent[link.a].append((link.b, link))
            self.adjacent[link.b].append((link.a, link))
            for ci in {link.a, link.i, link.j, link.b}:
                self.touching[ci].append(link)
        self.before = self._distances(roots, lambda link: True)

    def _distances(
        self, roots: Iterable[str], usable: Callable[[DeviceLink], bool]
    ) -> dict[str, int]:
        """Device hops from the nearest of `roots` over `usable` links, through transit
        devices only (see `distances`)."""
        dist = dict.fromkeys(roots, 0)
        queue = deque(dist)
        while queue:
            device = queue.popleft()
            if dist[device] > 0 and device not in self.transit:
                continue
            for other, link in self.adjacent.get(device, ()):
                if other not in dist and usable(link):
                    dist[other] = dist[device] + 1
                    queue.append(other)
        return dist

    def effects(self, failed: Mapping[str, object]) -> tuple[frozenset[str], frozenset[str]]:
        """(unreachable, degraded): devices not in `failed` that reach no root once
        `failed` CIs (devices and ports) are out, and those that still do but lost a link
        toward the roots."""

        def cut(link: DeviceLink) -> bool:
            return link.a in failed or link.i in failed or link.j in failed or link.b in failed

        before = self.before
        after = self._distances(self.roots - failed.keys(), lambda link: not cut(link))
        unreachable = frozenset(d for d in before if d not in after and d not in failed)
        lost = unreachable | failed.keys()
        degraded: set[str] = set()
        seen: set[int] = set()
        for ci in lost:  # a link lost, or toward a device lost, touches one of them
            for link in self.touching.get(ci, ()):
                if id(link) in seen:
                    continue
                seen.add(id(link))
                for near, far in ((link.a, link.b), (link.b, link.a)):
                    if far not in after or far in failed or near not in before:
                        continue
                    if before[near] < before[far] and (cut(link) or near in lost):
                        degraded.add(far)
        return unreachable, frozenset(degraded)
