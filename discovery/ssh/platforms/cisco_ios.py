"""Cisco IOS / IOS-XE: commands and pure parsers over ntc-templates."""

from __future__ import annotations

from discovery.identifiers import normalize_mac, prefix_from_netmask, split_address
from discovery.ssh.platforms.base import (
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
    MacEntry,
    Neighbor,
    SwitchPort,
    Vlan,
)
from discovery.ssh.values import clean, clean_list, parse_int, parse_uptime_seconds

NAME = "cisco_ios"
TABLE_HEADER_LINES = 8  # an empty table still prints its header and totals
LAG_HEADER_LINES = 24  # the flags legend, the counts and the column header


def parse_show_version(text: str) -> tuple[DeviceVersion, ...]:
    rows = parse_template(NAME, "show version", text)
    if not rows:
        return ()
    row = rows[0]
    models = clean_list(row.get("hardware"))
    macs = clean_list(row.get("mac_address"))
    uptime = clean(row.get("uptime"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Cisco",
            hostname=clean(row.get("hostname")),
            os_version=clean(row.get("version")),
            model=models[0] if models else None,
            models=models,
            serials=clean_list(row.get("serial")),
            uptime=uptime,
            uptime_seconds=parse_uptime_seconds(uptime),
            image=clean(row.get("running_image")),
            base_mac=normalize_mac(macs[0]) if macs else None,
        ),
    )


def parse_show_inventory(text: str) -> tuple[InventoryItem, ...]:
    return inventory_from_rows(parse_template(NAME, "show inventory", text))


def parse_show_interfaces(text: str) -> tuple[Interface, ...]:
    interfaces = []
    for row in parse_template(NAME, "show interfaces", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        protocol = clean(row.get("protocol_status"))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=clean(row.get("speed")),
                bandwidth_kbps=parse_int(row.get("bandwidth")),
                admin_status=admin_from_line(clean(row.get("link_status"))),
                oper_status=link_status(protocol.split()[0]) if protocol else None,
                ip_address=split_address(clean(row.get("ip_address")))[0],
                prefix_length=parse_int(row.get("prefix_length")),
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def parse_show_ip_interface_brief(text: str) -> tuple[IPInterface, ...]:
    rows = parse_template(NAME, "show ip interface brief", text, header_lines=1)
    return tuple(
        IPInterface(
            interface=name,
            address=split_address(clean(row.get("ip_address")))[0],
            prefix_length=None,
            vrf=None,
            admin_status=admin_from_line(clean(row.get("status"))),
            oper_status=link_status(clean(row.get("proto"))),
        )
        for row in rows
        if (name := clean(row.get("interface"))) is not None
    )


def parse_show_running_config_interface(text: str) -> tuple[IPInterface, ...]:
    """Configured IPv4 addresses (with mask and VRF) from the interface config."""
    rows = parse_template(NAME, "show running-config interface", text)
    return tuple(
        IPInterface(
            interface=name,
            address=address,
            prefix_length=prefix_from_netmask(clean(row.get("netmask"))),
            vrf=clean(row.get("vrf")),
            admin_status=None,
            oper_status=None,
        )
        for row in rows
        if (name := clean(row.get("interface"))) is not None
        and (address := split_address(clean(row.get("ip_address")))[0]) is not None
    )


def parse_show_cdp_neighbors_detail(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show cdp neighbors detail", text)
    return neighbors_from_rows(rows, "cdp")


def parse_show_cdp_neighbors(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show cdp neighbors", text, header_lines=TABLE_HEADER_LINES)
    return neighbors_from_rows(rows, "cdp")


def parse_show_lldp_neighbors_detail(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show lldp neighbors detail", text, header_lines=2)
    return neighbors_from_rows(
        rows,
        "lldp",
        port_id_column="neighbor_port_id",
        port_description_column="neighbor_interface",
    )


def parse_show_lldp_neighbors(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show lldp neighbors", text, header_lines=TABLE_HEADER_LINES)
    return neighbors_from_rows(rows, "lldp")


def parse_show_mac_address_table(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(NAME, "show mac address-table", text, header_lines=TABLE_HEADER_LINES)
    entries = (
        mac_entry(
            row.get("destination_address"),
            row.get("vlan_id"),
            row.get("destination_port"),
            row.get("type"),
        )
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_show_ip_arp(text: str) -> tuple[ArpEntry, ...]:
    return arp_from_rows(parse_template(NAME, "show ip arp", text, header_lines=1))


def parse_show_vlan(text: str) -> tuple[Vlan, ...]:
    rows = parse_template(NAME, "show vlan", text, header_lines=TABLE_HEADER_LINES)
    return vlans_from_rows(rows)


def parse_show_interfaces_switchport(text: str) -> tuple[SwitchPort, ...]:
    rows = parse_template(NAME, "show interfaces switchport", text)
    return tuple(port for row in rows if (port := switchport_from_row(row)) is not None)


def parse_show_etherchannel_summary(text: str) -> tuple[LagMembership, ...]:
    rows = parse_template(NAME, "show etherchannel summary", text, header_lines=LAG_HEADER_LINES)
    return lags_from_rows(rows)


PLATFORM = Platform(
    name=NAME,
    vendor="Cisco",
    device_type="cisco_ios",
    commands=(
        Command.show("show version"),
        Command.show("show inventory"),
        Command.show("show interfaces"),
        Command.show("show ip interface brief"),
        Command.show("show cdp neighbors detail", required=False),
        Command.show("show lldp neighbors detail", required=False),
        Command.show("show mac address-table", required=False,
                     fallbacks=("show mac-address-table",)),  # IOS 12.1 and older
        Command.show("show ip arp"),
        Command.show("show vlan", required=False),
        Command.show("show interfaces switchport", required=False),
        Command.show("show etherchannel summary", required=False),
    ),
    parsers={
        "show version": parse_show_version,
        "show inventory": parse_show_inventory,
        "show interfaces": parse_show_interfaces,
        "show ip interface brief": parse_show_ip_interface_brief,
        "show running-config interface": parse_show_running_config_interface,
        "show cdp neighbors detail": parse_show_cdp_neighbors_detail,
        "show cdp neighbors": parse_show_cdp_neighbors,
        "show lldp neighbors detail": parse_show_lldp_neighbors_detail,
        "show lldp neighbors": parse_show_lldp_neighbors,
        "show mac address-table": parse_show_mac_address_table,
        "show mac-address-table": parse_show_mac_address_table,
        "show ip arp": parse_show_ip_arp,
        "show vlan": parse_show_vlan,
        "show interfaces switchport": parse_show_interfaces_switchport,
        "show etherchannel summary": parse_show_etherchannel_summary,
    },
    error_markers=(
        "% Invalid input",
        "% Incomplete command",
        "% Ambiguous command",
        "% LLDP is not enabled",
        "% CDP is not enabled",
    ),
)
