"""`--scale N`: clone recordings into N distinct devices wired into a spine/leaf fabric.

Pure functions, no I/O. Each clone keeps its base recording and gets an overlay: a new
sysName, serials and MACs rewritten consistently (the same recorded value always maps
to the same new one inside a device), its own addresses, and neighbour tables
(LLDP, CDP) and MAC tables (BRIDGE-MIB, Q-BRIDGE-MIB) regenerated from the generated
topology, so that neighbours point at each other. Servers are dual-homed to a leaf pair
and appear in both leaves' MAC tables, one MAC per port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from lab import oids
from lab.errors import LabError
from lab.facts import column, display, walk
from lab.snmprec import MemoryRecording, Row

SERVERS_PER_LEAF_PAIR = 16
MANAGEMENT_PORTS = ("mgmt", "management", "fxp", "em", "me0", "vme", "lo")
HR_STORAGE = "1.3.6.1.2.1.25.2"
PRINTER_MIB = "1.3.6.1.2.1.43"


class ScaleError(LabError):
    """The requested scale cannot be built from the available recordings."""


@dataclass(frozen=True)
class Port:
    if_index: str
    name: str
    descr: str


@dataclass(frozen=True)
class BaseProfile:
    """What the generator needs to know about one base recording."""

    key: str  # where the agent finds the recording
    data: MemoryRecording
    sys_descr: str
    ethernet: tuple[Port, ...]
    own_macs: tuple[str, ...]  # recorded MACs of the device itself, upper-case hex
    lldp_port_num: dict[str, str]  # ifName/ifDescr -> lldpLocPortNum
    bridge_port: dict[str, str]  # ifIndex -> dot1dBasePort
    cdp: bool
    switch: bool
    server: bool


def profile_base(key: str, rows: list[Row]) -> BaseProfile:
    """Describe a base recording: its Ethernet ports, own MACs, LLDP/bridge numbering."""
    data = MemoryRecording.from_rows(rows)
    types = column(data, oids.IF_TYPE)
    names = column(data, oids.IF_NAME)
    descrs = column(data, oids.IF_DESCR)
    ports = tuple(
        Port(i, display(names.get(i)) or display(descrs.get(i)), display(descrs.get(i)))
        for i in sorted(types, key=int)
        if types[i][2] == oids.ETHERNET_CSMACD
        and not display(names.get(i) or descrs.get(i)).lower().startswith(MANAGEMENT_PORTS)
    )
    macs = {r[2].upper() for r in walk(data, oids.IF_PHYS_ADDRESS) if _is_mac(r)}
    for single in (oids.DOT1D_BASE_BRIDGE_ADDRESS, oids.LLDP_LOC_CHASSIS_ID):
        row = data.get(single)
        if row is not None and _is_mac(row):
            macs.add(row[2].upper())
    lldp_ports: dict[str, str] = {}
    for prefix in (oids.LLDP_LOC_PORT_DESC, oids.LLDP_LOC_PORT_ID):
        for num, row in column(data, prefix).items():
            lldp_ports[display(row)] = num
    bridge = {r[2]: idx for idx, r in column(data, oids.DOT1D_BASE_PORT_IFINDEX).items()}
    has_lldp = bool(lldp_ports) or any(True for _ in walk(data, oids.LLDP_REMOTE_DATA))
    cdp = any(True for _ in walk(data, oids.CDP_CACHE))
    return BaseProfile(
        key=key,
        data=data,
        sys_descr=display(data.get(oids.SYS_DESCR)),
        ethernet=ports,
        own_macs=tuple(sorted(macs)),
        lldp_port_num=lldp_ports,
        bridge_port=bridge,
        cdp=cdp,
        switch=len(ports) >= 8 and (has_lldp or cdp),
        server=(any(True for _ in walk(data, HR_STORAGE)) and 0 < len(ports) <= 16
                and not any(True for _ in walk(data, PRINTER_MIB))),
    )


def _is_mac(row: Row) -> bool:
    return row[1] == "4x" and len(row[2]) == 12 and bool(row[2].strip("0"))


@dataclass
class Node:
    number: int  # 1-based, unique in the lab
    name: str
    role: str  # spine | leaf | server
    base: BaseProfile
    address: str
    used: list[Port] = field(default_factory=list)

    def take_port(self) -> Port:
        if len(self.used) >= len(self.base.ethernet):
            raise ScaleError(f"{self.name}: base {self.base.key} has too few Ethernet ports")
        port = self.base.ethernet[len(self.used)]
        self.used.append(port)
        return port

    def take_port_or_reuse(self) -> Port:
        """Servers with a single NIC bond it to both leaves."""
        if len(self.used) < len(self.base.ethernet):
            return self.take_port()
        if not self.used:
            raise ScaleError(f"{self.name}: base {self.base.key} has no Ethernet port")
        return self.used[-1]


@dataclass(frozen=True)
class Link:
    a: Node
    a_port: Port
    b: Node
    b_port: Port


@dataclass(frozen=True)
class Overlay:
    rows: list[Row]
    deleted: list[str]


@dataclass(frozen=True)
class ScaledDevice:
    name: str
    role: str
    address: str
    base_key: str
    overlay: Overlay


def fabric_sizes(n: int) -> tuple[int, int, int]:
    """(spines, leaves, servers) adding up to n."""
    if n < 1:
        raise ScaleError("--scale needs at least one device")
    if n < 5:
        spines = min(n, 2)
        return spines, n - spines, 0
    spines = max(2, n // 100)
    rest = n - spines
    leaves = max(2, 2 * round(rest / (SERVERS_PER_LEAF_PAIR / 2 + 1) / 2))
    return spines, leaves, rest - leaves


def plan_fabric(
    n: int, bases: Sequence[BaseProfile], addresses: Sequence[str]
) -> tuple[list[Node], list[Link]]:
    """Nodes and links of an n-device fabric: each leaf uplinks to two spines, each
    server to the two leaves of a pair."""
    switches = [b for b in bases if b.switch]
    servers = [b for b in bases if b.server]
    if not switches:
        raise ScaleError("no recording looks like a switch (Ethernet ports + LLDP/CDP)")
    spines_n, leaves_n, servers_n = fabric_sizes(n)
    if servers_n and not servers:
        raise ScaleError("no recording looks like a server (HOST-RESOURCES-MIB)")
    if len(addresses) < n:
        raise ScaleError(f"the SNMP block has {len(addresses)} addresses, {n} needed")
    nodes: list[Node] = []

    def add(name: str, role: str, base: BaseProfile) -> Node:
        node = Node(len(nodes) + 1, name, role, base, addresses[len(nodes)])
        nodes.append(node)
        return node

    spines = [add(f"spine-{i + 1:02d}", "spine", switches[i % len(switches)])
              for i in range(spines_n)]
    leaves = [add(f"leaf-{i + 1:03d}", "leaf", switches[(i + 1) % len(switches)])
              for i in range(leaves_n)]
    hosts = [add(f"server-{i + 1:04d}", "server", servers[i % len(servers)])
             for i in range(servers_n)]
    links: list[Link] = []
    for i, leaf in enumerate(leaves):
        uplinks = {spines[i % spines_n].name, spines[(i + 1) % spines_n].name}
        for spine in (s for s in spines if s.name in uplinks):
            links.append(Link(leaf, leaf.take_port(), spine, spine.take_port()))
    pairs = [leaves[i : i + 2] for i in range(0, len(leaves) - 1, 2)]
    for i, host in enumerate(hosts):
        for leaf in pairs[i % len(pairs)]:
            links.append(Link(host, host.take_port_or_reuse(), leaf, leaf.take_port()))
    return nodes, links


def new_mac(device: int, k: int) -> str:
    """A locally administered MAC, unique per (device, k)."""
    return f"024C{device >> 8 & 0xFF:02X}{device & 0xFF:02X}{k >> 8 & 0xFF:02X}{k & 0xFF:02X}"


def new_serial(device: int, k: int) -> str:
    return f"LAB{device:05d}S{k:03d}"


def mac_map(node: Node) -> dict[str, str]:
    return {mac: new_mac(node.number, k) for k, mac in enumerate(node.base.own_macs)}


def port_mac(node: Node, port: Port) -> str:
    """The rewritten MAC of one of the node's ports (the base MAC when it has none)."""
    row = node.base.data.get(f"{oids.IF_PHYS_ADDRESS}.{port.if_index}")
    macs = mac_map(node)
    if row is not None and row[2].upper() in macs:
        return macs[row[2].upper()]
    return new_mac(node.number, 0xFFFF)


