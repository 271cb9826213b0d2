"""Every ntc-templates recording, through our parsers: each field we map from a
template row into a record must agree with the yml's parsed_sample.

The value transforms below are written from the yml's meaning, not imported
from the code under test."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.arista_eos import parse_show_hostname
from discovery.ssh.platforms.juniper_junos import parse_show_chassis_hardware
from discovery.ssh.records import DeviceVersion, LagMembership, Neighbor, VlanPort

NTC_DIR = Path(__file__).parent / "fixtures" / "ntc"
# The platforms checked here (test_ssh_vendor_recordings.py checks the others).
PLATFORMS = ("cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos")


@dataclass(frozen=True)
class Case:
    platform: str
    command: str  # the recording's folder name with "_" for " "
    name: str
    raw: str
    expected: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.command}/{self.name}"


def load_cases() -> list[Case]:
    cases = []
    for raw in sorted(p for platform in PLATFORMS for p in NTC_DIR.glob(f"{platform}/*/*.raw")):
        expected = yaml.safe_load(raw.with_suffix(".yml").read_text())["parsed_sample"]
        cases.append(
            Case(
                platform=raw.parent.parent.name,
                command=raw.parent.name.replace("_", " "),
                name=raw.stem,
                raw=raw.read_text(),
                expected=expected,
            )
        )
    return cases


def text(value: Any) -> str | None:
    """The yml value as our records hold text: stripped, '' -> None."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def mac(value: Any) -> str | None:
    """Any 12-hex-digit MAC spelling -> aa:bb:cc:dd:ee:ff."""
    if not isinstance(value, str):
        return None
    digits = re.sub(r"[.:\-]", "", value.strip().lower())
    if not re.fullmatch(r"[0-9a-f]{12}", digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def mac_or_text(value: Any) -> str | None:
    return mac(value) or text(value)


def number(value: Any) -> int | None:
    """'1500' -> 1500, '10000000 Kbit' -> 10000000, '' -> None."""
    if not isinstance(value, str):
        return None
    first = value.strip().split(" ")[0]
    return int(first) if first.isdigit() else None


def address(value: Any) -> str | None:
    """'10.0.0.1/30' or '10.0.0.1' -> '10.0.0.1'; 'unassigned' -> None."""
    value = text(value)
    if value is None:
        return None
    try:
        return str(ipaddress.ip_interface(value).ip)
    except ValueError:
        return None


def prefix(value: Any) -> int | None:
    """'10.0.0.1/30' -> 30; an address without a length -> None."""
    value = text(value)
    if value is None or "/" not in value:
        return None
    return ipaddress.ip_interface(value).network.prefixlen


def first(value: Any) -> str | None:
    return text(value[0]) if isinstance(value, list) and value else text(value)


def strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(v.strip() for v in value or [] if v.strip())


def vlan(value: Any) -> int | None:
    value = text(value)
    return int(value) if value is not None and value.isdigit() else None


def vlan_list(value: Any) -> tuple[tuple[int, int], ...] | None:
    """'1-4094' / ['1', '31-36'] / 'ALL' -> inclusive ranges; 'NONE' -> ()."""
    items = [i for v in strings(value) for i in v.split(",") if i]
    if not items:
        return None
    ranges = []
    for item in items:
        if item.upper() == "ALL":
            ranges.append((1, 4094))
        elif item.upper() != "NONE":
            low, high = [*item.split("-"), item][:2]
            ranges.append((int(low), int(high)))
    return tuple(ranges)


def lag_members(rows: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """(aggregate, member, member status) per member of every bundle; NX-OS's '--'
    (a channel without members) is none."""
    return [
        (row["bundle_name"], member, (row.get("member_interface_status") or [None] * 99)[i])
        for row in rows
        for i, member in enumerate(strings(row["member_interface"]))
        if member != "--"
    ]


# --- what each recording maps to -------------------------------------------------

Spec = list[tuple[str, str, Any]]  # (record attribute, yml key, transform)

INVENTORY: Spec = [
    ("name", "name", text),
    ("descr", "descr", text),
    ("pid", "pid", text),
    ("serial", "sn", text),
    ("vid", "vid", text),
]
ARP: Spec = [("ip", "ip_address", text), ("mac", "mac_address", mac)]
IOS_LIKE_INTERFACES: Spec = [
    ("name", "interface", text),
    ("description", "description", text),
    ("mac", "mac_address", mac),
    ("mtu", "mtu", number),
    ("bandwidth_kbps", "bandwidth", number),
    ("ip_address", "ip_address", address),
    ("hardware_type", "hardware_type", text),
]


@dataclass(frozen=True)
class Check:
    parser_key: str  # the key under which the platform parses this output
    kind: str  # record class name
    spec: Spec
    row_filter: Any = None  # which yml rows become records (default: all)


CHECKS: dict[tuple[str, str], Check] = {
    # Cisco IOS
    ("cisco_ios", "show version"): Check(
        "show version",
        "DeviceVersion",
        [
            ("hostname", "hostname", text),
            ("os_version", "version", text),
            ("models", "hardware", strings),
            ("model", "hardware", first),
            ("serials", "serial", strings),
            ("uptime", "uptime", text),
            ("image", "running_image", text),
        ],
    ),
    ("cisco_ios", "show inventory"): Check("show inventory", "InventoryItem", INVENTORY),
    ("cisco_ios", "show interfaces"): Check(
        "show interfaces",
        "Interface",
        [
            *IOS_LIKE_INTERFACES,
            ("speed", "speed", text),
            ("prefix_length", "prefix_length", number),
        ],
    ),
    ("cisco_ios", "show ip interface brief"): Check(
        "show ip interface brief",
        "IPInterface",
        [("interface", "interface", text), ("address", "ip_address", address)],
    ),
    ("cisco_ios", "show running-config interface"): Check(
        "show running-config interface",
        "IPInterface",
        [
            ("interface", "interface", text),
            ("address", "ip_address", address),
            ("vrf", "vrf", text),
            ("prefix_length", "netmask", lambda m: ipaddress.IPv4Network(f"0.0.0.0/{m}").prefixlen),
        ],
        row_filter=lambda row: bool(row["ip_address"]),
    ),
    ("cisco_ios", "show cdp neighbors detail"): Check(
        "show cdp neighbors detail",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("platform", "platform", text),
            ("remote_description", "neighbor_description", text),
            ("mgmt_address", "mgmt_address", text),
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_ios", "show cdp neighbors"): Check(
        "show cdp neighbors",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("platform", "platform", text),
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_ios", "show lldp neighbors detail"): Check(
        "show lldp neighbors detail",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_port_id", text),
            ("remote_port_description", "neighbor_interface", text),
            ("platform", "platform", text),
            ("remote_description", "neighbor_description", text),
            ("mgmt_address", "mgmt_address", text),
            ("chassis_id", "chassis_id", mac_or_text),
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_ios", "show lldp neighbors"): Check(
        "show lldp neighbors",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_ios", "show mac-address-table"): Check(
        "show mac-address-table",
        "MacEntry",
        [
            ("mac", "destination_address", mac),
            ("vlan", "vlan_id", vlan),
            ("interface", "destination_port", first),
            ("type", "type", lambda t: t.lower()),
        ],
    ),
    ("cisco_ios", "show ip arp"): Check(
        "show ip arp", "ArpEntry", [*ARP, ("interface", "interface", text)]
    ),
    ("cisco_ios", "show vlan"): Check(
        "show vlan",
        "Vlan",
        [
            ("vlan_id", "vlan_id", int),
            ("name", "vlan_name", text),
            ("status", "status", text),
            ("interfaces", "interfaces", strings),
        ],
    ),
    # Cisco NX-OS
    ("cisco_nxos", "show version"): Check(
        "show version",
        "DeviceVersion",
        [
            ("hostname", "hostname", text),
            ("os_version", "os", text),
            ("model", "platform", text),
            ("serials", "serial", strings),
            ("uptime", "uptime", text),
            ("image", "boot_image", text),
        ],
    ),
    ("cisco_nxos", "show inventory"): Check("show inventory", "InventoryItem", INVENTORY),
    ("cisco_nxos", "show interface"): Check(
        "show interface",
        "Interface",
        [
            *IOS_LIKE_INTERFACES,
            ("speed", "speed", text),
            ("prefix_length", "prefix_length", number),
        ],
    ),
    ("cisco_nxos", "show ip interface brief"): Check(
        "show ip interface brief vrf all",
        "IPInterface",
        [
            ("interface", "interface", text),
            ("address", "ip_address", address),
            ("vrf", "vrf", text),
        ],
    ),
    ("cisco_nxos", "show cdp neighbors detail"): Check(
        "show cdp neighbors detail",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_port", "neighbor_interface", text),
            ("platform", "platform", text),
            ("remote_description", "neighbor_description", text),
            ("mgmt_address", "mgmt_address", text),
            ("chassis_id", "chassis_id", text),  # NX-OS: the CDP device id
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_nxos", "show lldp neighbors detail"): Check(
        "show lldp neighbors detail",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("remote_description", "neighbor_description", text),
            ("mgmt_address", "mgmt_address", text),
            ("chassis_id", "chassis_id", mac_or_text),
            ("capabilities", "capabilities", text),
        ],
    ),
    ("cisco_nxos", "show mac address-table"): Check(
        "show mac address-table",
        "MacEntry",
        [
            ("mac", "mac_address", mac),
            ("vlan", "vlan_id", vlan),
            ("interface", "ports", text),
            ("type", "type", lambda t: t.lower()),
        ],
    ),
    ("cisco_nxos", "show ip arp"): Check(
        "show ip arp vrf all", "ArpEntry", [*ARP, ("interface", "interface", text)]
    ),
    # Arista EOS
    ("arista_eos", "show version"): Check(
        "show version",
        "DeviceVersion",
        [
            ("os_version", "image", text),
            ("model", "model", text),
            ("serials", "serial_number", strings),
            ("uptime", "uptime", text),
            ("base_mac", "sys_mac", mac),
        ],
    ),
    ("arista_eos", "show inventory"): Check(
        "show inventory",
        "InventoryItem",
        [
            ("name", "port", text),
            ("descr", "descr", text),
            ("pid", "pid", text),
            ("serial", "sn", text),
            ("vid", "vid", text),
        ],
    ),
    ("arista_eos", "show interfaces"): Check(
        "show interfaces",
        "Interface",
        [*IOS_LIKE_INTERFACES, ("prefix_length", "ip_address", prefix)],
    ),
    ("arista_eos", "show ip interface brief"): Check(
        "show ip interface brief",
        "IPInterface",
        [
            ("interface", "interface", text),
            ("address", "ip_address", address),
            ("prefix_length", "ip_address", prefix),
        ],
    ),
    ("arista_eos", "show lldp neighbors detail"): Check(
        "show lldp neighbors detail",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("remote_description", "neighbor_description", text),
            ("mgmt_address", "mgmt_address", text),
            ("chassis_id", "chassis_id", mac_or_text),
        ],
    ),
    ("arista_eos", "show mac address-table"): Check(
        "show mac address-table",
        "MacEntry",
        [
            ("mac", "mac_address", mac),
            ("vlan", "vlan_id", vlan),
            ("interface", "destination_port", first),
            ("type", "type", lambda t: t.lower()),
        ],
    ),
    ("arista_eos", "show ip arp"): Check(
        "show ip arp",
        "ArpEntry",
        [*ARP, ("interface", "interface", lambda i: i.split(",")[0].strip()), ("vrf", "vrf", text)],
    ),
    # Juniper Junos
    ("juniper_junos", "show version"): Check(
        "show version",
        "DeviceVersion",
        [
            ("hostname", "hostname", text),
            ("model", "model", text),
            ("os_version", "junos_version", text),
            ("serials", "serial_number", strings),
        ],
    ),
    ("juniper_junos", "show interfaces"): Check(
        "show interfaces",
        "Interface",
        [
            ("name", "interface", text),
            ("description", "description", text),
            ("mtu", "mtu", number),
            ("ip_address", "local", address),
            ("hardware_type", "hardware_type", text),
        ],
    ),
    ("juniper_junos", "show lldp neighbors"): Check(
        "show lldp neighbors",
        "Neighbor",
        [
            ("local_interface", "local_interface", text),
            ("remote_name", "neighbor_name", text),
            ("remote_port", "neighbor_interface", text),
            ("chassis_id", "chassis_id", mac),
        ],
    ),
    ("juniper_junos", "show ethernet-switching table"): Check(
        "show ethernet-switching table",
        "MacEntry",
        [
            ("mac", "mac_address", mac),
            ("vlan", "vlan_id", vlan),
            ("interface", "logical_interface", text),
        ],
    ),
    ("juniper_junos", "show arp no-resolve"): Check(
        "show arp no-resolve", "ArpEntry", [*ARP, ("interface", "interface", text)]
    ),
}
SWITCHPORT: Spec = [
    ("interface", "interface", text),
    ("mode_raw", "mode", text),
    ("access_vlan", "access_vlan", vlan),
    ("native_vlan", "native_vlan", vlan),
    ("trunk_vlans", "trunking_vlans", vlan_list),
]
SHOW_VLAN: Spec = [
    ("vlan_id", "vlan_id", int),
    ("name", "vlan_name", text),
    ("status", "status", text),
    ("interfaces", "interfaces", strings),
]
CHECKS.update({
    ("cisco_ios", "show interfaces switchport"): Check(
        "show interfaces switchport", "SwitchPort", SWITCHPORT
    ),
    ("cisco_nxos", "show interface switchport"): Check(
        "show interface switchport", "SwitchPort", SWITCHPORT
    ),
    ("cisco_nxos", "show vlan"): Check("show vlan", "Vlan", SHOW_VLAN),
    ("arista_eos", "show vlan"): Check("show vlan", "Vlan", SHOW_VLAN),
    ("juniper_junos", "show vlans"): Check(
        "show vlans",
        "Vlan",
        [
            ("vlan_id", "tag", int),
            ("name", "vlan_name", text),
            ("interfaces", "interfaces", lambda v: tuple(i.rstrip("*") for i in strings(v))),
        ],
    ),
})  # fmt: skip
LAG_SUMMARIES = {
    ("cisco_ios", "show etherchannel summary"),
    ("cisco_nxos", "show port-channel summary"),
    ("arista_eos", "show port-channel summary"),
    ("juniper_junos", "show lacp interfaces"),
}
# Checked by their own tests below: rows do not map one-to-one.
SPECIAL = {
    ("arista_eos", "show hostname"),
    ("juniper_junos", "show chassis hardware"),
    ("juniper_junos", "show ethernet-switching interfaces"),
    *LAG_SUMMARIES,
}

