"""HPE/H3C Comware: commands and pure parsers over ntc-templates, plus our own
`display version` template (ntc-templates has none: discovery/ssh/templates/).

The device: model, software and uptime from `display version`; the chassis serial and
base MAC from `display device manuinfo` (the chassis row, or the first unit that names
itself on a box switch); the host name from the configuration's `sysname`. VLAN
membership is read from `display interface` (link type, PVID, permitted VLANs per
port).
"""

from __future__ import annotations

from collections.abc import Mapping

from discovery.identifiers import normalize_mac, split_address
from discovery.ssh.errors import ParseError
from discovery.ssh.platforms.base import (
    Combined,
    Command,
    Platform,
    TemplateRow,
    admin_from_line,
    link_status,
    parse_template,
)
from discovery.ssh.platforms.huawei_vrp import long_name, parse_sysname
from discovery.ssh.platforms.ntc_rows import arp_from_rows, mac_entry, neighbors_from_rows
from discovery.ssh.platforms.own_templates import parse_own_template
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    LagMembership,
    MacEntry,
    Neighbor,
    Record,
    SwitchPort,
    Vlan,
)
from discovery.ssh.values import clean, clean_list, parse_int, parse_uptime_seconds

NAME = "hp_comware"
SYSNAME = "display current-configuration | include sysname"
MANUINFO = "display device manuinfo"
VERSION = "display version"
_NO_VALUE = frozenset({"NONE", "NULL"})
# The short port names Comware prints in tables (ARP, MAC, brief lists).
SHORT_NAMES = {
    "GE": "GigabitEthernet", "XGE": "Ten-GigabitEthernet", "FGE": "FortyGigE",
    "HGE": "HundredGigE", "WGE": "Twenty-FiveGigE", "BAGG": "Bridge-Aggregation",
    "RAGG": "Route-Aggregation", "M-GE": "M-GigabitEthernet", "Vlan-int": "Vlan-interface",
    "Loop": "LoopBack", "InLoop": "InLoopBack", "Eth": "Ethernet",
}  # fmt: skip


def _manuinfo_rows(text: str) -> list[TemplateRow]:
    return parse_template(NAME, MANUINFO, text, header_lines=2)


def _value(row: TemplateRow, key: str) -> str | None:
    text = clean(row.get(key))
    return None if text is None or text.upper() in _NO_VALUE else text


def parse_display_device_manuinfo(text: str) -> tuple[InventoryItem, ...]:
    """One item per chassis, slot, subslot, fan and power unit that reports itself,
    named after the output ("Slot 0", "Chassis 1 Fan 1"); a chassis row ("Chassis
    self") as "Chassis" ("Member 1 Chassis" in an IRF stack), the unit holding the
    device's serial."""
    items = []
    for row in _manuinfo_rows(text):
        kind, slot = clean(row.get("slot_type")), clean(row.get("slot_id"))
        chassis = clean(row.get("chassis_id"))
        if kind == "Chassis":
            name = f"Member {chassis} Chassis" if chassis else "Chassis"
        else:
            name = " ".join(p for p in (f"Chassis {chassis}" if chassis else None, kind, slot) if p)
        items.append(
            InventoryItem(
                name=name or None,
                descr=_value(row, "vendor_name"),
                pid=_value(row, "device_name"),
                serial=_value(row, "device_serial_number"),
                vid=None,
            )
        )
    return tuple(items)


def parse_display_version(text: str) -> TemplateRow:
    """The one row of our template; {} when the output is blank."""
    rows = parse_own_template(NAME, VERSION, text)
    return rows[0] if rows else {}


def parse_device_version(outputs: Mapping[str, str]) -> tuple[Record, ...]:
    """`display version` for model, software and uptime; manuinfo's chassis row (or
    first unit) for the serial, base MAC and, without a version, the model."""
    version = parse_display_version(outputs.get(VERSION, ""))
    units = [r for r in _manuinfo_rows(outputs.get(MANUINFO, "")) if _value(r, "device_name")]
    if not version and not units:
        return ()
    chassis = next((r for r in units if clean(r.get("slot_type")) == "Chassis"), None)
    main = chassis or (units[0] if units else {})
    hostname = parse_sysname(outputs.get(SYSNAME, ""))
    if hostname is None and outputs.get(SYSNAME, "").strip():
        raise ParseError(NAME, SYSNAME, "no sysname line")
    model = clean(version.get("model")) or _value(main, "device_name")
    serial = _value(main, "device_serial_number")
    software, release = clean(version.get("software_version")), clean(version.get("release"))
    uptime = clean(version.get("uptime"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor=clean(version.get("vendor")) or _value(main, "vendor_name") or "H3C",
            hostname=hostname,
            os_version=f"{software} Release {release}" if software and release else software,
            model=model,
            models=(model,) if model else (),
            serials=(serial,) if serial else (),
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            image=clean(version.get("system_image")) or clean(version.get("boot_image")),
            base_mac=normalize_mac(_value(main, "mac_address")),
        ),
    )


def _bandwidth_kbps(value: object) -> int | None:
    """ "10000000 kbps" -> 10000000."""
    return parse_int((clean(value) or "").split(" ")[0])