def _own_port_mac_rows(node: Node, port: Port) -> list[Row]:
    """The port's ifPhysAddress when its recording has none of its own: the MAC a leaf
    learns on it (port_mac) must be one the host itself reports, or nothing places it."""
    row = node.base.data.get(f"{oids.IF_PHYS_ADDRESS}.{port.if_index}")
    if row is not None and row[2].upper() in mac_map(node):
        return []
    return [(f"{oids.IF_PHYS_ADDRESS}.{port.if_index}", "4x", port_mac(node, port))]


def chassis_mac(node: Node) -> str:
    macs = mac_map(node)
    row = node.base.data.get(oids.DOT1D_BASE_BRIDGE_ADDRESS) or node.base.data.get(
        oids.LLDP_LOC_CHASSIS_ID
    )
    if row is not None and row[2].upper() in macs:
        return macs[row[2].upper()]
    return new_mac(node.number, 0)


def rewrite_identity(node: Node) -> list[Row]:
    """sysName, serials and every recorded own-MAC value rewritten for this clone."""
    rows: list[Row] = [(oids.SYS_NAME, "4", node.name)]
    serials: dict[str, str] = {}
    vendor = [row for row in map(node.base.data.get, oids.VENDOR_SERIALS) if row is not None]
    for oid, tag, value in [*walk(node.base.data, oids.ENT_PHYSICAL_SERIAL), *vendor]:
        text = display((oid, tag, value)).strip()
        if text:
            new = serials.setdefault(text, new_serial(node.number, len(serials) + 1))
            rows.append((oid, "4", new))
    macs = mac_map(node)
    for oid, tag, value in node.base.data.rows:
        if tag == "4x" and value.upper() in macs:
            rows.append((oid, "4x", macs[value.upper()]))
    return rows


