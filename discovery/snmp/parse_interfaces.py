"""IF-MIB and IP-MIB -> Interface, IPv4Address, IPv6Address rows. Pure."""

from __future__ import annotations

import ipaddress

from discovery.identifiers import prefix_from_netmask
from discovery.snmp import oids
from discovery.snmp.decode import as_int, as_ip, as_mac, as_text, table
from discovery.snmp.iftypes import IANA_IF_TYPES
from discovery.snmp.records import Interface, IPv4Address, IPv6Address, Varbinds

ADMIN_STATUS = {1: "up", 2: "down", 3: "testing"}
OPER_STATUS = {
    1: "up",
    2: "down",
    3: "testing",
    4: "unknown",
    5: "dormant",
    6: "notPresent",
    7: "lowerLayerDown",
}

# ifTable columns
_IF_DESCR, _IF_TYPE, _IF_MTU, _IF_SPEED, _IF_PHYS, _IF_ADMIN, _IF_OPER = 2, 3, 4, 5, 6, 7, 8
# ifXTable columns
_IF_NAME, _IF_HIGH_SPEED, _IF_ALIAS = 1, 15, 18


def speed_bps(if_speed: int | None, if_high_speed: int | None) -> int | None:
    """ifHighSpeed (Mb/s) when it is set, else ifSpeed (b/s).

    ifSpeed saturates at 4294967295 above ~4.3 Gb/s; ifHighSpeed is 0 below 1 Mb/s,
    so a zero ifHighSpeed falls back to ifSpeed.
    """
    if if_high_speed:
        return if_high_speed * 1_000_000
    return if_speed


def parse_interfaces(varbinds: Varbinds) -> tuple[Interface, ...]:
    if_rows = table(varbinds, oids.IF_ENTRY)
    ifx_rows = table(varbinds, oids.IFX_ENTRY)
    out: list[Interface] = []
    for index in sorted(set(if_rows) | set(ifx_rows)):
        if len(index) != 1:
            continue
        row = if_rows.get(index, {})
        xrow = ifx_rows.get(index, {})
        if_type = as_int(row.get(_IF_TYPE))
        admin = as_int(row.get(_IF_ADMIN))
        oper = as_int(row.get(_IF_OPER))
        out.append(
            Interface(
                if_index=index[0],
                name=as_text(xrow.get(_IF_NAME)),
                descr=as_text(row.get(_IF_DESCR)),
                alias=as_text(xrow.get(_IF_ALIAS)),
                if_type=if_type,
                if_type_name=IANA_IF_TYPES.get(if_type) if if_type is not None else None,
                mtu=as_int(row.get(_IF_MTU)),
                speed_bps=speed_bps(as_int(row.get(_IF_SPEED)), as_int(xrow.get(_IF_HIGH_SPEED))),
                mac=as_mac(row.get(_IF_PHYS)),
                admin_status=ADMIN_STATUS.get(admin) if admin is not None else None,
                oper_status=OPER_STATUS.get(oper) if oper is not None else None,
            )
        )
    return tuple(out)


def _inet_address(arcs: tuple[int, ...]) -> tuple[int, str] | None:
    """An InetAddressType.InetAddress index (type, length, bytes...) -> (type, text)."""
    if len(arcs) < 2 or arcs[1] != len(arcs) - 2 or any(a > 255 for a in arcs[2:]):
        return None
    addr_type, raw = arcs[0], bytes(arcs[2:])
    if addr_type in (1, 3) and len(raw) in (4, 8):  # ipv4, ipv4z (4 zone bytes)
        return addr_type, str(ipaddress.IPv4Address(raw[:4]))
    if addr_type in (2, 4) and len(raw) in (16, 20):  # ipv6, ipv6z
        return addr_type, str(ipaddress.IPv6Address(raw[:16]))
    return None


def _prefix_from_pointer(pointer: object) -> int | None:
    """ipAddressPrefix points at ipAddressPrefixOrigin.<ifIndex>.<type>.<len>.<addr>.<plen>."""
    if not isinstance(pointer, str) or pointer.strip(".") in ("", "0.0"):
        return None
    last = pointer.rsplit(".", 1)[-1]
    return int(last) if last.isdigit() else None


def parse_ipv4_addresses(varbinds: Varbinds) -> tuple[IPv4Address, ...]:
    """ipAddrTable first; ipAddressTable adds what the old table lacks."""
    found: dict[tuple[int, str], IPv4Address] = {}
    for index, row in table(varbinds, oids.IP_ADDR_ENTRY).items():
        if_index = as_int(row.get(2))
        if len(index) != 4 or any(a > 255 for a in index) or if_index is None:
            continue
        address = ".".join(str(a) for a in index)
        netmask = as_ip(row.get(3))
        found[(if_index, address)] = IPv4Address(
            if_index, address, netmask, prefix_from_netmask(netmask)
        )
    for index, row in table(varbinds, oids.IP_ADDRESS_ENTRY).items():
        parsed = _inet_address(index)
        if_index = as_int(row.get(3))
        if parsed is None or parsed[0] not in (1, 3) or if_index is None:
            continue
        if as_int(row.get(4)) == 3:  # broadcast
            continue
        key = (if_index, parsed[1])
        if key not in found:
            found[key] = IPv4Address(
                if_index, parsed[1], None, _prefix_from_pointer(row.get(5))
            )
    return tuple(sorted(found.values(), key=lambda a: (a.if_index, a.address)))


def parse_ipv6_addresses(varbinds: Varbinds) -> tuple[IPv6Address, ...]:
    """ipAddressTable (IP-MIB) and ipv6AddrTable (IPV6-MIB), merged."""
    found: dict[tuple[int, str], IPv6Address] = {}
    for index, row in table(varbinds, oids.IP_ADDRESS_ENTRY).items():
        parsed = _inet_address(index)
        if_index = as_int(row.get(3))
        if parsed is None or parsed[0] not in (2, 4) or if_index is None:
            continue
        found[(if_index, parsed[1])] = IPv6Address(
            if_index, parsed[1], _prefix_from_pointer(row.get(5))
        )
    for index, row in table(varbinds, oids.IPV6_ADDR_ENTRY).items():
        if len(index) != 18 or index[1] != 16 or any(a > 255 for a in index[2:]):
            continue
        address = str(ipaddress.IPv6Address(bytes(index[2:])))
        key = (index[0], address)
        if key not in found:
            found[key] = IPv6Address(index[0], address, as_int(row.get(2)))
    return tuple(sorted(found.values(), key=lambda a: (a.if_index, a.address)))
