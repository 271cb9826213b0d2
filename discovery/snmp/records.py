"""Typed rows that the SNMP parsers return.

Frozen dataclasses only: a parser turns a varbinds mapping into these, and nothing
downstream ever has to look at an OID again. Optional fields are ``None`` when the
agent did not answer that column, never an empty placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from discovery.facts import ArpEntry, ComponentFacts, LagMember, SupplyFacts, VlanFacts

# One SNMP value as the parsers see it: INTEGER/Counter/Gauge/TimeTicks -> int,
# OctetString/Opaque -> bytes, OBJECT IDENTIFIER and IpAddress -> dotted str.
Value = int | str | bytes
# Dotted numeric OID (no leading dot) -> value.
Varbinds = Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """SNMPv2-MIB system group."""

    descr: str | None
    object_id: str | None
    name: str | None
    contact: str | None
    location: str | None
    uptime_ticks: int | None


@dataclass(frozen=True, slots=True)
class Classification:
    """What the device is, derived from sysObjectID, sysDescr and vendor scalars."""

    vendor: str | None
    os: str | None  # ios, nxos, junos, eos, routeros, linux, windows, printer, ...
    kind: str | None  # switch, router, firewall, server, printer, ...
    hardware: str | None
    version: str | None
    serial: str | None
    rule: str | None  # name of the classification rule that matched, for evidence


@dataclass(frozen=True, slots=True)
class Interface:
    """IF-MIB ifTable + ifXTable, one row per ifIndex."""

    if_index: int
    name: str | None  # ifName
    descr: str | None  # ifDescr
    alias: str | None  # ifAlias
    if_type: int | None  # IANAifType number
    if_type_name: str | None  # IANAifType label, e.g. ethernetCsmacd
    mtu: int | None
    speed_bps: int | None  # ifHighSpeed * 1e6 when it says more than ifSpeed
    mac: str | None  # aa:bb:cc:dd:ee:ff, None when empty or all zeros
    admin_status: str | None  # up, down, testing
    oper_status: str | None  # up, down, testing, unknown, dormant, notPresent, ...


@dataclass(frozen=True, slots=True)
class IPv4Address:
    if_index: int
    address: str
    netmask: str | None
    prefix_length: int | None


@dataclass(frozen=True, slots=True)
class IPv6Address:
    if_index: int
    address: str  # compressed form, e.g. fe80::1
    prefix_length: int | None


@dataclass(frozen=True, slots=True)
class EntityPhysical:
    """ENTITY-MIB entPhysicalTable."""

    index: int
    phys_class: str | None  # chassis, module, port, powerSupply, stack, ...
    descr: str | None
    name: str | None
    model_name: str | None
    serial: str | None
    hardware_rev: str | None
    firmware_rev: str | None
    software_rev: str | None
    mfg_name: str | None
    contained_in: int | None
    is_fru: bool | None
    vendor_type: str | None = None  # entPhysicalVendorType, an OID (0.0: none)
    parent_rel_pos: int | None = None  # entPhysicalParentRelPos (-1: not known)
    if_index: int | None = None  # entAliasMappingIdentifier: the ifIndex a port entity is


@dataclass(frozen=True, slots=True)
class LldpLocalSystem:
    """LLDP-MIB lldpLocalSystemData: the ID this device sends its neighbours."""

    chassis_id_subtype: int | None = None
    chassis_id: str | None = None  # decoded as decode_lldp_id does for remote IDs


@dataclass(frozen=True, slots=True)
class LldpNeighbor:
    """LLDP-MIB lldpRemTable row, with the local port resolved to an ifIndex."""

    local_port_num: int | None  # lldpRemLocalPortNum as the agent gave it
    local_if_index: int | None  # resolved, None when it cannot be resolved
    local_port_descr: str | None  # lldpLocPortDesc/lldpLocPortId of that port
    remote_index: int
    chassis_id_subtype: int | None
    chassis_id: str | None  # MAC as aa:bb:.., addresses dotted, names as text
    port_id_subtype: int | None
    port_id: str | None
    port_descr: str | None
    sys_name: str | None
    sys_descr: str | None
    mgmt_addresses: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()  # lldpRemSysCapEnabled, lower case


@dataclass(frozen=True, slots=True)
class CdpNeighbor:
    """CISCO-CDP-MIB cdpCacheTable row."""

    if_index: int
    device_index: int
    device_id: str | None
    address: str | None
    platform: str | None
    remote_port: str | None
    version: str | None
    capabilities: tuple[str, ...] = ()  # cdpCacheCapabilities, lower case


@dataclass(frozen=True, slots=True)
class FdbEntry:
    """A learned MAC address. From Q-BRIDGE when ``vlan`` is set, else BRIDGE-MIB."""

    mac: str
    bridge_port: int | None
    if_index: int | None
    vlan: int | None
    status: str | None  # learned, self, mgmt, other, invalid


@dataclass(frozen=True, slots=True)
class BridgeInfo:
    base_mac: str | None
    port_if_index: Mapping[int, int]  # dot1dBasePort -> ifIndex
    fdb: tuple[FdbEntry, ...]


@dataclass(frozen=True, slots=True)
class HrStorage:
    index: int
    storage_type: str | None  # hrStorageRam, hrStorageFixedDisk, ... (last arc name)
    descr: str | None
    allocation_units: int | None
    size_units: int | None
    used_units: int | None

    @property
    def size_bytes(self) -> int | None:
        if self.allocation_units is None or self.size_units is None:
            return None
        return self.allocation_units * self.size_units


@dataclass(frozen=True, slots=True)
class HrSoftwareInstalled:
    index: int
    name: str
    installed_date: str | None  # ISO 8601 when the DateAndTime decodes


@dataclass(frozen=True, slots=True)
class HrProcess:
    index: int
    name: str
    path: str | None
    parameters: str | None


@dataclass(frozen=True, slots=True)
class HostResources:
    memory_kib: int | None  # hrMemorySize
    processor_count: int  # rows in hrProcessorTable
    storage: tuple[HrStorage, ...]
    software: tuple[HrSoftwareInstalled, ...]
    processes: tuple[HrProcess, ...]
    device_count: int  # rows in hrDeviceTable


@dataclass(frozen=True, slots=True)
class PrinterInfo:
    """Printer-MIB (parse_printer)."""

    model: str | None  # hrDeviceDescr of the printer device, else prtGeneralPrinterName
    serial: str | None  # prtGeneralSerialNumber
    page_count: int | None  # prtMarkerLifeCount, summed over the printer's markers
    supplies: tuple[SupplyFacts, ...]


@dataclass(frozen=True, slots=True)
class UpsInfo:
    """The UPS a management card speaks for (parse_ups), and the card."""

    vendor: str | None
    model: str | None
    serial: str | None
    firmware: str | None
    card: ComponentFacts | None


@dataclass(frozen=True, slots=True)
class DeviceSnapshot:
    """Everything the parsers made of one target's varbinds."""

    system: SystemInfo
    classification: Classification
    interfaces: tuple[Interface, ...]
    ipv4: tuple[IPv4Address, ...]
    ipv6: tuple[IPv6Address, ...]
    entities: tuple[EntityPhysical, ...]
    lldp: tuple[LldpNeighbor, ...]
    cdp: tuple[CdpNeighbor, ...]
    bridge: BridgeInfo
    host: HostResources
    lldp_local: LldpLocalSystem = field(default=LldpLocalSystem())
    vlans: tuple[VlanFacts, ...] = ()  # parse_vlans: already in the facts' terms
    lags: tuple[LagMember, ...] = ()
    arp: tuple[ArpEntry, ...] = ()
    notes: tuple[str, ...] = field(default=())  # quirks applied, rows skipped
    printer: PrinterInfo | None = None  # None: no Printer-MIB table answered
    ups: UpsInfo | None = None  # None: no UPS identity answered
