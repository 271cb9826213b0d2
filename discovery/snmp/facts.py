"""DeviceSnapshot -> DeviceFacts: what one SNMP agent told, in the one facts contract. Pure.

- system: the classification (vendor, OS, kind, hardware, version, serial), sysName,
  sysDescr, sysObjectID, uptime, the bridge's own MAC, the LLDP chassis ID when it is a
  MAC, HOST-RESOURCES memory and processors;
- chassis: the ENTITY-MIB chassis rows in index order (stack members);
- components: every ENTITY-MIB row but sensors (parse_entity.entity_components), and a
  UPS's management card (parse_ups: the UPS, not the card, is the device);
- a printer's page count and supplies (Printer-MIB, parse_printer);
- interfaces in ifIndex order, named by ifName (ifDescr when it has none), canonical;
  an Ethernet (ethernetCsmacd) interface is a physical NIC;
- addresses, neighbours, the FDB (in ifIndex order) and VLAN-less bridge rows by ifIndex;
- software: hrSWInstalledName split into product, version and architecture;
- coverage: the collector's tables that did not answer, and the getters they feed
  (`TABLE_GETTERS`; a table not listed there certifies nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from discovery.facts import (
    AddressFacts,
    ChassisUnit,
    ComponentFacts,
    Coverage,
    DeviceFacts,
    FdbEntry,
    Getter,
    InterfaceFacts,
    NeighbourFacts,
    SoftwareFacts,
    SystemFacts,
)
from discovery.identifiers import canonical_ifname, normalize_mac
from discovery.snmp.classify import normal_version
from discovery.snmp.parse_entity import entity_components
from discovery.snmp.parse_neighbors import CHASSIS_MAC, PORT_MAC
from discovery.snmp.parse_printer import printer_identity
from discovery.snmp.parse_ups import ups_identity
from discovery.snmp.records import CdpNeighbor, DeviceSnapshot, EntityPhysical, LldpNeighbor

if TYPE_CHECKING:  # the collector pulls in pysnmp: normalizing needs only its types
    from discovery.snmp.collect import TableCoverage, TableStatus

SOURCE = "snmp"
# Classification OS -> the platform name the SSH side uses (netmiko device types).
PLATFORMS = {
    "ios": "cisco_ios",
    "iosxe": "cisco_ios",  # netmiko's cisco_ios drives IOS-XE too
    "nxos": "cisco_nxos",
    "eos": "arista_eos",
    "junos": "juniper_junos",
    "routeros": "mikrotik_routeros",
    "linux": "linux",
    "windows": "windows",
}
# LLDP-MIB LldpPortIdSubtype: the port ID is the interface's name; an ID of the far
# device's own (often its ifIndex).
PORT_INTERFACE_NAME, PORT_LOCAL = 5, 7
# FDB statuses that are not a host learned on the port.
_NOT_LEARNED = frozenset({"self", "mgmt", "invalid"})
_PHYSICAL_IF_TYPES = frozenset({"ethernetCsmacd"})
# Statuses that mean the agent told us what the table holds (maybe nothing).
ANSWERED: frozenset[TableStatus] = frozenset({"ok", "empty"})
GETTERS: frozenset[Getter] = frozenset(
    {"system", "inventory", "interfaces", "addresses", "neighbours", "fdb", "software",
     "components", "vlans", "lags", "arp"}
)  # fmt: skip
_NEIGHBOURS: frozenset[Getter] = frozenset({"neighbours"})
_VLANS: frozenset[Getter] = frozenset({"vlans"})
_LAGS: frozenset[Getter] = frozenset({"lags"})
# Collector table (the names of oids.SUBTREES, plus "scalars") -> the getters it feeds.
TABLE_GETTERS: dict[str, frozenset[Getter]] = {
    "ifTable": frozenset({"interfaces"}),
    "ifXTable": frozenset({"interfaces"}),  # ifName: without it interface names change
    "ipAddrTable": frozenset({"addresses"}),
    "ipAddressTable": frozenset({"addresses"}),
    "ipv6AddrTable": frozenset({"addresses"}),
    "entPhysicalTable": frozenset({"inventory", "components"}),
    "entAliasMappingTable": frozenset({"components"}),  # a port entity's ifIndex
    "hwEntityBomEnDesc": frozenset({"components"}),  # Huawei boards' descriptions
    "hwEntityBoardType": frozenset({"components"}),  # and types (models)
    "prtMarkerSuppliesTable": frozenset({"system", "inventory"}),  # supplies
    "prtGeneralTable": frozenset({"system"}),  # serial
    "prtMarkerTable": frozenset({"system"}),  # page count
    "lldpLocPortTable": _NEIGHBOURS,  # resolves the local port
    "lldpRemTable": _NEIGHBOURS,
    "lldpRemManAddrTable": _NEIGHBOURS,
    "cdpCacheTable": _NEIGHBOURS,
    "mtxrNeighborTable": _NEIGHBOURS,  # RouterOS LLDP local ports
    "dot1dBasePortTable": frozenset({"neighbours", "fdb", "vlans"}),  # bridge port -> ifIndex
    "dot1qVlanStaticName": _VLANS,
    "dot1qVlanStaticEgressPorts": _VLANS,
    "dot1qVlanStaticUntaggedPorts": _VLANS,
    "dot1qVlanCurrentEgressPorts": _VLANS,
    "dot1qVlanCurrentUntaggedPorts": _VLANS,
    "dot1qPvid": _VLANS,
    "vtpVlanName": _VLANS,
    "vlanTrunkPortDynamicStatus": _VLANS,
    "vlanTrunkPortNativeVlan": _VLANS,
    "vlanTrunkPortVlansEnabled": _VLANS,
    "vlanTrunkPortVlansEnabled2k": _VLANS,
    "vlanTrunkPortVlansEnabled3k": _VLANS,
    "vlanTrunkPortVlansEnabled4k": _VLANS,
    "vmVlan": _VLANS,
    "hwL2VlanDescr": _VLANS,
    "ifStackStatus": _LAGS,
    "dot3adAggPortSelectedAggID": _LAGS,
    "dot3adAggPortAttachedAggID": _LAGS,
    "dot3adAggPortPartnerOperSystemID": _LAGS,
    "ipNetToPhysicalPhysAddress": frozenset({"arp"}),
    "ipNetToMediaPhysAddress": frozenset({"arp"}),
    "dot1dTpFdbTable": frozenset({"fdb"}),
    "dot1qTpFdbTable": frozenset({"fdb"}),
    "hrStorageTable": frozenset({"system"}),
    "hrDeviceTable": frozenset({"system"}),
    "hrProcessorTable": frozenset({"system"}),
    "hrSWRunTable": frozenset({"system"}),  # processes are not mapped
    "hrSWInstalledTable": frozenset({"software"}),
    # dot1dBaseBridgeAddress tells the switch's own MAC from a host's in the FDB
    "scalars": frozenset({"fdb"}),
}


def snmp_facts(snapshot: DeviceSnapshot, coverage: Sequence[TableCoverage] | None
               ) -> DeviceFacts:  # fmt: skip
    """`coverage` is the collector's per-table coverage; None: every table answered."""
    found = printer_identity(ups_identity(snapshot.classification, snapshot.ups),
                             snapshot.printer)  # fmt: skip
    memory = snapshot.host.memory_kib
    system = SystemFacts(
        kind=found.kind,
        name=snapshot.system.name,
        vendor=found.vendor,
        model=found.hardware,
        serial=found.serial,
        os_name=found.os,
        os_version=normal_version(found.os, found.version),
        os_version_raw=(found.version
                        if normal_version(found.os, found.version) != found.version else None),
        platform=PLATFORMS.get(found.os or ""),
        description=snapshot.system.descr,
        object_id=snapshot.system.object_id,
        uptime_seconds=(snapshot.system.uptime_ticks // 100
                        if snapshot.system.uptime_ticks is not None else None),
        base_mac=snapshot.bridge.base_mac,
        chassis_id=(normalize_mac(snapshot.lldp_local.chassis_id)
                    if snapshot.lldp_local.chassis_id_subtype == CHASSIS_MAC else None),
        cpu_count=snapshot.host.processor_count or None,
        memory_bytes=memory * 1024 if memory else None,
        page_count=snapshot.printer.page_count if snapshot.printer else None,
    )
    return DeviceFacts(
        source=SOURCE,
        system=system,
        coverage=table_coverage(coverage),
        chassis=tuple(_chassis_unit(e) for e in _chassis(snapshot.entities)),
        interfaces=_interfaces(snapshot),
        addresses=(
            *(AddressFacts(a.if_index, a.address, a.prefix_length) for a in snapshot.ipv4),
            *(AddressFacts(a.if_index, a.address, a.prefix_length) for a in snapshot.ipv6),
        ),
        neighbours=_neighbours(snapshot),
        fdb=tuple(
            FdbEntry(e.mac, e.if_index, e.status not in _NOT_LEARNED, e.vlan)
            for e in sorted(snapshot.bridge.fdb, key=lambda e: e.if_index or 0)
        ),
        software=tuple(SoftwareFacts(*split_software(s.name)) for s in snapshot.host.software),
        components=_components(snapshot),
        supplies=snapshot.printer.supplies if snapshot.printer else (),
        vlans=snapshot.vlans,
        lags=snapshot.lags,
        arp=snapshot.arp,
        notes=snapshot.notes,
    )


