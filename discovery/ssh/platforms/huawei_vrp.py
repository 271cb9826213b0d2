"""Huawei VRP (switches, routers, firewalls): commands and pure parsers over ntc-templates.

`display version` names no host: the host name is the configuration's `sysname`,
read with the version. VLAN membership: `display vlan` lists each VLAN's ports
tagged (TG) or untagged (UT); `display port vlan` each port's link type, PVID and
allowed VLANs. `display eth-trunk` gives the Eth-Trunk members.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from discovery.identifiers import normalize_mac, split_address
from discovery.ssh.errors import ParseError
from discovery.ssh.platforms.base import (
    Combined,
    Command,
    Platform,
    link_status,
    parse_template,
)
from discovery.ssh.platforms.ntc_rows import arp_from_rows, mac_entry, neighbors_from_rows
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
    VlanPort,
)
from discovery.ssh.values import clean, clean_list, parse_int, parse_uptime_seconds

NAME = "huawei_vrp"
SYSNAME = "display current-configuration | include sysname"
_SYSNAME_LINE = re.compile(r"^\s*sysname\s+(\S+)\s*$", re.MULTILINE)
_MODES = {"access": "access", "trunk": "trunk"}  # hybrid, auto, desirable: no single mode
_SHORT_NAME = re.compile(r"^([A-Za-z][A-Za-z\-]*?)(\d.*)$")
# The short port names VRP prints in tables (display vlan, display mac-address, LLDP).
SHORT_NAMES = {"GE": "GigabitEthernet", "XGE": "XGigabitEthernet", "Eth": "Ethernet"}


def long_name(name: str | None, short_names: Mapping[str, str] = SHORT_NAMES) -> str | None:
    """ "XGE0/0/1" -> "XGigabitEthernet0/0/1", as `display interface` names the port;
    full names and names of no known short form are kept."""
    found = _SHORT_NAME.match(name) if name else None
    if found is None or found.group(1) not in short_names:
        return name
    return short_names[found.group(1)] + found.group(2)


def parse_display_version(text: str) -> tuple[DeviceVersion, ...]:
    """Model and software; the version is the product release ("V200R010C00SPC600"),
    the VRP platform version ("5.170") is kept as the image."""
    rows = parse_template(NAME, "display version", text)
    if not rows:
        return ()
    row = rows[0]
    model = clean(row.get("model"))
    product = clean(row.get("product_version"))
    uptime = clean(row.get("uptime"))
    vrp = clean(row.get("vrp_version"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Huawei",
            hostname=None,
            os_version=product.split()[-1] if product else vrp,
            model=model,
            models=(model,) if model else (),
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            image=f"VRP {vrp}" if vrp else None,
        ),
    )


def parse_sysname(text: str) -> str | None:
    """The host name from the configuration's `sysname` line."""
    found = _SYSNAME_LINE.search(text)
    return found.group(1) if found else None


def parse_device_version(outputs: Mapping[str, str]) -> tuple[Record, ...]:
    versions = parse_display_version(outputs.get("display version", ""))
    if not versions or SYSNAME not in outputs:
        return versions
    hostname = parse_sysname(outputs[SYSNAME])
    if hostname is None and outputs[SYSNAME].strip():
        raise ParseError(NAME, SYSNAME, "no sysname line")
    return (replace(versions[0], hostname=hostname),)


def parse_display_interface(text: str) -> tuple[Interface, ...]:
    """Link state "Administratively DOWN" is a shut port; the line protocol is the
    operational state ("UP (spoofing)" on loopbacks is up)."""
    interfaces = []
    for row in parse_template(NAME, "display interface", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        link = (clean(row.get("link_status")) or "").lower()
        protocol = clean(row.get("protocol_status"))
        address, prefix = split_address(clean(row.get("ip_address")))
        speed = parse_int(row.get("speed"))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("interface_description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=f"{speed}Mb/s" if speed else None,
                bandwidth_kbps=speed * 1000 if speed else None,
                admin_status="down" if "administratively" in link else ("up" if link else None),
                oper_status=link_status(protocol.split()[0]) if protocol else None,
                ip_address=address,
                prefix_length=prefix,
            )
        )
    return tuple(interfaces)


def parse_display_lldp_neighbor(text: str) -> tuple[Neighbor, ...]:
    """NEIGHBOR_PORT_ID is the port id, NEIGHBOR_INTERFACE the port description; the
    system description is a list of lines."""
    rows = parse_template(NAME, "display lldp neighbor", text, header_lines=1)
    for row in rows:
        row["neighbor_description"] = " ".join(clean_list(row.get("neighbor_description")))
        row["local_interface"] = long_name(clean(row.get("local_interface")))
    return neighbors_from_rows(
        rows,
        "lldp",
        port_id_column="neighbor_port_id",
        port_description_column="neighbor_interface",
    )