def rewrite_addresses(node: Node) -> tuple[list[Row], list[str]]:
    """The recorded ipAddrTable becomes the clone's own: its lab address first, then
    made-up 10/8 addresses (values only, nothing is ever sent to them)."""
    deleted = [oids.IP_ADDR_TABLE, oids.IP_NET_TO_MEDIA, oids.IP_ADDRESS_TABLE,
               oids.IP_NET_TO_PHYSICAL]
    recorded = column(node.base.data, f"{oids.IP_ADDR_ENTRY}.2")  # ip -> ifIndex
    rows: list[Row] = []
    for k, row in enumerate(recorded[ip] for ip in sorted(recorded)):
        hi, lo = node.number >> 8 & 0xFF, node.number & 0xFF
        new_ip = node.address if k == 0 else f"10.{hi}.{lo}.{k}"
        mask = "255.0.0.0" if k == 0 else "255.255.255.0"
        rows += [
            (f"{oids.IP_ADDR_ENTRY}.1.{new_ip}", "64", new_ip),
            (f"{oids.IP_ADDR_ENTRY}.2.{new_ip}", "2", row[2]),
            (f"{oids.IP_ADDR_ENTRY}.3.{new_ip}", "64", mask),
        ]
    return rows, deleted


def _lldp_rows(node: Node, local: Port, peer: Node, peer_port: Port, rem: int) -> list[Row]:
    num = node.base.lldp_port_num.get(local.name) or node.base.lldp_port_num.get(
        local.descr, local.if_index)
    idx = f"0.{num}.{rem}"
    entry = oids.LLDP_REM_ENTRY
    return [
        (f"{entry}.4.{idx}", "2", "4"),
        (f"{entry}.5.{idx}", "4x", chassis_mac(peer)),
        (f"{entry}.6.{idx}", "2", "5"),
        (f"{entry}.7.{idx}", "4", peer_port.name),
        (f"{entry}.8.{idx}", "4", peer_port.descr),
        (f"{entry}.9.{idx}", "4", peer.name),
        (f"{entry}.10.{idx}", "4", peer.base.sys_descr),
        (f"{oids.LLDP_REM_MAN_ADDR_ENTRY}.3.{idx}.1.4.{peer.address}", "2", "2"),
    ]


