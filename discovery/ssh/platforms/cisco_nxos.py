"""Cisco NX-OS: commands and pure parsers over ntc-templates."""

from __future__ import annotations

from dataclasses import replace

from discovery.identifiers import normalize_mac, split_address
from discovery.ssh.platforms.base import Command, Platform, TemplateRow, link_status, parse_template
from discovery.ssh.platforms.ntc_rows import (
    arp_from_rows,
    inventory_from_rows,
    lags_from_rows,
    mac_entry,
    neighbors_from_rows,
    switchport_from_row,
    vlans_from_rows,
)
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    IPInterface,
    LagMembership,
    LinkStatus,
    MacEntry,
    Neighbor,
    SwitchPort,
    Vlan,
)
from discovery.ssh.values import clean, parse_int, parse_uptime_seconds

NAME = "cisco_nxos"
TABLE_HEADER_LINES = 12  # legends and headers printed even when a table is empty


def parse_show_version(text: str) -> tuple[DeviceVersion, ...]:
    rows = parse_template(NAME, "show version", text)
    if not rows:
        return ()
    row = rows[0]
    model = clean(row.get("platform"))
    serial = clean(row.get("serial"))
    uptime = clean(row.get("uptime"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Cisco",
            hostname=clean(row.get("hostname")),
            os_version=clean(row.get("os")),
            model=model,
            models=(model,) if model else (),
            serials=(serial,) if serial else (),
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            image=clean(row.get("boot_image")),
        ),
    )


def parse_show_inventory(text: str) -> tuple[InventoryItem, ...]:
    return inventory_from_rows(parse_template(NAME, "show inventory", text))


def _admin_status(row: TemplateRow, oper: LinkStatus | None) -> LinkStatus | None:
    """NX-OS prints "admin state is up" on some interfaces only; infer the rest."""
    shown = link_status(clean(row.get("admin_state")))
    if shown is not None:
        return shown
    line = (clean(row.get("link_status")) or "").lower()
    if "administratively down" in line:
        return "down"
    return "up" if oper == "up" else None


def parse_show_interface(text: str) -> tuple[Interface, ...]:
    interfaces = []
    for row in parse_template(NAME, "show interface", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        line = clean(row.get("link_status"))
        oper = link_status(line.split()[0]) if line else None
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=clean(row.get("speed")),
                bandwidth_kbps=parse_int(row.get("bandwidth")),
                admin_status=_admin_status(row, oper),
                oper_status=oper,
                ip_address=split_address(clean(row.get("ip_address")))[0],
                prefix_length=parse_int(row.get("prefix_length")),
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def parse_show_ip_interface_brief(text: str) -> tuple[IPInterface, ...]:
    rows = parse_template(NAME, "show ip interface brief vrf all", text, header_lines=3)
    return tuple(
        IPInterface(
            interface=name,
            address=split_address(clean(row.get("ip_address")))[0],
            prefix_length=None,
            vrf=clean(row.get("vrf")),
            admin_status=link_status(clean(row.get("status"))),
            oper_status=link_status(clean(row.get("proto"))),
        )
        for row in rows
        if (name := clean(row.get("interface"))) is not None
    )


def parse_show_cdp_neighbors_detail(text: str) -> tuple[Neighbor, ...]:
    """NX-OS's template puts the CDP Device ID in CHASSIS_ID and the System Name
    (often absent) in NEIGHBOR_NAME; the name falls back to the device id."""
    rows = parse_template(NAME, "show cdp neighbors detail", text)
    neighbors = neighbors_from_rows(rows, "cdp")
    return tuple(
        n if n.remote_name is not None else replace(n, remote_name=n.chassis_id) for n in neighbors
    )


def parse_show_lldp_neighbors_detail(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show lldp neighbors detail", text, header_lines=3)
    return neighbors_from_rows(rows, "lldp")


def parse_show_mac_address_table(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(NAME, "show mac address-table", text, header_lines=TABLE_HEADER_LINES)
    entries = (
        mac_entry(row.get("mac_address"), row.get("vlan_id"), row.get("ports"), row.get("type"))
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_show_ip_arp(text: str) -> tuple[ArpEntry, ...]:
    rows = parse_template(NAME, "show ip arp vrf all", text, header_lines=TABLE_HEADER_LINES)
    return arp_from_rows(rows)


def parse_show_vlan(text: str) -> tuple[Vlan, ...]:
    """VLANs and the ports in each (trunks too, as NX-OS lists them)."""
    rows = parse_template(NAME, "show vlan", text, header_lines=TABLE_HEADER_LINES)
    return vlans_from_rows(rows)


def parse_show_interface_switchport(text: str) -> tuple[SwitchPort, ...]:
    rows = parse_template(NAME, "show interface switchport", text)
    return tuple(port for row in rows if (port := switchport_from_row(row)) is not None)


def parse_show_port_channel_summary(text: str) -> tuple[LagMembership, ...]:
    rows = parse_template(NAME, "show port-channel summary", text, header_lines=16)
    return lags_from_rows(rows)


PLATFORM = Platform(
    name=NAME,
    vendor="Cisco",
    device_type="cisco_nxos",
    commands=(
        Command.show("show version"),
        Command.show("show inventory"),
        Command.show("show interface"),
        # every VRF; a device (or a context) that refuses `vrf all` gives the default one
        Command.show("show ip interface brief vrf all", fallbacks=("show ip interface brief",)),
        Command.show("show cdp neighbors detail", required=False),
        Command.show("show lldp neighbors detail", required=False),
        Command.show("show mac address-table", required=False),
        Command.show("show ip arp vrf all", fallbacks=("show ip arp",)),
        Command.show("show vlan", required=False),
        Command.show("show interface switchport", required=False),
        Command.show("show port-channel summary", required=False),
    ),
    parsers={
        "show version": parse_show_version,
        "show inventory": parse_show_inventory,
        "show interface": parse_show_interface,
        "show ip interface brief vrf all": parse_show_ip_interface_brief,
        "show ip interface brief": parse_show_ip_interface_brief,
        "show cdp neighbors detail": parse_show_cdp_neighbors_detail,
        "show lldp neighbors detail": parse_show_lldp_neighbors_detail,
        "show mac address-table": parse_show_mac_address_table,
        "show ip arp vrf all": parse_show_ip_arp,
        "show ip arp": parse_show_ip_arp,
        "show vlan": parse_show_vlan,
        "show interface switchport": parse_show_interface_switchport,
        "show port-channel summary": parse_show_port_channel_summary,
    },
    error_markers=("% Invalid command", "% Incomplete command", "% Invalid"),
)