def table_coverage(coverage: Sequence[TableCoverage] | None) -> Coverage:
    failed = tuple(c.name for c in coverage or () if c.status not in ANSWERED)
    known = [TABLE_GETTERS[name] for name in failed if name in TABLE_GETTERS]
    return Coverage(
        getters=GETTERS,
        failed=failed,
        incomplete=frozenset().union(*known),
        unaccounted=len(known) < len(failed),
    )


def _components(snapshot: DeviceSnapshot) -> tuple[ComponentFacts, ...]:
    """ENTITY-MIB's, then a UPS's management card."""
    card = snapshot.ups.card if snapshot.ups else None
    return (*entity_components(snapshot.entities), *((card,) if card else ()))


def _chassis(entities: Sequence[EntityPhysical]) -> list[EntityPhysical]:
    return sorted((e for e in entities if e.phys_class == "chassis"), key=lambda e: e.index)


def _chassis_unit(entity: EntityPhysical) -> ChassisUnit:
    return ChassisUnit(entity.serial, entity.model_name, entity.firmware_rev)


def _interfaces(snapshot: DeviceSnapshot) -> tuple[InterfaceFacts, ...]:
    out = []
    for iface in sorted(snapshot.interfaces, key=lambda i: i.if_index):
        speed = iface.speed_bps
        out.append(InterfaceFacts(
            name=canonical_ifname(iface.name or iface.descr) or None,
            if_index=iface.if_index,
            if_type=iface.if_type_name,
            descr=iface.descr or None,
            alias=iface.alias.strip() if iface.alias else None,
            mac=iface.mac,
            mtu=iface.mtu,
            speed_mbps=speed // 1_000_000 if speed is not None else None,
            admin_status=iface.admin_status,
            oper_status=iface.oper_status,
            physical=iface.if_type_name in _PHYSICAL_IF_TYPES,
        ))  # fmt: skip
    return tuple(out)