CASES = load_cases()
NETWORK_OSES = ("arista_eos", "cisco_ios", "cisco_nxos", "juniper_junos")


def test_every_recorded_command_is_checked_and_has_a_parser() -> None:
    # huawei_vrp, hp_comware, cisco_asa: test_ssh_vendor_recordings.py
    recorded = {(c.platform, c.command) for c in CASES if c.platform in NETWORK_OSES}
    assert len(recorded) == 44
    assert recorded == set(CHECKS) | SPECIAL
    for (platform_name, _), check in CHECKS.items():
        platform = get_platform(platform_name)
        assert check.parser_key in platform.parsers or any(
            check.parser_key in combo.keys for combo in platform.combined
        )


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c.platform, c.command) in CHECKS], ids=lambda c: c.id
)
def test_recording_maps_onto_records(case: Case) -> None:
    check = CHECKS[(case.platform, case.command)]
    parsed = get_platform(case.platform).parse({check.parser_key: case.raw})
    assert parsed.failures == {}
    records = [r for r in parsed.records if type(r).__name__ == check.kind]
    rows = [r for r in case.expected if check.row_filter is None or check.row_filter(r)]
    if check.kind == "MacEntry":  # rows whose "MAC" is not one are dropped
        rows = [r for r in rows if mac(r.get("mac_address", r.get("destination_address")))]
    assert len(records) == len(rows) > 0
    for record, row in zip(records, rows, strict=True):
        for attribute, key, transform in check.spec:
            assert getattr(record, attribute) == transform(row[key]), (attribute, row)
        if isinstance(record, Neighbor):
            assert record.protocol == ("cdp" if "cdp" in case.command else "lldp")


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.command == "show chassis hardware"], ids=lambda c: c.id
)
def test_junos_chassis_hardware_items_agree_with_every_part_in_the_yml(case: Case) -> None:
    items = parse_show_chassis_hardware(case.raw)
    expected = set()
    for row in case.expected:
        kinds = {k.rsplit("_", 1)[0] for k in row if k.endswith("_description")}
        for kind in kinds:
            descr, serial = text(row[f"{kind}_description"]), text(row.get(f"{kind}_serial_number"))
            if descr is None and serial is None:
                continue
            part = text(row.get(f"{kind}_part"))
            expected.add((descr, part, serial, text(row.get(f"{kind}_version"))))
    assert {(i.descr, i.pid, i.serial, i.vid) for i in items} == expected


