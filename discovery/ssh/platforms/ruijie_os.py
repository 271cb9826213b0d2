"""Ruijie RGOS: commands and pure parsers over our own TextFSM templates
(discovery/ssh/templates/ruijie_os_*; ntc-templates has none for RGOS).

The device: model, software, serial and uptime from `show version`, whose module
list gives the boards (slot, model, hardware version, serial); the host name from the
configuration's `hostname` line. Interfaces from `show interfaces`, addresses from
`show ip interface brief`. RGOS names ports with a space ("TenGigabitEthernet 1/1");
the facts layer gives them their canonical names.

Neighbours, VLANs, forwarding and ARP tables and aggregate ports are not collected:
no RGOS output of those commands with a citable source was found to write and test
templates against (lab/recordings/cli/SOURCES.tsv), so those getters are not claimed.
"""

from __future__ import annotations

import re
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
)
from discovery.ssh.platforms.own_templates import parse_own_template
from discovery.ssh.records import DeviceVersion, Interface, InventoryItem, IPInterface, Record
from discovery.ssh.values import clean, clean_list, parse_int

NAME = "ruijie_os"
VERSION = "show version"
HOSTNAME = "show running-config | include hostname"
INTERFACES = "show interfaces"
IP_BRIEF = "show ip interface brief"
CHASSIS = "Chassis"
_HOSTNAME_LINE = re.compile(r"^\s*hostname\s+(\S+)\s*$", re.MULTILINE)
# RGOS uptime: days:hours:minutes:seconds ("846:16:52:08").
_UPTIME = re.compile(r"^(\d+):(\d+):(\d+):(\d+)$")
_SLOT_COLUMNS = ("slots", "slot_models", "slot_hardware_versions", "slot_serials")
_UNKNOWN = frozenset({"unknown", "na", "n/a"})


def parse_show_version(text: str) -> TemplateRow:
    """The one row of our template; {} when the output is blank."""
    rows = parse_own_template(NAME, VERSION, text)
    return rows[0] if rows else {}


def parse_hostname(text: str) -> str | None:
    """The host name from the configuration's `hostname` line."""
    found = _HOSTNAME_LINE.search(text)
    return found.group(1) if found else None


def uptime_seconds(text: str | None) -> int | None:
    found = _UPTIME.match(text or "")
    if found is None:
        return None
    days, hours, minutes, seconds = (int(part) for part in found.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _known(value: object) -> str | None:
    text = clean(value)
    return None if text is None or text.lower() in _UNKNOWN else text


def parse_inventory(text: str) -> tuple[InventoryItem, ...]:
    """The chassis ("Chassis": the system's model and hardware version) and one item per
    board of the module list ("Slot M1"), held by the chassis. The system serial is the
    device's (DeviceVersion.serials), not the chassis item's: on a modular switch it is
    the master board's, which the module list tells for that board. Module columns that
    do not line up (a board without its serial line) are a ParseError, never a serial
    given to the wrong board."""
    row = parse_show_version(text)
    if not row:
        return ()
    columns = [clean_list(row.get(column)) for column in _SLOT_COLUMNS]
    if len({len(values) for values in columns}) > 1:
        raise ParseError(
            NAME, VERSION, "module list: slots, models, versions and serials differ in number"
        )
    chassis = InventoryItem(
        name=CHASSIS,
        descr=clean(row.get("description")),
        pid=clean(row.get("model")),
        serial=None,
        vid=clean(row.get("hardware_version")),
    )
    boards = (
        InventoryItem(
            name=f"Slot {slot}",
            descr=None,
            pid=model,
            serial=serial,
            vid=hardware,
            contained_in=CHASSIS,
        )
        for slot, model, hardware, serial in zip(*columns, strict=True)
    )
    return (chassis, *boards)


def parse_device_version(outputs: Mapping[str, str]) -> tuple[Record, ...]:
    """`show version` for model, software, serial and uptime; the configuration's
    `hostname` line for the name."""
    row = parse_show_version(outputs.get(VERSION, ""))
    if not row:
        return ()
    config = outputs.get(HOSTNAME, "")
    hostname = parse_hostname(config)
    if hostname is None and config.strip():
        raise ParseError(NAME, HOSTNAME, "no hostname line")
    model, serial, uptime = (
        clean(row.get("model")),
        clean(row.get("serial")),
        clean(row.get("uptime")),
    )
    return (
        DeviceVersion(
            platform=NAME,
            vendor="Ruijie",
            hostname=hostname,
            os_version=clean(row.get("software_version")),
            model=model,
            models=(model,) if model else (),
            serials=(serial,) if serial else (),
            uptime=uptime,
            uptime_seconds=uptime_seconds(uptime),
        ),
    )


def parse_show_interfaces(text: str) -> tuple[Interface, ...]:
    interfaces = []
    for row in parse_own_template(NAME, INTERFACES, text):
        name = clean(row.get("interface"))
        if name is None:
            continue
        address, prefix = split_address(clean(row.get("ip_address")))
        interfaces.append(
            Interface(
                name=name,
                description=clean(row.get("description")),
                mac=normalize_mac(clean(row.get("mac_address"))),
                mtu=parse_int(row.get("mtu")),
                speed=_known(row.get("speed")),
                bandwidth_kbps=parse_int(row.get("bandwidth")),
                admin_status=admin_from_line(clean(row.get("link_status"))),
                oper_status=link_status(clean(row.get("protocol_status"))),
                ip_address=address,
                prefix_length=prefix,
                hardware_type=clean(row.get("hardware_type")),
            )
        )
    return tuple(interfaces)


def parse_show_ip_interface_brief(text: str) -> tuple[IPInterface, ...]:
    """Primary addresses ("no address" is none); the header alone is an empty table."""
    entries = []
    for row in parse_own_template(NAME, IP_BRIEF, text, header_lines=1):
        name = clean(row.get("interface"))
        if name is None:
            continue
        address, prefix = split_address(clean(row.get("ip_address")))
        entries.append(
            IPInterface(
                interface=name,
                address=address,
                prefix_length=prefix,
                vrf=None,
                admin_status=admin_from_line(clean(row.get("status"))),
                oper_status=link_status(clean(row.get("protocol"))),
            )
        )
    return tuple(entries)


PLATFORM = Platform(
    name=NAME,
    vendor="Ruijie",
    device_type="ruijie_os",
    commands=(
        Command.show(VERSION),
        Command(key=HOSTNAME, cli=HOSTNAME),
        Command.show(INTERFACES),
        Command.show(IP_BRIEF, required=False),
    ),
    parsers={
        VERSION: parse_inventory,
        INTERFACES: parse_show_interfaces,
        IP_BRIEF: parse_show_ip_interface_brief,
    },
    combined=(Combined(keys=(VERSION, HOSTNAME), parse=parse_device_version),),
    error_markers=(
        "% Invalid input",
        "% Incomplete command",
        "% Ambiguous command",
        "% Unknown command",
    ),
)
