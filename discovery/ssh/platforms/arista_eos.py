"""Arista EOS: commands and pure parsers over ntc-templates.

EOS's `show version` carries no hostname, so the device version is parsed
from `show version` and `show hostname` together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from discovery.identifiers import normalize_mac, split_address
from discovery.ssh.platforms.base import (
    Combined,
    Command,
    Platform,
    admin_from_line,
    link_status,
    parse_template,
)
from discovery.ssh.platforms.ntc_rows import (
    arp_from_rows,
    inventory_from_rows,
    lags_from_rows,
    mac_entry,
    neighbors_from_rows,
    vlans_from_rows,
)
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    IPInterface,
    LagMembership,
    MacEntry,
    Neighbor,
    Record,
    Vlan,
)
from discovery.ssh.values import clean, parse_int, parse_uptime_seconds

NAME = "arista_eos"
_NO_NEIGHBORS = re.compile(r"detected 0 LLDP neighbors")
TABLE_HEADER_LINES = 8


def parse_show_version(text: str) -> tuple[DeviceVersion, ...]:
    """The version without a hostname (EOS does not print one here)."""
    rows = parse_template(NAME, "show version", text)
    if not rows:
        return ()
    row = rows[0]
    model = clean(row.get("model"))
    serial = clean(row.get("serial_number"))
    uptime = clean(row.get("uptime"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Arista",
            hostname=None,
            os_version=clean(row.get("image")),
            model=model,
            models=(model,) if model else (),
            serials=(serial,) if serial else (),
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            base_mac=normalize_mac(clean(row.get("sys_mac"))),
        ),
    )


def parse_show_hostname(text: str) -> tuple[str | None, str | None]:
    """(hostname, fqdn) from `show hostname`."""
    rows = parse_template(NAME, "show hostname", text)
    if not rows:
        return None, None
    return clean(rows[0].get("hostname")), clean(rows[0].get("fqdn"))


def parse_device_version(outputs: Mapping[str, str]) -> tuple[Record, ...]:
    versions = parse_show_version(outputs.get("show version", ""))
    if not versions or "show hostname" not in outputs:
        return versions
    hostname, _fqdn = parse_show_hostname(outputs["show hostname"])
    return (replace(versions[0], hostname=hostname),)


def parse_show_inventory(text: str) -> tuple[InventoryItem, ...]:
    return inventory_from_rows(parse_template(NAME, "show inventory", text))


def parse_show_interfaces(text: str) -> tuple[Interface, ...]:
    interfaces = []
    for row in parse_template(NAME, "show interfaces", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        protocol = clean(row.get("protocol_status"))
        address, prefix = split_address(clean(row.get("ip_address")))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=None,
                bandwidth_kbps=parse_int(row.get("bandwidth")),
                admin_status=admin_from_line(clean(row.get("link_status"))),
                oper_status=link_status(protocol.split()[0]) if protocol else None,
                ip_address=address,
                prefix_length=prefix,
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def parse_show_ip_interface_brief(text: str) -> tuple[IPInterface, ...]:
    rows = parse_template(NAME, "show ip interface brief", text, header_lines=2)
    result = []
    for row in rows:
        name = clean(row.get("interface"))
        if name is None:
            continue
        address, prefix = split_address(clean(row.get("ip_address")))
        result.append(
            IPInterface(
                interface=name,
                address=address,
                prefix_length=prefix,
                vrf=None,
                admin_status=admin_from_line(clean(row.get("status"))),
                oper_status=link_status(clean(row.get("protocol"))),
            )
        )
    return tuple(result)


def parse_show_lldp_neighbors_detail(text: str) -> tuple[Neighbor, ...]:
    """EOS prints "Interface X detected 0 LLDP neighbors:" per quiet port; output of
    nothing else is an empty table, not a template failure."""
    lines = [line for line in text.splitlines() if line.strip()]
    if all(_NO_NEIGHBORS.search(line) for line in lines):
        return ()
    rows = parse_template(NAME, "show lldp neighbors detail", text)
    return neighbors_from_rows(rows, "lldp")


def parse_show_mac_address_table(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(NAME, "show mac address-table", text, header_lines=TABLE_HEADER_LINES)
    entries = (
        mac_entry(
            row.get("mac_address"),
            row.get("vlan_id"),
            row.get("destination_port"),
            row.get("type"),
        )
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_show_ip_arp(text: str) -> tuple[ArpEntry, ...]:
    """EOS shows "Vlan101, Port-Channel2": the L3 interface, then the port it was
    learned on. The entry keeps the L3 interface."""
    entries = arp_from_rows(parse_template(NAME, "show ip arp", text, header_lines=3))
    return tuple(
        replace(e, interface=e.interface.split(",")[0].strip()) if e.interface else e
        for e in entries
    )


def parse_show_vlan(text: str) -> tuple[Vlan, ...]:
    """VLANs and the ports in each, trunks included (tagged or not is not shown)."""
    rows = parse_template(NAME, "show vlan", text, header_lines=2)
    return vlans_from_rows(rows)


def parse_show_port_channel_summary(text: str) -> tuple[LagMembership, ...]:
    rows = parse_template(NAME, "show port-channel summary", text, header_lines=16)
    return lags_from_rows(rows)


PLATFORM = Platform(
    name=NAME,
    vendor="Arista",
    device_type="arista_eos",
    commands=(
        Command.show("show version"),
        Command.show("show hostname"),
        Command.show("show inventory"),
        Command.show("show interfaces"),
        Command.show("show ip interface brief"),
        Command.show("show lldp neighbors detail", required=False),
        Command.show("show mac address-table", required=False),
        Command.show("show ip arp"),
        Command.show("show vlan", required=False),
        Command.show("show port-channel summary", required=False),
    ),
    parsers={
        "show inventory": parse_show_inventory,
        "show interfaces": parse_show_interfaces,
        "show ip interface brief": parse_show_ip_interface_brief,
        "show lldp neighbors detail": parse_show_lldp_neighbors_detail,
        "show mac address-table": parse_show_mac_address_table,
        "show ip arp": parse_show_ip_arp,
        "show vlan": parse_show_vlan,
        "show port-channel summary": parse_show_port_channel_summary,
    },
    combined=(Combined(keys=("show version", "show hostname"), parse=parse_device_version),),
    error_markers=("% Invalid input", "% Incomplete command", "% Ambiguous command"),
)
