"""Typed rows that SSH parsers return: one frozen dataclass per kind of fact.

Conventions for every record:
- text fields are stripped; a value the device did not show is None, never "";
- MAC addresses are lower-case and colon-separated (`00:1c:73:cd:23:52`);
- sizes are bytes, bandwidths kbit/s, durations seconds;
- `raw` strings keep the device's own wording where we normalise (status words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NeighborProtocol = Literal["lldp", "cdp"]
LinkStatus = Literal["up", "down"]


# --- network devices -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceVersion:
    """Identity and software of one device (`show version` and friends)."""

    platform: str  # our platform name, e.g. "cisco_ios"
    vendor: str
    hostname: str | None
    os_version: str | None
    model: str | None  # first/primary hardware model
    serials: tuple[str, ...] = ()  # chassis serials; stack members in order
    models: tuple[str, ...] = ()  # one per stack member when shown
    uptime: str | None = None  # as the device printed it
    uptime_seconds: int | None = None
    image: str | None = None
    base_mac: str | None = None


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One field-replaceable unit: chassis, module, PSU, fan, transceiver."""

    name: str | None
    descr: str | None
    pid: str | None  # product id / model / part number
    serial: str | None
    vid: str | None  # version id / hardware revision
    contained_in: str | None = None  # the holding item's name, where the output nests them


@dataclass(frozen=True, slots=True)
class Interface:
    """One interface as `show interface(s)` reports it."""

    name: str
    description: str | None
    mac: str | None
    mtu: int | None
    speed: str | None  # as shown ("10Gb/s", "auto-speed"); see bandwidth_kbps
    bandwidth_kbps: int | None
    admin_status: LinkStatus | None
    oper_status: LinkStatus | None
    ip_address: str | None = None
    prefix_length: int | None = None
    hardware_type: str | None = None


@dataclass(frozen=True, slots=True)
class IPInterface:
    """An address bound to an interface (`show ip interface brief`, config)."""

    interface: str
    address: str | None  # None when "unassigned"
    prefix_length: int | None
    vrf: str | None
    admin_status: LinkStatus | None
    oper_status: LinkStatus | None


@dataclass(frozen=True, slots=True)
class Neighbor:
    """A link partner seen over LLDP or CDP."""

    protocol: NeighborProtocol
    local_interface: str | None  # some IOS releases omit it in LLDP detail
    remote_name: str | None  # LLDP system name / CDP device id
    remote_port: str | None  # LLDP port id / CDP port id
    remote_port_description: str | None = None
    platform: str | None = None
    remote_description: str | None = None  # system description / software version
    mgmt_address: str | None = None
    chassis_id: str | None = None  # a MAC in colon form when it is one
    capabilities: str | None = None


@dataclass(frozen=True, slots=True)
class MacEntry:
    """One row of a switch's forwarding table."""

    mac: str
    vlan: int | None  # None when the device shows no number ("All", a VLAN name)
    interface: str | None  # first port; None when the entry points nowhere
    type: str | None  # dynamic / static / ..., lower-case
    vlan_name: str | None = None  # the label shown when it is not a number


@dataclass(frozen=True, slots=True)
class ArpEntry:
    ip: str
    mac: str | None  # None for incomplete entries
    interface: str | None
    vrf: str | None = None


@dataclass(frozen=True, slots=True)
class Vlan:
    vlan_id: int
    name: str | None
    status: str | None
    interfaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SwitchPort:
    """A port's VLAN mode (`show interface(s) switchport`). `mode`: access or trunk when
    that is in effect (or configured, on a port that is down), else None (routed, dynamic)."""

    interface: str
    mode: Literal["access", "trunk"] | None
    mode_raw: str | None  # as shown: "static access", "trunk", "down"
    access_vlan: int | None
    native_vlan: int | None
    trunk_vlans: tuple[tuple[int, int], ...] | None = None  # allowed, inclusive ranges
    voice_vlan: int | None = None


@dataclass(frozen=True, slots=True)
class VlanPort:
    """One VLAN of a port as the port lists it (Junos `show ethernet-switching
    interfaces`); `tagged` None when the device left the column blank."""

    interface: str
    vlan_name: str | None
    vlan_id: int | None
    tagged: bool | None


@dataclass(frozen=True, slots=True)
class LagMembership:
    """A member port of an aggregate (port-channel, Eth-Trunk, ae): `active` when it is
    bundled (collecting and distributing) now."""

    lag: str
    member: str
    protocol: Literal["lacp", "pagp", "static"] | None
    active: bool | None
    status: str | None = None  # the member's flags or state as shown: "P", "PSG+"


# --- Linux hosts -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostFacts:
    """Identity, OS and size of one Linux host; fields are None where unreadable."""

    hostname: str
    fqdn: str | None
    domain: str | None
    os_id: str | None  # ID from /etc/os-release, e.g. "debian"
    os_name: str | None  # PRETTY_NAME
    os_version_id: str | None  # VERSION_ID, e.g. "12"
    kernel: str | None
    architecture: str | None
    cpu_model: str | None
    cpu_count: int | None
    memory_total_bytes: int | None
    machine_id: str | None
    dmi_serial: str | None
    dmi_vendor: str | None
    dmi_product: str | None


@dataclass(frozen=True, slots=True)
class Disk:
    name: str  # kernel name, e.g. "vda"
    path: str | None
    type: str  # disk / part / lvm / rom / loop ...
    size_bytes: int | None
    model: str | None
    serial: str | None
    rotational: bool | None
    mountpoint: str | None


@dataclass(frozen=True, slots=True)
class LinuxAddress:
    family: Literal["inet", "inet6"]
    address: str
    prefix_length: int
    scope: str | None


@dataclass(frozen=True, slots=True)
class LinuxInterface:
    name: str
    mac: str | None
    mtu: int | None
    state: str | None  # operstate, lower-case: up / down / unknown
    link_type: str | None
    addresses: tuple[LinuxAddress, ...] = ()


@dataclass(frozen=True, slots=True)
class Package:
    name: str
    version: str
    arch: str | None


@dataclass(frozen=True, slots=True)
class ListeningService:
    proto: Literal["tcp", "udp"]
    local_address: str  # "0.0.0.0", "::", "127.0.0.1", "*"
    port: int
    process: str | None  # None when ss could not see the owner
    pid: int | None


Record = (
    DeviceVersion
    | InventoryItem
    | Interface
    | IPInterface
    | Neighbor
    | MacEntry
    | ArpEntry
    | Vlan
    | SwitchPort
    | VlanPort
    | LagMembership
    | HostFacts
    | Disk
    | LinuxInterface
    | Package
    | ListeningService
)
