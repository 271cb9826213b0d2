"""Cisco ASA: commands and pure parsers over ntc-templates.

A firewall: no LLDP/CDP and no MAC table. Interfaces carry a zone name (`nameif`)
and their address; `show port-channel summary` gives the EtherChannels.
"""

from __future__ import annotations

import ipaddress

from discovery.identifiers import normalize_mac
from discovery.ssh.platforms.base import Command, Platform, link_status, parse_template
from discovery.ssh.platforms.ntc_rows import arp_from_rows, inventory_from_rows
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    IPInterface,
    LagMembership,
)
from discovery.ssh.values import clean, clean_list, parse_int, parse_uptime_seconds

NAME = "cisco_asa"
# "P" bundled in the port-channel; anything else (s suspended, I stand-alone) is not.
_BUNDLED = "P"


def parse_show_version(text: str) -> tuple[DeviceVersion, ...]:
    rows = parse_template(NAME, "show version", text)
    if not rows:
        return ()
    row = rows[0]
    model = clean(row.get("model")) or _hardware_model(clean(row.get("hardware")))
    serials = clean_list(row.get("serial"))
    uptime = clean(row.get("uptime"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Cisco",
            hostname=clean(row.get("hostname")),
            os_version=clean(row.get("version")),
            model=model,
            models=(model,) if model else (),
            serials=serials,
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            image=clean(row.get("image")),
        ),
    )


def _hardware_model(hardware: str | None) -> str | None:
    """ "ASA5520, 2048 MB RAM, CPU ..." -> "ASA5520" (older releases print no Model Id)."""
    return clean(hardware.split(",")[0]) if hardware else None


def parse_show_inventory(text: str) -> tuple[InventoryItem, ...]:
    return inventory_from_rows(parse_template(NAME, "show inventory", text))


def _prefix(netmask: str | None) -> int | None:
    if netmask is None:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{netmask}").prefixlen
    except ValueError:
        return None


def parse_show_interface(text: str) -> tuple[Interface, ...]:
    """ASA's link status says "administratively down" for a shut port; its zone name
    (nameif) is the closest thing to a description when none is set."""
    interfaces = []
    for row in parse_template(NAME, "show interface", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        link = (clean(row.get("link_status")) or "").lower()
        address = clean(row.get("ip_address"))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=clean(row.get("speed")),
                bandwidth_kbps=_mbps_to_kbps(clean(row.get("bandwidth"))),
                admin_status="down" if "admin" in link else ("up" if link else None),
                oper_status=link_status(clean(row.get("protocol_status"))),
                ip_address=address,
                prefix_length=_prefix(clean(row.get("netmask"))) if address else None,
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def _mbps_to_kbps(bandwidth: str | None) -> int | None:
    """ "1000 Mbps" -> 1000000."""
    if bandwidth is None:
        return None
    number, _, unit = bandwidth.partition(" ")
    value = parse_int(number)
    if value is None:
        return None
    return value * 1000 if unit.lower().startswith("mb") else value


def parse_show_interface_ip_brief(text: str) -> tuple[IPInterface, ...]:
    rows = parse_template(NAME, "show interface ip brief", text, header_lines=1)
    result = []
    for row in rows:
        name = clean(row.get("interface"))
        if name is None:
            continue
        status = (clean(row.get("status")) or "").lower()
        result.append(
            IPInterface(
                interface=name,
                address=_address(clean(row.get("ip_address"))),
                prefix_length=None,
                vrf=None,
                admin_status="down" if status.startswith("admin") else link_status(status),
                oper_status=link_status(clean(row.get("proto"))),
            )
        )
    return tuple(result)


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(text)) if text else None
    except ValueError:
        return None  # "unassigned"


def parse_show_arp(text: str) -> tuple[ArpEntry, ...]:
    return arp_from_rows(parse_template(NAME, "show arp", text))


def parse_show_port_channel_summary(text: str) -> tuple[LagMembership, ...]:
    """One row per port-channel with its members and their flags (P: bundled)."""
    members = []
    for row in parse_template(NAME, "show port-channel summary", text, header_lines=12):
        lag = clean(row.get("bundle_name"))
        if lag is None:
            continue
        protocol = (clean(row.get("bundle_protocol")) or "").lower()
        flags = clean_list(row.get("member_interface_status"))
        for index, member in enumerate(clean_list(row.get("member_interface"))):
            flag = flags[index] if index < len(flags) else None
            members.append(
                LagMembership(
                    lag=lag,
                    member=member,
                    protocol="lacp" if protocol == "lacp" else ("static" if protocol else None),
                    active=None if flag is None else flag == _BUNDLED,
                    status=flag,
                )
            )
    return tuple(members)


PLATFORM = Platform(
    name=NAME,
    vendor="Cisco",
    device_type="cisco_asa",
    commands=(
        Command.show("show version"),
        Command.show("show inventory"),
        Command.show("show interface"),
        Command.show("show interface ip brief"),
        Command.show("show arp"),
        Command.show("show port-channel summary", required=False),
    ),
    parsers={
        "show version": parse_show_version,
        "show inventory": parse_show_inventory,
        "show interface": parse_show_interface,
        "show interface ip brief": parse_show_interface_ip_brief,
        "show arp": parse_show_arp,
        "show port-channel summary": parse_show_port_channel_summary,
    },
    error_markers=("ERROR: % Invalid input", "% Invalid input", "ERROR: Command"),
)
