"""The API benchmark's graph: a network topology written through the real ingest, beside
the ingest benchmark's servers (bench/ingest.py's shape) up to ~100k CIs.

The topology, at `scale` 1 (5,266 devices):
- 2 core switches; each distribution switch reaches both over a LAG of 2 member links.
- 12 pairs of distribution switches (24); under each pair 20 access switches (240), each
  uplinked to both switches of its pair (every second one over LAGs of 2 members, the
  others over single links), except every fourth one, which is single-homed to switch a.
- 5,000 servers, spread round robin over the access pairs (access switches 2k and 2k+1
  of a distribution pair): two of three dual-homed (eth0 to the first access switch,
  eth1 to the second), the others single-homed to one of them.
- On every fourth server a VM (HOSTED_ON); the three VMs of each block of 12 servers form
  a cluster (RedundancyGroup, min_members_up 2) that an Application DEPENDS_ON; a
  BusinessService DEPENDS_ON every 10 applications. Servers are OWNED_BY a team and
  COVERED_BY a contract of bench/ingest.py's reference set.

Each device's ports are named from the neighbour they face, so a change set can reference
a port another change set created. Change sets come in phases: within a phase they are
independent (ingested `workers` at a time), a phase only references CIs of earlier ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cmdb.observations import ChangeSet

Obj = dict[str, Any]
SERVERS_PER_SET = 480  # a multiple of the 12-server cluster block


@dataclass(frozen=True)
class Topology:
    dist_pairs: int = 12
    access_per_pair: int = 20  # even: access switches pair up
    servers: int = 5000

    @classmethod
    def scaled(cls, scale: float) -> Topology:
        pairs = max(1, round(12 * scale))
        return cls(
            dist_pairs=pairs,
            access_per_pair=20 if scale >= 0.5 else 4,
            servers=max(24, round(5000 * scale)),
        )

    @property
    def access_pairs(self) -> int:
        return self.dist_pairs * self.access_per_pair // 2

    @property
    def slots(self) -> int:
        """Server ports per access switch."""
        return -(-self.servers // self.access_pairs)

    @property
    def devices(self) -> int:
        return 2 + 2 * self.dist_pairs + self.dist_pairs * self.access_per_pair + self.servers


def dist_name(p: int, side: int) -> str:
    return f"dist{p:02}{'ab'[side]}"


def access_name(p: int, j: int) -> str:
    return f"acc{p:02}-{j:02}"


def access_lag(j: int) -> bool:
    return j % 2 == 0


def access_sides(j: int) -> tuple[int, ...]:
    """The distribution switches (0: a, 1: b) an access switch is uplinked to."""
    return (0,) if j % 4 == 3 else (0, 1)


def server_homes(top: Topology, n: int) -> list[tuple[int, int, str]]:
    """(distribution pair, access switch, port) for each of server n's links."""
    q, slot = n % top.access_pairs, n // top.access_pairs
    p, k = divmod(q, top.access_per_pair // 2)
    port = f"Gi1/0/{slot + 1}"
    if n % 3 != 2:
        return [(p, 2 * k, port), (p, 2 * k + 1, port)]
    return [(p, 2 * k + slot % 2, port)]


def _device(key: str, name: str, kind: str) -> Obj:
    return {
        "key": key,
        "class": "NetworkDevice",
        "attributes": {
            "hostname": name,
            "domain": "bench",
            "serial_number": f"NET-{name}",
            "vendor": "Cisco",
            "device_kind": kind,
            "model": f"bench-{kind}",
        },
    }


def _dev_ref(name: str) -> Obj:
    return {"class": "NetworkDevice", "identifiers": {"serial_number": f"NET-{name}"}}


def _port_ref(device: str, port: str) -> Obj:
    return {"class": "Interface", "identifiers": {"name": port}, "parent": _dev_ref(device)}


class _Builder:
    def __init__(self) -> None:
        self.cis: list[Obj] = []
        self.links: list[Obj] = []

    def port(self, dev_key: str, name: str) -> str:
        key = f"{dev_key}/{name}"
        self.cis.append(
            {
                "key": key,
                "class": "Interface",
                "parent": {"ref": dev_key},
                "attributes": {
                    "name": name,
                    "if_type": "ethernetCsmacd",
                    "speed_mbps": 10000,
                    "oper_status": "up",
                },
            }
        )
        return key

    def uplink(
        self, dev_key: str, lag: str | None, local: list[str], peer: str, remote: list[str]
    ) -> None:
        """Ports `local` of this device CONNECTED_TO ports `remote` of `peer` (a device of an
        earlier phase), bundled into the aggregate `lag` when given."""
        agg = self.port(dev_key, lag) if lag else None
        for mine, theirs in zip(local, remote, strict=True):
            key = self.port(dev_key, mine)
            self.links.append(
                {
                    "type": "CONNECTED_TO",
                    "evidence": "lldp",
                    "source": {"ref": key},
                    "target": _port_ref(peer, theirs),
                }
            )
            if agg:
                self.links.append(
                    {
                        "type": "LAG_MEMBER_OF",
                        "source": {"ref": key},
                        "target": {"ref": agg},
                        "attributes": {"protocol": "lacp", "active": True},
                    }
                )

    def changeset(self, source: str, at: datetime) -> ChangeSet:
        return ChangeSet.model_validate(
            {
                "source": source,
                "actor": "bench",
                "observed_at": at,
                "cis": self.cis,
                "links": self.links,
            }
        )


def core_set(top: Topology, at: datetime) -> ChangeSet:
    b = _Builder()
    for c in range(2):
        b.cis.append(_device(f"core{c}", f"core{c}", "core"))
        for d in range(2 * top.dist_pairs):
            agg = b.port(f"core{c}", f"Po{d + 1}")
            for m in range(2):
                member = b.port(f"core{c}", f"Eth1/{2 * d + m + 1}")
                b.links.append(
                    {
                        "type": "LAG_MEMBER_OF",
                        "source": {"ref": member},
                        "target": {"ref": agg},
                        "attributes": {"protocol": "lacp", "active": True},
                    }
                )
    return b.changeset("snmp", at)


def dist_set(top: Topology, p: int, at: datetime) -> ChangeSet:
    """A distribution pair: its two switches, their LAGs to the cores, their downlinks."""
    b = _Builder()
    for side in range(2):
        name = dist_name(p, side)
        d = 2 * p + side
        b.cis.append(_device(name, name, "distribution"))
        for c in range(2):
            b.uplink(
                name,
                f"Po{c + 1}",
                [f"Eth1/{2 * c + 1}", f"Eth1/{2 * c + 2}"],
                f"core{c}",
                [f"Eth1/{2 * d + 1}", f"Eth1/{2 * d + 2}"],
            )
        for j in range(top.access_per_pair):
            if side not in access_sides(j):
                continue
            if access_lag(j):
                agg = b.port(name, f"Po{100 + j}")
                for m in range(2):
                    member = b.port(name, f"Eth2/{2 * j + m + 1}")
                    b.links.append(
                        {
                            "type": "LAG_MEMBER_OF",
                            "source": {"ref": member},
                            "target": {"ref": agg},
                            "attributes": {"protocol": "lacp", "active": True},
                        }
                    )
            else:
                b.port(name, f"Eth2/{2 * j + 1}")
    return b.changeset("snmp", at)


def access_set(top: Topology, p: int, at: datetime) -> ChangeSet:
    """The access switches under distribution pair p, with their uplinks and server ports."""
    b = _Builder()
    for j in range(top.access_per_pair):
        name = access_name(p, j)
        b.cis.append(_device(name, name, "access"))
        for side in access_sides(j):
            if access_lag(j):
                b.uplink(
                    name,
                    f"Po{side + 1}",
                    [f"Te1/1/{2 * side + 1}", f"Te1/1/{2 * side + 2}"],
                    dist_name(p, side),
                    [f"Eth2/{2 * j + 1}", f"Eth2/{2 * j + 2}"],
                )
            else:
                b.uplink(
                    name, None, [f"Te1/1/{2 * side + 1}"], dist_name(p, side), [f"Eth2/{2 * j + 1}"]
                )
        for slot in range(top.slots):
            b.port(name, f"Gi1/0/{slot + 1}")
    return b.changeset("snmp", at)


def _server(b: _Builder, top: Topology, n: int) -> None:
    key = f"s{n}"
    b.cis.append(
        {
            "key": key,
            "class": "Server",
            "attributes": {
                "serial_number": f"TS{n:06}",
                "hostname": f"tsrv{n}",
                "domain": "bench",
                "vendor": "Dell",
                "model": "R650",
                "os_version": "12.1",
                "cpu_count": 32,
            },
        }
    )
    b.links += [
        {
            "type": "OWNED_BY",
            "source": {"ref": key},
            "target": {"class": "Team", "identifiers": {"name": f"team-{n % 10}"}},
        },
        {
            "type": "COVERED_BY",
            "source": {"ref": key},
            "target": {"class": "Contract", "identifiers": {"contract_number": f"C-{n % 10}"}},
        },
    ]
    for e, (p, j, port) in enumerate(server_homes(top, n)):
        iface = f"{key}/eth{e}"
        b.cis.append(
            {
                "key": iface,
                "class": "Interface",
                "parent": {"ref": key},
                "attributes": {
                    "name": f"eth{e}",
                    "mac": f"06:{e:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}:01",
                    "mtu": 1500,
                },
            }
        )
        b.links.append(
            {
                "type": "CONNECTED_TO",
                "evidence": "lldp",
                "source": {"ref": iface},
                "target": _port_ref(access_name(p, j), port),
            }
        )
        if e == 0:
            b.cis.append(
                {
                    "key": f"{key}/ip",
                    "class": "IPAddress",
                    "parent": {"ref": iface},
                    "attributes": {
                        "address": f"172.{16 + (n >> 16)}.{n >> 8 & 255}.{n & 255}",
                        "prefix_length": 16,
                    },
                }
            )
            b.links.append(
                {"type": "HAS_ADDRESS", "source": {"ref": iface}, "target": {"ref": f"{key}/ip"}}
            )


def server_set(top: Topology, first: int, at: datetime) -> ChangeSet:
    """Servers first.. (a multiple of 12) with their VMs, clusters and applications."""
    b = _Builder()
    for n in range(first, min(first + SERVERS_PER_SET, top.servers)):
        _server(b, top, n)
        block = n // 12
        if n % 4 == 0:
            vm = f"vm{n}"
            b.cis.append(
                {
                    "key": vm,
                    "class": "VirtualMachine",
                    "attributes": {
                        "vm_uuid": f"tvm-{n:06}",
                        "hostname": f"tvm{n}",
                        "domain": "bench",
                        "cpu_count": 4,
                    },
                }
            )
            b.links.append({"type": "HOSTED_ON", "source": {"ref": vm}, "target": {"ref": f"s{n}"}})
            if n % 12 == 0:
                b.cis.append(
                    {
                        "key": f"g{block}",
                        "class": "RedundancyGroup",
                        "attributes": {"group_key": f"tcluster-{block}", "min_members_up": 2},
                    }
                )
                b.cis.append(
                    {
                        "key": f"app{block}",
                        "class": "Application",
                        "attributes": {"name": f"tapp-{block}"},
                    }
                )
                b.links.append(
                    {
                        "type": "DEPENDS_ON",
                        "source": {"ref": f"app{block}"},
                        "target": {"ref": f"g{block}"},
                    }
                )
            b.links.append(
                {"type": "MEMBER_OF", "source": {"ref": vm}, "target": {"ref": f"g{block}"}}
            )
    return b.changeset("ssh", at)


def business_set(top: Topology, at: datetime) -> ChangeSet:
    b = _Builder()
    apps = -(-top.servers // 12)
    for s in range(-(-apps // 10)):
        b.cis.append(
            {"key": f"bs{s}", "class": "BusinessService", "attributes": {"name": f"tservice-{s}"}}
        )
        for a in range(10 * s, min(10 * s + 10, apps)):
            b.links.append(
                {
                    "type": "DEPENDS_ON",
                    "source": {"ref": f"bs{s}"},
                    "target": {"class": "Application", "identifiers": {"name": f"tapp-{a}"}},
                }
            )
    return b.changeset("register", at)


def topology_phases(top: Topology, at: datetime) -> list[list[ChangeSet]]:
    """The change sets in phases (see the module's docstring); the reference set of
    bench/ingest.py (teams, contracts) must be ingested first."""
    return [
        [core_set(top, at)],
        [dist_set(top, p, at) for p in range(top.dist_pairs)],
        [access_set(top, p, at) for p in range(top.dist_pairs)],
        [server_set(top, first, at) for first in range(0, top.servers, SERVERS_PER_SET)],
        [business_set(top, at)],
    ]
