"""Juniper Junos: commands and pure parsers over ntc-templates."""

from __future__ import annotations

from discovery.identifiers import split_address
from discovery.ssh.platforms.base import (
    Command,
    Platform,
    TemplateRow,
    link_status,
    parse_template,
)
from discovery.ssh.platforms.ntc_rows import arp_from_rows, chassis_id, mac_entry
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    MacEntry,
    Neighbor,
)
from discovery.ssh.values import clean, parse_int

NAME = "juniper_junos"
TABLE_HEADER_LINES = 10

# `show chassis hardware` rows: the template has one column group per kind of
# part, and fills FPC/CPU/MIC/PIC down onto the rows below them. (prefix, label).
_PART_KINDS: tuple[tuple[str, str], ...] = (
    ("chassis", "Chassis"),
    ("mid", "Midplane"),
    ("fpm", "FPM Board"),
    ("ps", "PEM"),
    ("re", "Routing Engine"),
    ("cb", "CB"),
    ("tfeb", "TFEB"),
    ("afeb", "AFEB"),
    ("qxm", "QXM"),
    ("fpc", "FPC"),
    ("cpu", "CPU"),
    ("mic", "MIC"),
    ("pic", "PIC"),
    ("xcvr", "Xcvr"),
    ("fan", "Fan Tray"),
)
# The parents named in a nested part's path ("FPC 0 MIC 1 PIC 2 Xcvr 3").
_PARENTS: dict[str, tuple[str, ...]] = {
    "cpu": ("fpc",),
    "mic": ("fpc",),
    "pic": ("fpc", "mic"),
    "xcvr": ("fpc", "mic", "pic"),
}


def parse_show_version(text: str) -> tuple[DeviceVersion, ...]:
    """The first (or only) node's version. Virtual chassis and SRX clusters print
    one block per member; the template reports the first."""
    rows = parse_template(NAME, "show version", text)
    if not rows:
        return ()
    row = rows[0]
    model = clean(row.get("model"))
    serial = clean(row.get("serial_number"))
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Juniper",
            hostname=clean(row.get("hostname")),
            os_version=clean(row.get("junos_version")),
            model=model,
            models=(model,) if model else (),
            serials=(serial,) if serial else (),
        ),
    )


def _part_name(row: TemplateRow, prefix: str, label: str) -> str:
    parts: list[str] = []
    for parent in _PARENTS.get(prefix, ()):
        number = clean(row.get(f"{parent}_number"))
        if number is not None and clean(row.get(f"{parent}_description")) is not None:
            parts.append(f"{parent.upper()} {number}")
    number = clean(row.get(f"{prefix}_number"))
    parts.append(f"{label} {number}" if number is not None else label)
    return " ".join(parts)


def parse_show_chassis_hardware(text: str) -> tuple[InventoryItem, ...]:
    """One item per part; parents filled down onto a row are emitted once."""
    items: list[InventoryItem] = []
    seen: set[InventoryItem] = set()
    for row in parse_template(NAME, "show chassis hardware", text):
        for prefix, label in _PART_KINDS:
            descr = clean(row.get(f"{prefix}_description"))
            serial = clean(row.get(f"{prefix}_serial_number"))
            if descr is None and serial is None:
                continue
            item = InventoryItem(
                name=_part_name(row, prefix, label),
                descr=descr,
                pid=clean(row.get(f"{prefix}_part")),
                serial=serial,
                vid=clean(row.get(f"{prefix}_version")),
            )
            if item not in seen:
                seen.add(item)
                items.append(item)
    return tuple(items)


def parse_show_interfaces(text: str) -> tuple[Interface, ...]:
    """Physical and logical interfaces; logical ones carry their IPv4 address.

    The template reads no MAC or speed from this output.
    """
    interfaces = []
    for row in parse_template(NAME, "show interfaces", text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        address, _ = split_address(clean(row.get("local")))
        _, prefix = split_address(clean(row.get("destination")))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=None,
                mtu=parse_int(row.get("mtu")),
                speed=None,
                bandwidth_kbps=None,
                admin_status=link_status(clean(row.get("admin_state"))),
                oper_status=link_status(clean(row.get("link_status"))),
                ip_address=address,
                prefix_length=prefix if address is not None else None,
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def parse_show_lldp_neighbors(text: str) -> tuple[Neighbor, ...]:
    rows = parse_template(NAME, "show lldp neighbors", text, header_lines=2)
    return tuple(
        Neighbor(
            protocol="lldp",
            local_interface=clean(row.get("local_interface")),
            remote_name=clean(row.get("neighbor_name")),
            remote_port=clean(row.get("neighbor_interface")),
            chassis_id=chassis_id(row.get("chassis_id")),
        )
        for row in rows
    )


def _mac_type(flags: str | None) -> str | None:
    """Junos ELS flags: S static, D dynamic (plus L local, R remote, ...)."""
    if flags is None:
        return None
    if "S" in flags:
        return "static"
    if "D" in flags:
        return "dynamic"
    return flags.lower()


def parse_show_ethernet_switching_table(text: str) -> tuple[MacEntry, ...]:
    rows = parse_template(
        NAME, "show ethernet-switching table", text, header_lines=TABLE_HEADER_LINES
    )
    entries = (
        mac_entry(
            row.get("mac_address"),
            row.get("vlan_id"),
            row.get("logical_interface"),
            _mac_type(clean(row.get("mac_flag"))),
        )
        for row in rows
    )
    return tuple(entry for entry in entries if entry is not None)


def parse_show_arp_no_resolve(text: str) -> tuple[ArpEntry, ...]:
    return arp_from_rows(parse_template(NAME, "show arp no-resolve", text, header_lines=2))


PLATFORM = Platform(
    name=NAME,
    vendor="Juniper",
    device_type="juniper_junos",
    commands=(
        Command.show("show version"),
        Command.show("show chassis hardware"),
        Command.show("show interfaces"),
        Command.show("show lldp neighbors", required=False),
        Command.show("show ethernet-switching table", required=False),
        Command.show("show arp no-resolve"),
    ),
    parsers={
        "show version": parse_show_version,
        "show chassis hardware": parse_show_chassis_hardware,
        "show interfaces": parse_show_interfaces,
        "show lldp neighbors": parse_show_lldp_neighbors,
        "show ethernet-switching table": parse_show_ethernet_switching_table,
        "show arp no-resolve": parse_show_arp_no_resolve,
    },
    error_markers=("syntax error", "unknown command", "error:"),
)