def _neighbours(snapshot: DeviceSnapshot) -> tuple[NeighbourFacts, ...]:
    """LLDP rows, then CDP rows."""
    return (*map(lldp_facts, snapshot.lldp), *map(cdp_facts, snapshot.cdp))


def lldp_facts(n: LldpNeighbor) -> NeighbourFacts:
    """Port IDs of subtype interfaceName are names, MACs identify the port on their own;
    for the other subtypes (interfaceAlias, local: Junos sends the remote ifIndex) the
    port description is the better name. The chassis ID counts when it is a MAC. A local
    port that maps to no ifIndex keeps the name lldpLocPortTable gives it."""
    subtype = n.port_id_subtype
    local_name = canonical_ifname(n.local_port_descr) if n.local_port_descr else None
    return NeighbourFacts(
        protocol="lldp",
        local_port=n.local_if_index if n.local_if_index is not None else local_name,
        remote_name=n.sys_name,
        remote_port=n.port_id if subtype == PORT_INTERFACE_NAME else (n.port_descr or n.port_id),
        remote_port_mac=normalize_mac(n.port_id) if subtype == PORT_MAC else None,
        remote_chassis_mac=(normalize_mac(n.chassis_id)
                            if n.chassis_id_subtype == CHASSIS_MAC else None),
        remote_description=n.sys_descr,
        remote_addresses=n.mgmt_addresses,
        remote_capabilities=n.capabilities,
        remote_port_local=subtype == PORT_LOCAL,
    )  # fmt: skip


def cdp_facts(c: CdpNeighbor) -> NeighbourFacts:
    return NeighbourFacts(
        protocol="cdp", local_port=c.if_index, remote_name=c.device_id,
        remote_port=c.remote_port, remote_platform=c.platform, remote_description=c.version,
        remote_addresses=(c.address,) if c.address else (), remote_capabilities=c.capabilities,
    )  # fmt: skip


# -- installed software -------------------------------------------------------------
_SOFTWARE_NAMES = (
    # 'JUNOS Base OS Software Suite [19.4R3.11]'
    re.compile(r"^(?P<product>.+?)\s*\[(?P<version>\d[^\]\s]*)\]$"),
    # 'Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133'
    re.compile(r"^(?P<product>.+?)\s+-\s+v?(?P<version>\d[\w.+~:-]*)$"),
    # dpkg: 'bash_5.1-2+deb11u1_amd64' (an rpm release may hold one '_': 'el8_0')
    re.compile(r"^(?P<product>[^\s_]+)_(?P<version>\d[^\s_]*)_(?P<arch>[^\s_]+)$"),
    # rpm: 'python3-libxml2-2.9.7-5.el8' (name-version-release)
    re.compile(r"^(?P<product>[^\s]+?)-(?P<version>\d[^\s]*)$"),
    # 'Mozilla Firefox 115.3.1esr'
    re.compile(r"^(?P<product>.+?)\s+v?(?P<version>\d+(?:\.\d+)+[\w.+~-]*)$"),
)


def split_software(name: str) -> tuple[str, str | None, str | None]:
    """An hrSWInstalledName -> (product, version, arch); the whole name as the product
    (and no version) when no known layout matches."""
    name = name.strip()
    for pattern in _SOFTWARE_NAMES:
        found = pattern.match(name)
        if found:
            parts = found.groupdict()
            return found.group("product").strip(), found.group("version"), parts.get("arch")
    return name, None, None
