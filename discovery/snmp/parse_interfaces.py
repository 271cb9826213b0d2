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


# Gauge32's top values, which agents (FortiGate) put in ifHighSpeed for "unknown"
# (4294967295, 4294901759); no port runs at 10 Tb/s, so above this it is no speed.
_MAX_HIGH_SPEED_MBPS = 10_000_000
_IF_SPEED_SATURATED = 4_294_967_295  # "faster than ifSpeed can say: read ifHighSpeed"


def speed_bps(if_speed: int | None, if_high_speed: int | None) -> int | None:
    """ifHighSpeed (Mb/s) when it is set, else ifSpeed (b/s).

    ifSpeed saturates at 4294967295 above ~4.3 Gb/s; ifHighSpeed is 0 below 1 Mb/s,
    so a zero ifHighSpeed falls back to ifSpeed. An ifHighSpeed no port can run at is
    an agent's "unknown": ifSpeed then, unless it is saturated too (no speed).
    """
    if if_high_speed and if_high_speed <= _MAX_HIGH_SPEED_MBPS:
        return if_high_speed * 1_000_000
    if if_high_speed and if_speed == _IF_SPEED_SATURATED:
        return None
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


# InetAddressType -> the address's bytes, a zoned type's with or without its zone
_ADDRESS_SIZES = {1: (4,), 2: (16,), 3: (4, 8), 4: (16, 20)}


def _inet_address(arcs: tuple[int, ...]) -> tuple[int, str] | None:
    """An InetAddressType.InetAddress index (type, length, bytes...) -> (type, text).

    Some agents (Cisco ASA) leave the length out, as for an IMPLIED index: the type is
    then followed by exactly the address's bytes (4 or 16, a zone's 4 after them)."""
    if len(arcs) < 2 or any(a > 255 for a in arcs[1:]):
        return None
    addr_type = arcs[0]
    if arcs[1] == len(arcs) - 2:
        raw = bytes(arcs[2:])
    elif len(arcs) - 1 in _ADDRESS_SIZES.get(addr_type, ()):
        raw = bytes(arcs[1:])
    else:
        return None
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


def _ipv4_prefix(address: str, netmask: str | None) -> int | None:
    """The netmask's prefix length; a 0.0.0.0 mask on an address is no mask (a Ricoh
    says so of its 127.0.0.1), except that a loopback address is in 127.0.0.0/8."""
    prefix = prefix_from_netmask(netmask)
    if prefix == 0:
        return 8 if ipaddress.IPv4Address(address).is_loopback else None
    return prefix


def _ip_addr_index(index: tuple[int, ...], typed: bool) -> str | None:
    """An ipAddrTable index -> its address. The index is the address; a FortiGate
    appends arcs to it (its VDOM), so that one address may sit on several ports
    (127.0.0.1 on each VDOM's loopback); some agents put InetAddressType 1 (ipv4) before
    every address of the table (`typed`). 0.0.0.0 is no address."""
    arcs = index[1:] if typed else index[:4]
    if len(arcs) != 4 or any(a > 255 for a in index) or not any(arcs):
        return None
    return ".".join(str(a) for a in arcs)


def _ip_addr_rows(varbinds: Varbinds) -> dict[tuple[int, str], str | None]:
    """ipAddrTable -> {(ifIndex, address): netmask}; the netmask is the row's own,
    else that of a row of the same address."""
    rows = table(varbinds, oids.IP_ADDR_ENTRY)
    typed = bool(rows) and all(len(i) == 5 and i[0] == 1 for i in rows)
    masks: dict[str, str] = {}
    for index, row in sorted(rows.items()):
        address, netmask = _ip_addr_index(index, typed), as_ip(row.get(3))
        if address is not None and netmask is not None:
            masks.setdefault(address, netmask)
    found: dict[tuple[int, str], str | None] = {}
    for index, row in rows.items():
        address, if_index = _ip_addr_index(index, typed), as_int(row.get(2))
        if address is not None and if_index is not None:
            found[(if_index, address)] = as_ip(row.get(3)) or masks.get(address)
    return found


def parse_ipv4_addresses(varbinds: Varbinds) -> tuple[IPv4Address, ...]:
    """ipAddrTable first; ipAddressTable adds what the old table lacks."""
    found: dict[tuple[int, str], IPv4Address] = {
        (if_index, address): IPv4Address(if_index, address, netmask, _ipv4_prefix(address, netmask))
        for (if_index, address), netmask in _ip_addr_rows(varbinds).items()
    }
    for index, row in table(varbinds, oids.IP_ADDRESS_ENTRY).items():
        parsed = _inet_address(index)
        if_index = as_int(row.get(3))
        if parsed is None or parsed[0] not in (1, 3) or if_index is None:
            continue
        if as_int(row.get(4)) == 3:  # broadcast
            continue
        key = (if_index, parsed[1])
        if key not in found:
            found[key] = IPv4Address(if_index, parsed[1], None, _prefix_from_pointer(row.get(5)))
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