def _cdp_rows(local: Port, peer: Node, peer_port: Port) -> list[Row]:
    idx = f"{local.if_index}.1"
    entry = oids.CDP_CACHE_ENTRY
    ip_hex = ipaddress.IPv4Address(peer.address).packed.hex().upper()
    return [
        (f"{entry}.3.{idx}", "2", "1"),
        (f"{entry}.4.{idx}", "4x", ip_hex),
        (f"{entry}.5.{idx}", "4", peer.base.sys_descr),
        (f"{entry}.6.{idx}", "4", peer.name),
        (f"{entry}.7.{idx}", "4", peer_port.name),
        (f"{entry}.8.{idx}", "4", peer.base.sys_descr.split(",")[0][:60]),
    ]


def _fdb_rows(node: Node, local: Port, mac: str) -> list[Row]:
    bport = node.base.bridge_port.get(local.if_index, local.if_index)
    dotted = ".".join(str(b) for b in bytes.fromhex(mac))
    rows: list[Row] = [
        (f"{oids.DOT1D_TP_FDB}.1.1.{dotted}", "4x", mac),
        (f"{oids.DOT1D_TP_FDB}.1.2.{dotted}", "2", bport),
        (f"{oids.DOT1D_TP_FDB}.1.3.{dotted}", "2", "3"),
        (f"{oids.DOT1Q_TP_FDB}.1.2.1.{dotted}", "2", bport),
        (f"{oids.DOT1Q_TP_FDB}.1.3.1.{dotted}", "2", "3"),
    ]
    if local.if_index not in node.base.bridge_port:
        rows.append((f"{oids.DOT1D_BASE_PORT_IFINDEX}.{bport}", "2", local.if_index))
    return rows


def _lldp_local_rows(node: Node) -> list[Row]:
    """The chassis ID a switch sends (a MAC), the one its neighbours' lldpRemChassisId
    carries; only when the recording has none of its own (then rewrite_identity maps it)."""
    if node.base.data.get(oids.LLDP_LOC_CHASSIS_ID) is not None:
        return []
    return [(oids.LLDP_LOC_CHASSIS_ID_SUBTYPE, "2", "4"),
            (oids.LLDP_LOC_CHASSIS_ID, "4x", chassis_mac(node))]


def build_overlays(nodes: list[Node], links: list[Link]) -> list[ScaledDevice]:
    """Every node's overlay: identity, addresses and its side of every link."""
    extra: dict[str, list[Row]] = {node.name: [] for node in nodes}
    rem_index: dict[str, int] = {}
    for link in links:
        for me, mine, peer, theirs in ((link.a, link.a_port, link.b, link.b_port),
                                       (link.b, link.b_port, link.a, link.a_port)):
            if not me.base.switch:
                continue
            if peer.base.switch:
                rem_index[me.name] = rem_index.get(me.name, 0) + 1
                extra[me.name] += _lldp_rows(me, mine, peer, theirs, rem_index[me.name])
                if me.base.cdp:
                    extra[me.name] += _cdp_rows(mine, peer, theirs)
            else:
                extra[me.name] += _fdb_rows(me, mine, port_mac(peer, theirs))
                extra[peer.name] += [r for r in _own_port_mac_rows(peer, theirs)
                                     if r not in extra[peer.name]]
    devices = []
    for node in nodes:
        addr_rows, deleted = rewrite_addresses(node)
        if node.base.switch:
            deleted += [oids.LLDP_REMOTE_DATA, oids.CDP_CACHE, oids.DOT1D_TP_FDB,
                        oids.DOT1Q_TP_FDB]
            addr_rows += _lldp_local_rows(node)
        rows = rewrite_identity(node) + addr_rows + extra[node.name]
        devices.append(ScaledDevice(node.name, node.role, node.address, node.base.key,
                                    Overlay(rows, deleted)))
    return devices


def generate(
    n: int, bases: Sequence[BaseProfile], addresses: Sequence[str]
) -> list[ScaledDevice]:
    """N cloned devices in a spine/leaf fabric with dual-homed servers."""
    nodes, links = plan_fabric(n, bases, addresses)
    return build_overlays(nodes, links)