def test_arista_show_hostname_matches_the_yml_and_names_the_device() -> None:
    (case,) = [c for c in CASES if c.command == "show hostname"]
    (row,) = case.expected
    assert parse_show_hostname(case.raw) == (row["hostname"], row["fqdn"])
    (version_case,) = [c for c in CASES if c.name == "arista_eos_show_version2"]
    parsed = get_platform("arista_eos").parse(
        {"show version": version_case.raw, "show hostname": case.raw}
    )
    (device,) = parsed.of(DeviceVersion)
    assert (device.hostname, device.serials) == ("spine1", ("JPE11400249",))


@pytest.mark.parametrize(
    "case", [c for c in CASES if (c.platform, c.command) in LAG_SUMMARIES], ids=lambda c: c.id
)
def test_lag_summaries_give_one_member_per_port_of_every_bundle(case: Case) -> None:
    parsed = get_platform(case.platform).parse({case.command: case.raw})
    assert parsed.failures == {}
    if case.platform == "juniper_junos":  # no status column: the LACP mux state
        expected = [(row["bundle_name"], member, row["mux_state"][i])
                    for row in case.expected for i, member in enumerate(row["member_interface"])]
        protocols = {"lacp"}
    else:
        expected = lag_members(case.expected)
        protocols = {{"-": "static", "none": "static"}.get(p.lower(), p.lower())
                     for row in case.expected if (p := text(row["bundle_protocol"]))}
    records = parsed.of(LagMembership)
    assert [(r.lag, r.member, r.status) for r in records] == expected
    assert {r.protocol for r in records} <= protocols
    for record in records:  # bundled: P in the flags, "bndl" on IOS-XE, or LACP's mux state
        status = record.status or ""
        assert record.active == ("P" in status or status in ("bndl", "Collecting distributing"))


def test_junos_ethernet_switching_interfaces_give_each_ports_vlans() -> None:
    (case,) = [c for c in CASES if c.command == "show ethernet-switching interfaces"]
    parsed = get_platform(case.platform).parse({case.command: case.raw})
    assert parsed.failures == {}
    expected = []
    for row in case.expected:
        members = row["vlan_member"]
        for i, name in enumerate(members):
            tag = row["vlan_id"][i] if len(row["vlan_id"]) == len(members) else None
            tagging = row["tagging"][i] if len(row["tagging"]) == len(members) else None
            expected.append((row["interface"], name, vlan(tag),
                             None if tagging is None else tagging == "tagged"))
    assert [(p.interface, p.vlan_name, p.vlan_id, p.tagged)
            for p in parsed.of(VlanPort)] == expected  # fmt: skip
    assert ("ge-0/0/14.0", "vlan200", 200, True) in expected
