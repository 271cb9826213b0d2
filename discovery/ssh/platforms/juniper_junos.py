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
    LagMembership,
    MacEntry,
    Neighbor,
    Vlan,
    VlanPort,
)
from discovery.ssh.values import clean, clean_list, parse_int

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


def _part_path(row: TemplateRow, prefix: str, label: str) -> list[str]:
    """The part's name as its parents and itself: ["FPC 0", "PIC 1", "Xcvr 2"]."""
    parts: list[str] = []
    for parent in _PARENTS.get(prefix, ()):
        number = clean(row.get(f"{parent}_number"))
        if number is not None and clean(row.get(f"{parent}_description")) is not None:
            parts.append(f"{parent.upper()} {number}")
    number = clean(row.get(f"{prefix}_number"))
    parts.append(f"{label} {number}" if number is not None else label)
    return parts


def parse_show_chassis_hardware(text: str) -> tuple[InventoryItem, ...]:
    """One item per part; parents filled down onto a row are emitted once. A part sits
    in the part its path names ("FPC 0 PIC 1" holds "FPC 0 PIC 1 Xcvr 2"), the others
    in the chassis."""
    items: list[InventoryItem] = []
    seen: set[InventoryItem] = set()
    for row in parse_template(NAME, "show chassis hardware", text):
        for prefix, label in _PART_KINDS:
            descr = clean(row.get(f"{prefix}_description"))
            serial = clean(row.get(f"{prefix}_serial_number"))
            if descr is None and serial is None:
                continue
            path = _part_path(row, prefix, label)
            holder = " ".join(path[:-1]) or (None if prefix == "chassis" else "Chassis")
            item = InventoryItem(
                name=" ".join(path),
                descr=descr,
                pid=clean(row.get(f"{prefix}_part")),
                serial=serial,
                vid=clean(row.get(f"{prefix}_version")),
                contained_in=holder,
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


def parse_show_vlans(text: str) -> tuple[Vlan, ...]:
    """VLANs with a tag, and their ports (Junos marks the active ones with `*`)."""
    rows = parse_template(NAME, "show vlans", text, header_lines=1)
    return tuple(
        Vlan(
            vlan_id=int(tag),
            name=clean(row.get("vlan_name")),
            status=None,
            interfaces=tuple(i.rstrip("*") for i in clean_list(row.get("interfaces"))),
        )
        for row in rows
        if (tag := clean(row.get("tag"))) is not None and tag.isdigit()
    )


def parse_show_ethernet_switching_interfaces(text: str) -> tuple[VlanPort, ...]:
    """A port's VLANs. The template's Tag and Tagging lists skip blank cells, so they are
    read only when they line up with the VLAN names."""
    ports = []
    rows = parse_template(NAME, "show ethernet-switching interfaces", text, header_lines=1)
    for row in rows:
        name = clean(row.get("interface"))
        vlans = clean_list(row.get("vlan_member"))
        tags, tagging = clean_list(row.get("vlan_id")), clean_list(row.get("tagging"))
        if name is None:
            continue
        for index, vlan in enumerate(vlans):
            tag = tags[index] if len(tags) == len(vlans) else None
            tagged = tagging[index] == "tagged" if len(tagging) == len(vlans) else None
            ports.append(VlanPort(name, vlan, int(tag) if tag and tag.isdigit() else None, tagged))
    return tuple(ports)


def parse_show_lacp_interfaces(text: str) -> tuple[LagMembership, ...]:
    """Members of each aggregated Ethernet; active when collecting and distributing."""
    members = []
    for row in parse_template(NAME, "show lacp interfaces", text):
        lag = clean(row.get("bundle_name"))
        names, states = clean_list(row.get("member_interface")), clean_list(row.get("mux_state"))
        if lag is None:
            continue
        for index, member in enumerate(names):
            state = states[index] if len(states) == len(names) else None
            active = None if state is None else state.lower() == "collecting distributing"
            members.append(LagMembership(lag, member, "lacp", active, state))
    return tuple(members)


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
        Command.show("show vlans", required=False),
        Command.show("show ethernet-switching interfaces", required=False),
        Command.show("show lacp interfaces", required=False),
    ),
    parsers={
        "show version": parse_show_version,
        "show chassis hardware": parse_show_chassis_hardware,
        "show interfaces": parse_show_interfaces,
        "show lldp neighbors": parse_show_lldp_neighbors,
        "show ethernet-switching table": parse_show_ethernet_switching_table,
        "show arp no-resolve": parse_show_arp_no_resolve,
        "show vlans": parse_show_vlans,
        "show ethernet-switching interfaces": parse_show_ethernet_switching_interfaces,
        "show lacp interfaces": parse_show_lacp_interfaces,
    },
    error_markers=("syntax error", "unknown command", "error:"),
)