def parse_display_vlan(text: str) -> tuple[Record, ...]:
    """A VLAN per id (its description as the name) and a VlanPort per member port,
    tagged when listed under TG. The template gives one row per (VLAN, mode)."""
    rows = parse_template(NAME, "display vlan", text, header_lines=3)
    vlans: dict[int, Vlan] = {}
    ports: list[VlanPort] = []
    for row in rows:
        vlan_id = parse_int(row.get("vlan_id"))
        if vlan_id is None:
            continue
        members = tuple(n for m in clean_list(row.get("interface")) if (n := long_name(m)))
        vlan = vlans.get(vlan_id) or Vlan(
            vlan_id, clean(row.get("vlan_description")), clean(row.get("vlan_status"))
        )
        vlans[vlan_id] = replace(vlan, interfaces=(*vlan.interfaces, *members))
        mode = clean(row.get("mode"))
        tagged = {"TG": True, "UT": False}.get(mode or "")
        ports.extend(VlanPort(m, None, vlan_id, tagged) for m in members)
    return (*vlans.values(), *ports)


def _ranges(items: tuple[str, ...]) -> tuple[tuple[int, int], ...] | None:
    ranges = []
    for item in items:
        low, _, high = item.partition("-")
        if not low.isdigit() or not (high or low).isdigit():
            return None
        ranges.append((int(low), int(high or low)))
    return tuple(ranges)


def parse_display_port_vlan(text: str) -> tuple[SwitchPort, ...]:
    """Access ports: PVID is the access VLAN. Trunk and hybrid ports: PVID is the
    native VLAN, the list the allowed VLANs (hybrid keeps mode None)."""
    ports = []
    for row in parse_template(NAME, "display port vlan", text, header_lines=3):
        name = clean(row.get("interface"))
        if name is None:
            continue
        raw = clean(row.get("link_type"))
        mode = _MODES.get((raw or "").lower())
        pvid = parse_int(row.get("vlan_id"))
        ports.append(
            SwitchPort(
                interface=name,
                mode="access" if mode == "access" else ("trunk" if mode == "trunk" else None),
                mode_raw=raw,
                access_vlan=pvid if mode == "access" else None,
                native_vlan=pvid if mode != "access" else None,
                trunk_vlans=_ranges(clean_list(row.get("trunk_vlan_list")))
                if mode != "access"
                else None,
            )
        )
    return tuple(ports)


def parse_display_mac_address(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(NAME, "display mac-address", text, header_lines=6)
    entries = (
        mac_entry(
            row.get("destination_address"),
            row.get("vlan_id"),
            long_name(clean(row.get("destination_port"))),
            row.get("type"),
        )
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_display_arp_all(text: str) -> tuple[ArpEntry, ...]:
    rows = parse_template(NAME, "display arp all", text, header_lines=4)
    for row in rows:
        row["vrf"] = row.get("vpn_instance")
        row["interface"] = long_name(clean(row.get("interface")))
    return arp_from_rows(rows)


def parse_display_eth_trunk(text: str) -> tuple[LagMembership, ...]:
    """Members of every Eth-Trunk: LACP mode ("LACP" / "STATIC" working mode) shows
    Selected/Unselected, manual (NORMAL) mode Up/Down."""
    members = []
    for row in parse_template(NAME, "display eth-trunk", text, header_lines=4):
        lag, member = clean(row.get("eth_trunk")), clean(row.get("interface"))
        if lag is None or member is None:
            continue
        mode = (clean(row.get("working_mode")) or "").lower()
        status = clean(row.get("status"))
        members.append(
            LagMembership(
                lag=lag,
                member=member,
                protocol="lacp" if "lacp" in mode else ("static" if mode else None),
                active=None if status is None else status.lower() in ("up", "selected"),
                status=status,
            )
        )
    return tuple(members)


def parse_display_device(text: str) -> tuple[InventoryItem, ...]:
    """The boards in their slots (no serials: `display device` shows none)."""
    rows = parse_template(NAME, "display device", text, header_lines=4)
    return tuple(
        InventoryItem(
            name=f"Slot {slot}" if (slot := clean(row.get("slot"))) else None,
            descr=clean(row.get("card")) if clean(row.get("card")) != "-" else None,
            pid=clean(row.get("pid")),
            serial=None,
            vid=None,
        )
        for row in rows
    )


PLATFORM = Platform(
    name=NAME,
    vendor="Huawei",
    device_type="huawei_vrp",
    commands=(
        Command.show("display version"),
        Command(key=SYSNAME, cli=SYSNAME),
        Command.show("display device", required=False),
        Command.show("display interface"),
        Command.show("display lldp neighbor", required=False),
        Command.show("display vlan", required=False),
        Command.show("display port vlan", required=False),
        Command.show("display mac-address", required=False),
        Command.show("display arp all"),
        Command.show("display eth-trunk", required=False),
    ),
    parsers={
        "display device": parse_display_device,
        "display interface": parse_display_interface,
        "display lldp neighbor": parse_display_lldp_neighbor,
        "display vlan": parse_display_vlan,
        "display port vlan": parse_display_port_vlan,
        "display mac-address": parse_display_mac_address,
        "display arp all": parse_display_arp_all,
        "display eth-trunk": parse_display_eth_trunk,
    },
    combined=(Combined(keys=("display version", SYSNAME), parse=parse_device_version),),
    error_markers=(
        "Error: Unrecognized command",
        "Error: Wrong parameter",
        "Error: Incomplete command",
    ),
)
