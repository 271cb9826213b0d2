"""Huawei VRP, H3C Comware, Cisco ASA and Ruijie RGOS: every recording through our
parsers, each mapped field equal to the yml's parsed_sample (the oracle).

The transforms are written from the yml's meaning, not imported from the code under test.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.hp_comware import SHORT_NAMES as COMWARE_SHORT_NAMES
from discovery.ssh.platforms.huawei_vrp import long_name
from discovery.ssh.platforms.own_templates import TEMPLATES, parse_own_template
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
    VlanPort,
)

NTC_DIR = Path(__file__).parent / "fixtures" / "ntc"
VENDOR_PLATFORMS = ("huawei_vrp", "hp_comware", "cisco_asa", "ruijie_os")


@dataclass(frozen=True)
class Case:
    platform: str
    command: str
    name: str
    raw: str
    expected: list[dict[str, Any]]


def load_cases() -> list[Case]:
    return [
        Case(raw.parent.parent.name, raw.parent.name.replace("_", " "), raw.stem,
             raw.read_text(), yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"])
        for platform in VENDOR_PLATFORMS
        for raw in sorted((NTC_DIR / platform).glob("*/*.raw"))
    ]  # fmt: skip


def text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def mac(value: Any) -> str | None:
    digits = re.sub(r"[.:\-]", "", value.strip().lower()) if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9a-f]{12}", digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def number(value: Any) -> int | None:
    first = value.strip().split(" ")[0] if isinstance(value, str) else ""
    return int(first) if first.isdigit() else None


def leading_number(value: Any) -> int | None:
    """'1000000kbps' or '10000000 kbps' -> the number."""
    found = re.match(r"\s*(\d+)", value) if isinstance(value, str) else None
    return int(found.group(1)) if found else None


def address(value: Any) -> str | None:
    try:
        return str(ipaddress.ip_interface(value.strip()).ip) if text(value) else None
    except ValueError:
        return None


def prefix(value: Any) -> int | None:
    value = text(value)
    return ipaddress.ip_interface(value).network.prefixlen if value and "/" in value else None


def first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else (None if value == [] else value)


def strings(value: Any) -> tuple[str, ...]:
    return tuple(
        v.strip() for v in ([value] if isinstance(value, str) else value or []) if v.strip()
    )


def joined(value: Any) -> str | None:
    return " ".join(strings(value)) or None


def port_as_named(full_names: dict[str, str]) -> Callable[[Any], str | None]:
    """A table's short port name as the device's interface list names it."""

    def transform(value: Any) -> str | None:
        name = text(value)
        for short, full in full_names.items():
            if name and re.fullmatch(rf"{re.escape(short)}\d+(/\d+)*(\.\d+)?", name):
                return full + name[len(short) :]
        return name

    return transform


# From the vendors' manuals: XGE is a 10G port on both, named differently.
vrp_port = port_as_named({"GE": "GigabitEthernet", "XGE": "XGigabitEthernet", "Eth": "Ethernet"})
comware_port = port_as_named({"GE": "GigabitEthernet", "XGE": "Ten-GigabitEthernet",
                              "M-GE": "M-GigabitEthernet", "BAGG": "Bridge-Aggregation"})  # fmt: skip

Spec = list[tuple[str, str, Callable[[Any], Any]]]


@dataclass(frozen=True)
class Check:
    kind: type
    spec: Spec
    row_filter: Callable[[dict[str, Any]], bool] | None = None


NEIGHBOR: Spec = [
    ("local_interface", "local_interface", vrp_port),
    ("remote_name", "neighbor_name", text),
    ("mgmt_address", "mgmt_address", text),
]
ARP: Spec = [("ip", "ip_address", text), ("mac", "mac_address", mac)]

CHECKS: dict[tuple[str, str], Check] = {
    ("huawei_vrp", "display version"): Check(DeviceVersion, [
        ("model", "model", text), ("uptime", "uptime", text),
        ("os_version", "product_version", lambda v: v.split()[-1]),
    ]),
    ("huawei_vrp", "display interface"): Check(Interface, [
        ("name", "interface", text), ("description", "interface_description", text),
        ("mac", "mac_address", mac), ("mtu", "mtu", number),
        ("ip_address", "ip_address", address), ("prefix_length", "ip_address", prefix),
    ]),
    ("huawei_vrp", "display lldp neighbor"): Check(
        Neighbor, [
            *NEIGHBOR, ("remote_port", "neighbor_port_id", text),
            ("remote_port_description", "neighbor_interface", text),
            ("remote_description", "neighbor_description", joined),
            ("capabilities", "capabilities", text),
        ]),
    ("huawei_vrp", "display port vlan"): Check(SwitchPort, [
        ("interface", "interface", text), ("mode_raw", "link_type", text),
    ]),
    ("huawei_vrp", "display mac-address"): Check(
        MacEntry, [
            ("mac", "destination_address", mac), ("vlan", "vlan_id", number),
            ("interface", "destination_port", vrp_port), ("type", "type", lambda t: t.lower()),
        ]),
    ("huawei_vrp", "display arp all"): Check(
        ArpEntry,
        [*ARP, ("vrf", "vpn_instance", text), ("interface", "interface", vrp_port)]),
    ("huawei_vrp", "display eth-trunk"): Check(LagMembership, [
        ("lag", "eth_trunk", text), ("member", "interface", text), ("status", "status", text),
    ]),
    ("huawei_vrp", "display device"): Check(InventoryItem, [("pid", "pid", text)]),
    ("hp_comware", "display interface"): Check(
        Interface, [
            ("name", "interface", text), ("description", "description", text),
            ("mac", "hw_address", lambda v: mac(first(v))), ("mtu", "mtu", number),
            ("bandwidth_kbps", "bandwidth", leading_number),
            ("ip_address", "ip_address", lambda v: address(first(v))),
        ]),
    ("hp_comware", "display lldp neighbor-information verbose"): Check(
        Neighbor, [
            *NEIGHBOR, ("remote_port", "neighbor_interface", text),
            ("remote_port_description", "neighbor_interface_description", text),
            ("chassis_id", "chassis_id", mac),
        ]),
    ("hp_comware", "display vlan all"): Check(
        Vlan,
        [("vlan_id", "vlan_id", int), ("name", "vlan_name", text)]),
    ("hp_comware", "display mac-address"): Check(
        MacEntry, [
            ("mac", "mac_address", mac), ("vlan", "vlan_id", number),
            ("interface", "interface", comware_port), ("type", "state", lambda t: t.lower()),
        ]),
    ("hp_comware", "display arp"): Check(ArpEntry, [*ARP, ("interface", "interface", comware_port)]),
    ("hp_comware", "display device manuinfo"): Check(InventoryItem, [
        ("pid", "device_name", lambda v: None if text(v) in (None, "NONE") else text(v)),
        ("serial", "device_serial_number",
         lambda v: None if text(v) in (None, "NONE", "NULL") else text(v)),
    ]),
    ("hp_comware", "display link-aggregation member-port"): Check(LagMembership, [
        ("lag", "aggregate_interface", text), ("member", "member_port", text),
        ("status", "local_flag", text),
    ]),
    ("hp_comware", "display version"): Check(DeviceVersion, [
        ("model", "model", text), ("uptime", "uptime", text), ("vendor", "vendor", text),
    ]),
    ("cisco_asa", "show version"): Check(DeviceVersion, [
        ("hostname", "hostname", text), ("os_version", "version", text),
        ("serials", "serial", strings), ("uptime", "uptime", text), ("image", "image", text),
    ]),
    ("cisco_asa", "show inventory"): Check(InventoryItem, [
        ("name", "name", text), ("descr", "descr", text), ("pid", "pid", text),
        ("serial", "sn", text), ("vid", "vid", text),
    ]),
    ("cisco_asa", "show interface"): Check(
        Interface, [
            ("name", "interface", text), ("description", "description", text),
            ("mac", "mac_address", mac), ("mtu", "mtu", number),
            ("ip_address", "ip_address", address),
        ]),
    ("cisco_asa", "show interface ip brief"): Check(
        IPInterface,
        [("interface", "interface", text), ("address", "ip_address", address)]),
    ("cisco_asa", "show arp"): Check(ArpEntry, [*ARP, ("interface", "interface", text)]),
    # Ruijie: the yml is our own template's parse; test_ssh_ruijie_recordings.py checks the
    # records against an independent parse (the ntc-templates fork's, *.ntc_fork.yml).
    ("ruijie_os", "show version"): Check(DeviceVersion, [
        ("model", "model", text), ("uptime", "uptime", text),
        ("os_version", "software_version", text), ("serials", "serial", strings),
    ]),
    ("ruijie_os", "show interfaces"): Check(
        Interface, [
            ("name", "interface", text), ("description", "description", text),
            ("mac", "mac_address", mac), ("mtu", "mtu", number),
            ("bandwidth_kbps", "bandwidth", leading_number),
            ("ip_address", "ip_address", address), ("prefix_length", "ip_address", prefix),
        ]),
    ("ruijie_os", "show ip interface brief"): Check(IPInterface, [
        ("interface", "interface", text), ("address", "ip_address", address),
        ("prefix_length", "ip_address", prefix),
    ]),
}  # fmt: skip
# Rows that do not map one to one: checked by their own tests below.
SPECIAL = {("huawei_vrp", "display vlan"), ("cisco_asa", "show port-channel summary")}
CASES = load_cases()


def test_every_recorded_command_of_these_platforms_is_checked_and_parsed() -> None:
    recorded = {(c.platform, c.command) for c in CASES}
    assert {p for p, _ in recorded} == set(VENDOR_PLATFORMS)
    assert recorded == set(CHECKS) | SPECIAL
    for platform_name, command in recorded:
        platform = get_platform(platform_name)
        combined = {key for combo in platform.combined for key in combo.keys}
        assert command in platform.parsers or command in combined


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c.platform, c.command) in CHECKS],
    ids=lambda c: f"{c.platform}/{c.name}",
)  # fmt: skip
def test_recording_maps_onto_records(case: Case) -> None:
    check = CHECKS[(case.platform, case.command)]
    parsed = get_platform(case.platform).parse({case.command: case.raw})
    assert parsed.failures == {}
    records = [r for r in parsed.records if type(r) is check.kind]
    rows = case.expected
    if check.kind.__name__ == "MacEntry":
        rows = [r for r in rows if mac(r.get("mac_address", r.get("destination_address")))]
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        for attribute, key, transform in check.spec:
            assert getattr(record, attribute) == transform(row[key]), (attribute, row)


def test_huawei_display_vlan_members_tagged_or_not_as_the_yml_lists_them() -> None:
    for case in [c for c in CASES if c.command == "display vlan"]:
        parsed = get_platform("huawei_vrp").parse({case.command: case.raw})
        assert parsed.failures == {}
        expected = {
            (int(row["vlan_id"]), port, {"TG": True, "UT": False}.get(row["mode"]))
            for row in case.expected for port in map(vrp_port, strings(row["interface"]))
        }  # fmt: skip
        got = {(p.vlan_id, p.interface, p.tagged) for p in parsed.of(VlanPort)}
        assert got == expected, case.name
        vlans = {(v.vlan_id, v.name) for v in parsed.of(Vlan)}
        assert vlans == {(int(r["vlan_id"]), text(r["vlan_description"])) for r in case.expected}


def test_asa_port_channel_members_and_bundled_flags() -> None:
    (case,) = [c for c in CASES if c.command == "show port-channel summary"]
    members = get_platform("cisco_asa").parse({case.command: case.raw}).of(LagMembership)
    expected = {
        (row["bundle_name"], member, flag == "P")
        for row in case.expected
        for member, flag in zip(
            row["member_interface"], row["member_interface_status"], strict=True
        )
    }
    assert {(m.lag, m.member, m.active) for m in members} == expected
    assert {m.protocol for m in members} == {"lacp"}


def test_huawei_sysname_names_the_device_and_a_config_without_one_is_a_parse_error() -> None:
    (case,) = [c for c in CASES if c.name == "huawei_vrp_display_version5"]
    platform = get_platform("huawei_vrp")
    sysname = "display current-configuration | include sysname"
    parsed = platform.parse({"display version": case.raw, sysname: " sysname Core-S7706\n"})
    (device,) = parsed.of(DeviceVersion)
    assert (device.hostname, device.model, device.os_version) == (
        "Core-S7706",
        "S7706 Terabit Routing Switch",
        "V200R010C00SPC600",
    )
    broken = platform.parse({"display version": case.raw, sysname: "Error: something\n"})
    assert set(broken.failures) == {sysname} and broken.of(DeviceVersion) == ()


def test_comware_identity_from_the_chassis_row_of_manuinfo() -> None:
    (case,) = [c for c in CASES if c.name == "hp_comware_display_device_manuinfo"]
    parsed = get_platform("hp_comware").parse(
        {"display device manuinfo": case.raw,
         "display current-configuration | include sysname": "sysname dc-core-1\n"})  # fmt: skip
    (device,) = parsed.of(DeviceVersion)
    chassis = next(r for r in case.expected if r["slot_type"] == "Chassis")
    items = parsed.of(InventoryItem)
    assert (items[0].name, items[0].serial) == ("Member 1 Chassis", chassis["device_serial_number"])
    assert [i.name for i in items[1:3]] == ["Chassis 1 Slot 0", "Chassis 1 Slot 2"]
    assert (device.hostname, device.model, device.serials, device.vendor) == (
        "dc-core-1",
        chassis["device_name"],
        (chassis["device_serial_number"],),
        "H3C",
    )


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.textfsm")), ids=lambda p: p.stem)
def test_our_own_templates_parse_their_test_pairs_exactly_as_the_yml_says(template: Path) -> None:
    """Upstream's test, for the templates we wrote: a raw + yml pair each (at least one),
    the rows equal to parsed_sample field by field."""
    platform = next(p for p in VENDOR_PLATFORMS if template.stem.startswith(p + "_"))
    command = template.stem[len(platform) + 1 :].replace("_", " ")
    pairs = [c for c in CASES if (c.platform, c.command) == (platform, command)]
    assert pairs
    for case in pairs:
        assert parse_own_template(platform, command, case.raw) == case.expected, case.name


def test_comware_version_software_and_release_as_one_version() -> None:
    (case,) = [c for c in CASES if c.command == "display version" and c.platform == "hp_comware"]
    (device,) = get_platform("hp_comware").parse({case.command: case.raw}).of(DeviceVersion)
    (row,) = case.expected
    assert device.os_version == f"{row['software_version']} Release {row['release']}"


def test_short_port_names_become_the_interface_names_of_each_vendor() -> None:
    assert long_name("XGE0/0/1") == "XGigabitEthernet0/0/1"  # Huawei
    assert long_name("XGE1/0/47", COMWARE_SHORT_NAMES) == "Ten-GigabitEthernet1/0/47"  # H3C
    assert long_name("BAGG1", COMWARE_SHORT_NAMES) == "Bridge-Aggregation1"
    for kept in ("Eth-Trunk1", "40GE1/0/1", "MEth0/0/1", "Vlanif10", None):
        assert long_name(kept) == kept