def parse_display_interface(text: str) -> tuple[Record, ...]:
    """Interfaces, and a SwitchPort for every bridged port (its link type, PVID and
    permitted VLANs)."""
    records: list[Record] = []
    for row in parse_template(NAME, "display interface", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        line = clean(row.get("line_status"))
        addresses = clean_list(row.get("ip_address"))
        address, prefix = split_address(addresses[0] if addresses else None)
        macs = clean_list(row.get("hw_address"))
        records.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(macs[0]) if macs else None,
                mtu=parse_int(row.get("mtu")),
                speed=clean(row.get("speed")),
                bandwidth_kbps=_bandwidth_kbps(row.get("bandwidth")),
                admin_status=admin_from_line(line),
                oper_status=link_status(clean(row.get("protocol_status"))),
                ip_address=address,
                prefix_length=prefix,
            )
        )
        port = _switchport(name, row)
        if port is not None:
            records.append(port)
    return tuple(records)


def _switchport(name: str, row: TemplateRow) -> SwitchPort | None:
    raw = clean(row.get("port_link_type"))
    if raw is None:
        return None
    mode = raw.lower()
    pvid = parse_int(row.get("untagged_vlan_id")) or parse_int(row.get("vlan_native"))
    return SwitchPort(
        interface=name,
        mode="access" if mode == "access" else ("trunk" if mode == "trunk" else None),
        mode_raw=raw,
        access_vlan=pvid if mode == "access" else None,
        native_vlan=parse_int(row.get("vlan_native")) if mode != "access" else None,
        trunk_vlans=_ranges(row.get("vlan_permitted")) if mode != "access" else None,
    )


def _ranges(value: object) -> tuple[tuple[int, int], ...] | None:
    """["1(default vlan)", "2001-2020"] -> ((1, 1), (2001, 2020)); None if unreadable."""
    ranges = []
    for item in clean_list(value):
        low, _, high = item.split("(")[0].strip().partition("-")
        if not low.isdigit() or not (high or low).isdigit():
            return None
        ranges.append((int(low), int(high or low)))
    return tuple(ranges) or None


def parse_display_lldp_neighbor_verbose(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "display lldp neighbor-information verbose", text)
    return neighbors_from_rows(
        rows, "lldp", port_description_column="neighbor_interface_description"
    )


def parse_display_vlan_all(text: str) -> tuple[Vlan, ...]:
    """The VLANs and their names (the template reads no port lists)."""
    rows = parse_template(NAME, "display vlan all", text)
    return tuple(
        Vlan(vlan_id, clean(row.get("vlan_name")), None)
        for row in rows
        if (vlan_id := parse_int(row.get("vlan_id"))) is not None
    )


def parse_display_mac_address(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(NAME, "display mac-address", text, header_lines=2)
    entries = (
        mac_entry(
            row.get("mac_address"),
            row.get("vlan_id"),
            long_name(clean(row.get("interface")), SHORT_NAMES),
            row.get("state"),
        )
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_display_arp(text: str) -> tuple[ArpEntry, ...]:
    """The port as `display interface` names it ("XGE1/0/47" is Ten-GigabitEthernet1/0/47;
    "M-GE0/0/0" the management port)."""
    rows = parse_template(NAME, "display arp", text, header_lines=2)
    for row in rows:
        row["interface"] = long_name(clean(row.get("interface")), SHORT_NAMES)
    return arp_from_rows(rows)


def parse_display_link_aggregation_member_port(text: str) -> tuple[LagMembership, ...]:
    """LACP members: selected (bundled) when the local flags carry both E and F
    (collecting, distributing)."""
    rows = parse_template(NAME, "display link-aggregation member-port", text, header_lines=6)
    members = []
    for row in rows:
        lag = long_name(clean(row.get("aggregate_interface")), SHORT_NAMES)
        member = long_name(clean(row.get("member_port")), SHORT_NAMES)
        if lag is None or member is None:
            continue
        flags = clean(row.get("local_flag"))
        members.append(
            LagMembership(
                lag=lag,
                member=member,
                protocol="lacp" if flags else "static",
                active=None if flags is None else ("E" in flags and "F" in flags),
                status=flags,
            )
        )
    return tuple(members)


PLATFORM = Platform(
    name=NAME,
    vendor="H3C",
    device_type="hp_comware",
    commands=(
        Command.show(VERSION),
        Command(key=SYSNAME, cli=SYSNAME),
        Command.show(MANUINFO),
        Command.show("display interface"),
        Command.show("display lldp neighbor-information verbose", required=False),
        Command.show("display vlan all", required=False),
        Command.show("display mac-address", required=False),
        Command.show("display arp"),
        Command.show("display link-aggregation member-port", required=False),
    ),
    parsers={
        MANUINFO: parse_display_device_manuinfo,
        "display interface": parse_display_interface,
        "display lldp neighbor-information verbose": parse_display_lldp_neighbor_verbose,
        "display vlan all": parse_display_vlan_all,
        "display mac-address": parse_display_mac_address,
        "display arp": parse_display_arp,
        "display link-aggregation member-port": parse_display_link_aggregation_member_port,
    },
    combined=(Combined(keys=(VERSION, MANUINFO, SYSNAME), parse=parse_device_version),),
    error_markers=("% Unrecognized command", "% Wrong parameter", "% Incomplete command"),
)
