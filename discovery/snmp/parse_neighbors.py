"""LLDP-MIB and CISCO-CDP-MIB -> LldpNeighbor and CdpNeighbor rows. Pure.

The LLDP local port number is resolved to an ifIndex as described in quirks.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from discovery.snmp import oids, quirks
from discovery.snmp.decode import (
    Index,
    as_int,
    as_mac,
    as_octets,
    as_text_or_none,
    ip_from_octets,
    is_printable,
    scalar,
    table,
)
from discovery.snmp.parse_bridge import parse_bridge_ports
from discovery.snmp.records import (
    CdpNeighbor,
    Interface,
    LldpLocalSystem,
    LldpNeighbor,
    Value,
    Varbinds,
)

# LLDP-MIB LldpChassisIdSubtype / LldpPortIdSubtype values that carry a MAC or an address
CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS = 4, 5
PORT_MAC, PORT_NETWORK_ADDRESS = 3, 4

# lldpRemEntry columns
_CH_SUB, _CH_ID, _PT_SUB, _PT_ID, _PT_DESC, _SYS_NAME, _SYS_DESC = 4, 5, 6, 7, 8, 9, 10
_CAP_ENABLED = 12
_HEX_OCTET = re.compile(r"[0-9a-fA-F]{2}")
# LLDP-MIB LldpSystemCapabilitiesMap (BITS: bit 0 is the first octet's high bit)
LLDP_CAPABILITIES = (
    "other", "repeater", "bridge", "wlan-access-point", "router", "telephone",
    "docsis-cable-device", "station", "c-vlan", "s-vlan", "two-port-mac-relay",
)  # fmt: skip
# CISCO-CDP-MIB cdpCacheCapabilities: the CDP message's 32-bit capabilities field
CDP_CAPABILITIES = {
    0x01: "router", 0x02: "trans-bridge", 0x04: "source-route-bridge", 0x08: "switch",
    0x10: "host", 0x20: "igmp", 0x40: "repeater", 0x80: "phone", 0x100: "remote",
    0x200: "cvta", 0x400: "two-port-mac-relay",
}  # fmt: skip
# lldpLocPortEntry columns
_LOC_ID_SUB, _LOC_ID, _LOC_DESC = 2, 3, 4


def _network_address(raw: bytes) -> str | None:
    """LLDP network address: IANA address family octet, then the address."""
    if len(raw) >= 5 and raw[0] in (1, 2):
        return ip_from_octets(raw[1:])
    return None


def decode_lldp_id(subtype: int | None, value: Value | None, *, is_chassis: bool) -> str | None:
    """A chassis or port ID as text: MACs as aa:bb:.., addresses dotted, names as text,
    anything else binary as lower-case hex."""
    raw = as_octets(value)
    if raw is None:
        return None
    mac_subtype = CHASSIS_MAC if is_chassis else PORT_MAC
    address_subtype = CHASSIS_NETWORK_ADDRESS if is_chassis else PORT_NETWORK_ADDRESS
    if subtype == mac_subtype:
        mac = as_mac(raw)
        digits = raw.decode("latin-1").replace(":", "").replace("-", "").replace(".", "")
        if mac is not None or len(raw) == 6 or digits.strip("0") == "":
            return mac  # an all-zero MAC identifies nothing: None
    if subtype == address_subtype:
        address = _network_address(raw)
        if address is not None:
            return address
    if is_printable(raw):
        return raw.decode("utf-8").strip() or None
    return raw.hex()


def _bit_octets(value: Value | None) -> bytes | None:
    """A BITS / capability OCTET STRING; a recording may hold it as net-snmp printed it
    (``28 00 2 4``: the octets in hex, then the numbers of the bits set)."""
    raw = as_octets(value)
    if raw is None or isinstance(value, int):
        return None
    if raw and is_printable(raw):
        lead: list[str] = []
        for token in raw.decode("utf-8").split():
            if not _HEX_OCTET.fullmatch(token):
                break
            lead.append(token)
        return bytes.fromhex("".join(lead)) if lead else None
    return raw


def lldp_capabilities(value: Value | None) -> tuple[str, ...]:
    """lldpRemSysCapEnabled -> capability names, in bit order."""
    raw = _bit_octets(value) or b""
    return tuple(name for bit, name in enumerate(LLDP_CAPABILITIES)
                 if bit // 8 < len(raw) and raw[bit // 8] & (0x80 >> bit % 8))  # fmt: skip


def cdp_capabilities(value: Value | None) -> tuple[str, ...]:
    """cdpCacheCapabilities (up to 4 octets, big-endian) -> capability names."""
    raw = _bit_octets(value)
    if raw is None or len(raw) > 4:
        return ()
    mask = int.from_bytes(raw, "big")
    return tuple(name for bit, name in CDP_CAPABILITIES.items() if mask & bit)


def parse_lldp_local(varbinds: Varbinds) -> LldpLocalSystem:
    """lldpLocChassisIdSubtype and lldpLocChassisId (scalars), decoded like remote IDs."""
    subtype = as_int(scalar(varbinds, oids.LLDP_LOC_CHASSIS_ID_SUBTYPE))
    chassis = decode_lldp_id(subtype, scalar(varbinds, oids.LLDP_LOC_CHASSIS_ID), is_chassis=True)
    return LldpLocalSystem(chassis_id_subtype=subtype, chassis_id=chassis)


def _name_to_if_index(interfaces: Sequence[Interface]) -> dict[str, int]:
    """ifName, then ifDescr -> ifIndex, keeping only names that are unique."""
    seen: dict[str, set[int]] = defaultdict(set)
    for iface in interfaces:
        for name in (iface.name, iface.descr):
            if name:
                seen[name].add(iface.if_index)
    return {name: next(iter(idx)) for name, idx in seen.items() if len(idx) == 1}


def _local_ports(varbinds: Varbinds) -> dict[int, dict[int, Value]]:
    rows = table(varbinds, oids.LLDP_LOC_PORT_ENTRY)
    return {index[0]: row for index, row in rows.items() if len(index) == 1}


def resolve_lldp_port(
    port_num: int,
    local_ports: dict[int, dict[int, Value]],
    names: dict[str, int],
    if_indexes: set[int],
    bridge_ports: dict[int, int],
    numbering: quirks.PortNumbering | None,
) -> int | None:
    """lldpRemLocalPortNum -> ifIndex, or None when nothing says which port it is."""
    loc = local_ports.get(port_num, {})
    for col in (_LOC_ID, _LOC_DESC):
        text = as_text_or_none(loc.get(col))
        if text is not None and text.strip() in names:
            return names[text.strip()]
    if numbering is quirks.PortNumbering.IF_INDEX:
        return port_num if port_num in if_indexes else None
    if numbering is quirks.PortNumbering.BRIDGE_PORT:
        return bridge_ports.get(port_num)
    if port_num in if_indexes:
        return port_num
    return bridge_ports.get(port_num)


def _mgmt_addresses(varbinds: Varbinds) -> dict[Index, tuple[str, ...]]:
    """lldpRemManAddrTable index: timemark.localport.remindex.subtype.len.addr..."""
    found: dict[Index, list[str]] = defaultdict(list)
    for index in table(varbinds, oids.LLDP_REM_MAN_ADDR_ENTRY):
        if len(index) < 5 or index[4] != len(index) - 5 or any(a > 255 for a in index[5:]):
            continue
        if index[3] not in (1, 2):
            continue
        address = ip_from_octets(bytes(index[5:]))
        if address is not None and address not in found[index[:3]]:
            found[index[:3]].append(address)
    return {key: tuple(value) for key, value in found.items()}


def parse_lldp(
    varbinds: Varbinds,
    interfaces: Sequence[Interface],
    object_id: str | None = None,
    notes: list[str] | None = None,
) -> tuple[LldpNeighbor, ...]:
    rows = table(varbinds, oids.LLDP_REM_ENTRY)
    if not rows:
        return ()
    local_ports = _local_ports(varbinds)
    names = _name_to_if_index(interfaces)
    if_indexes = {i.if_index for i in interfaces}
    bridge_ports = parse_bridge_ports(varbinds)
    numbering = quirks.lldp_port_numbering(object_id)
    mgmt = _mgmt_addresses(varbinds)
    flat = quirks.routeros_neighbor_if_index(varbinds)
    out: list[LldpNeighbor] = []
    for index in sorted(rows):
        row = rows[index]
        port_num: int | None
        if len(index) == 3:
            port_num, remote_index = index[1], index[2]
            if_index = resolve_lldp_port(
                port_num, local_ports, names, if_indexes, bridge_ports, numbering
            )
        elif len(index) == 1 and quirks.ROUTEROS_LLDP_FLAT_INDEX.applies(object_id):
            port_num, remote_index = None, index[0]
            if_index = flat.get(remote_index)
            if notes is not None and quirks.ROUTEROS_LLDP_FLAT_INDEX.name not in notes:
                notes.append(quirks.ROUTEROS_LLDP_FLAT_INDEX.name)
        else:
            continue
        loc = local_ports.get(port_num, {}) if port_num is not None else {}
        chassis_sub, port_sub = as_int(row.get(_CH_SUB)), as_int(row.get(_PT_SUB))
        out.append(
            LldpNeighbor(
                local_port_num=port_num,
                local_if_index=if_index,
                local_port_descr=as_text_or_none(loc.get(_LOC_DESC))
                or as_text_or_none(loc.get(_LOC_ID)),
                remote_index=remote_index,
                chassis_id_subtype=chassis_sub,
                chassis_id=decode_lldp_id(chassis_sub, row.get(_CH_ID), is_chassis=True),
                port_id_subtype=port_sub,
                port_id=decode_lldp_id(port_sub, row.get(_PT_ID), is_chassis=False),
                port_descr=as_text_or_none(row.get(_PT_DESC)),
                sys_name=as_text_or_none(row.get(_SYS_NAME)),
                sys_descr=as_text_or_none(row.get(_SYS_DESC)),
                mgmt_addresses=mgmt.get(index, ()),
                capabilities=lldp_capabilities(row.get(_CAP_ENABLED)),
            )
        )
    return tuple(out)


# cdpCacheEntry columns
_CDP_ADDR_TYPE, _CDP_ADDR, _CDP_VERSION, _CDP_DEVICE_ID, _CDP_PORT, _CDP_PLATFORM = (
    3, 4, 5, 6, 7, 8,
)
_CDP_CAPABILITIES = 9


def _cdp_address(addr_type: int | None, value: Value | None) -> str | None:
    """cdpCacheAddress: 4 octets when cdpCacheAddressType is ip(1); else unknown."""
    raw = as_octets(value)
    if addr_type == 1 and raw is not None and len(raw) == 4:
        return ip_from_octets(raw)
    if addr_type == 20 and raw is not None and len(raw) == 16:  # ipv6
        return ip_from_octets(raw)
    return None


def parse_cdp(varbinds: Varbinds) -> tuple[CdpNeighbor, ...]:
    out: list[CdpNeighbor] = []
    rows = table(varbinds, oids.CDP_CACHE_ENTRY)
    for index in sorted(rows):
        if len(index) != 2:
            continue
        row = rows[index]
        out.append(
            CdpNeighbor(
                if_index=index[0],
                device_index=index[1],
                device_id=as_text_or_none(row.get(_CDP_DEVICE_ID)),
                address=_cdp_address(as_int(row.get(_CDP_ADDR_TYPE)), row.get(_CDP_ADDR)),
                platform=as_text_or_none(row.get(_CDP_PLATFORM)),
                remote_port=as_text_or_none(row.get(_CDP_PORT)),
                version=as_text_or_none(row.get(_CDP_VERSION)),
                capabilities=cdp_capabilities(row.get(_CDP_CAPABILITIES)),
            )
        )
    return tuple(out)
