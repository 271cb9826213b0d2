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

Depth (issue 11): VLAN membership (tagged or not), hardware components and their
containment, link-aggregation membership, ARP rows, printer supplies; what a neighbour
told of itself (capabilities, management addresses) so that an endpoint that is never
discovered itself (a phone, a camera, an access point) can still be recorded.
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
    os_version: str | None = None  # normalised: "15.2(2)E7", "9.3(8)", "7.2.1"
    os_version_raw: str | None = None  # as the device printed it, when that differs
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
    hardware_rev: str | None = None
    page_count: int | None = None  # a printer's lifetime page counter (Printer-MIB)


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
    descr: str | None = None  # ifDescr (or the CLI's hardware description), as told
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
    remote_addresses: tuple[str, ...] = ()  # management addresses it advertised
    remote_capabilities: tuple[str, ...] = ()  # lower case: bridge, router, telephone, ...
    # True when the far port is given as LLDP subtype "local" (7): `remote_port` is then
    # an ID of the far device's own (often its ifIndex), not a name
    remote_port_local: bool = False


@dataclass(frozen=True, slots=True)
class FdbEntry:
    """A forwarding-table row; `learned`: taught by a host's traffic (not static/self)."""

    mac: str
    port: Port | None
    learned: bool
    vlan: int | None = None


@dataclass(frozen=True, slots=True)
class VlanMember:
    """A port in a VLAN: `tagged` True on a trunk, False untagged (access or native),
    None when the source does not tell."""

    port: Port
    tagged: bool | None = None


@dataclass(frozen=True, slots=True)
class VlanFacts:
    vlan_id: int
    name: str | None
    members: tuple[VlanMember, ...] = ()


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


ComponentKind = Literal[
    "chassis", "slot", "module", "port", "transceiver", "power_supply", "fan", "stack",
    "cpu", "other",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """One entry of the device's hardware inventory (ENTITY-MIB entPhysicalTable, `show
    inventory`, `show chassis hardware`, `display device manuinfo`).

    `index`: the source's own key (entPhysicalIndex, or the CLI's name), unique within
    the device; `contained_in`: the index of the component holding it (None: the top).
    `port`: the local port this component is or serves (a port entity, a transceiver in
    it), when the source maps it. A transceiver's type goes in `description`, its part
    number in `model`.
    """

    index: str
    kind: ComponentKind
    name: str | None
    description: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    hardware_rev: str | None = None
    firmware_rev: str | None = None
    software_rev: str | None = None
    contained_in: str | None = None
    position: int | None = None  # entPhysicalParentRelPos: the slot number in its parent
    field_replaceable: bool | None = None
    port: Port | None = None


@dataclass(frozen=True, slots=True)
class LagMember:
    """`member` is bundled into the aggregate interface `lag` (port-channel, Eth-Trunk,
    Bridge-Aggregation, ae0); `active`: selected/bundled now (None: not told)."""

    lag: Port
    member: Port
    protocol: Literal["lacp", "static", "pagp"] | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class ArpEntry:
    """An IP-to-MAC row of the device's ARP / neighbour table."""

    address: str
    mac: str | None
    port: Port | None
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class SupplyFacts:
    """A printer's supply (Printer-MIB prtMarkerSuppliesTable): toner, drum, waste.
    `level`/`capacity` in the device's unit; negative values (unknown) become None."""

    description: str
    kind: str | None = None
    level: int | None = None
    capacity: int | None = None


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
    supplies: tuple[SupplyFacts, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what the driver skipped or repaired
