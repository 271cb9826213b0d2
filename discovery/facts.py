"""DeviceFacts: what one discovery protocol learned about one device, typed. The contract.

Every driver (SNMP, SSH, any later protocol) fills one `DeviceFacts` from what it parsed;
`discovery.normalize.normalize_device` alone turns facts into a change set, so the same
box seen over two protocols is described the same way. Like napalm's getters, each field
below is a getter, and `tests/contract/` checks every driver's getters on every recording.

Conventions, for every driver:
- identifiers as `discovery.identifiers` writes them (MACs `aa:bb:cc:dd:ee:ff`,
  interface names in their canonical long form; Linux kernel names as they are);
- None (or an empty tuple) when the device did not tell; never "" or a placeholder;
  junk (`<private>`, all-zero MACs) is kept: the schema decides what may identify;
- a local port (`Port`) is named as the protocol names it: by ifIndex where SNMP's
  tables join on it, by interface name where the CLI prints one;
- rows in the order the device gave them, except where a field says otherwise.

Components, LAG membership and ARP are typed and empty for now (issue 11 fills them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# A local port: ifIndex (SNMP) or interface name (CLI).
Port = int | str
NeighbourProtocol = Literal["lldp", "cdp"]
# The getters; `Coverage` says which of them did not answer completely.
Getter = Literal[
    "system", "inventory", "interfaces", "addresses", "neighbours", "fdb", "vlans",
    "software", "services", "components", "lags", "arp",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """Who the device is. `kind`: switch, router, firewall, wireless, server, storage,
    virtual_machine, printer, ups, pdu, kvm, camera; None when nothing tells."""

    kind: str | None
    name: str | None  # the system/host name as configured, maybe with its domain
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None  # the device's own; else the chassis units' (`ChassisUnit`)
    os_name: str | None = None
    os_version: str | None = None
    platform: str | None = None  # the netmiko device type the OS answers to
    description: str | None = None  # sysDescr
    object_id: str | None = None  # sysObjectID
    uptime_seconds: int | None = None
    base_mac: str | None = None  # the bridge's / chassis' own MAC
    chassis_id: str | None = None  # the LLDP chassis MAC neighbours name us by
    kernel: str | None = None
    machine_id: str | None = None
    cpu_model: str | None = None
    cpu_count: int | None = None
    memory_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class ChassisUnit:
    """One chassis (a stack member), in member order."""

    serial: str | None
    model: str | None = None
    firmware: str | None = None


@dataclass(frozen=True, slots=True)
class InterfaceFacts:
    """One interface. `name` None: the agent named it nowhere (kept for its MAC);
    `physical`: a NIC of its own (its MAC may stand for a host)."""

    name: str | None
    if_index: int | None = None
    if_type: str | None = None
    alias: str | None = None
    mac: str | None = None
    mtu: int | None = None
    speed_mbps: int | None = None
    admin_status: str | None = None
    oper_status: str | None = None
    physical: bool = False


@dataclass(frozen=True, slots=True)
class AddressFacts:
    """An address bound to a port (None: to the device itself)."""

    port: Port | None
    address: str
    prefix_length: int | None
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class NeighbourFacts:
    """A link partner seen over LLDP or CDP, as far as it can be told apart."""

    protocol: NeighbourProtocol
    local_port: Port | None
    remote_name: str | None  # system name / device id as sent
    remote_port: str | None  # the far port's name (or its ID when that is all there is)
    remote_port_mac: str | None = None  # when the far port is given as a MAC
    remote_chassis_mac: str | None = None  # when the chassis ID is a MAC
    remote_platform: str | None = None
    remote_description: str | None = None
    remote_addresses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FdbEntry:
    """A forwarding-table row; `learned`: taught by a host's traffic (not static/self)."""

    mac: str
    port: Port | None
    learned: bool
    vlan: int | None = None


@dataclass(frozen=True, slots=True)
class VlanFacts:
    vlan_id: int
    name: str | None
    ports: tuple[Port, ...] = ()  # member ports, tagged or not


@dataclass(frozen=True, slots=True)
class SoftwareFacts:
    product: str
    version: str | None  # None: the package name carried no version we can tell
    arch: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """A listening socket."""

    protocol: Literal["tcp", "udp"]
    address: str
    port: int
    process: str | None = None


# -- issue 11: typed, empty for now ----------------------------------------------------
@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """A field-replaceable unit (module, PSU, fan, transceiver) inside `contained_in`."""

    index: str
    kind: str | None
    name: str | None
    model: str | None = None
    serial: str | None = None
    hardware_rev: str | None = None
    firmware_rev: str | None = None
    contained_in: str | None = None


@dataclass(frozen=True, slots=True)
class LagMember:
    lag: Port
    member: Port


@dataclass(frozen=True, slots=True)
class ArpEntry:
    address: str
    mac: str | None
    port: Port | None
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """What did not answer. `failed`: the driver's own names of the tables or commands
    that gave nothing usable; `incomplete`: the getters they feed; `unaccounted`: a
    failure the driver cannot map onto getters (then nothing can be certified)."""

    getters: frozenset[Getter]  # what this driver collects for this device
    failed: tuple[str, ...] = ()
    incomplete: frozenset[Getter] = frozenset()
    unaccounted: bool = False


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    source: str  # the protocol: snmp, ssh
    system: SystemFacts
    coverage: Coverage
    chassis: tuple[ChassisUnit, ...] = ()
    interfaces: tuple[InterfaceFacts, ...] = ()
    addresses: tuple[AddressFacts, ...] = ()
    neighbours: tuple[NeighbourFacts, ...] = ()
    fdb: tuple[FdbEntry, ...] = ()
    vlans: tuple[VlanFacts, ...] = ()
    software: tuple[SoftwareFacts, ...] = ()
    services: tuple[ServiceFacts, ...] = ()
    components: tuple[ComponentFacts, ...] = ()
    lags: tuple[LagMember, ...] = ()
    arp: tuple[ArpEntry, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what the driver skipped or repaired
