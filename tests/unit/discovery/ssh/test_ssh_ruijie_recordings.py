"""Ruijie RGOS: real devices' output (an ntc-templates fork's test recordings) through our
templates and parsers, every mapped field equal to that fork's own parse of the same
output (`*.ntc_fork.yml`: another template, written by others, the independent oracle).

The transforms are written from the fork yml's meaning, not imported from the code under
test.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from discovery.ssh.errors import ParseError
from discovery.ssh.facts import ssh_facts
from discovery.ssh.platforms import get_platform
from discovery.ssh.records import DeviceVersion, Interface, InventoryItem, IPInterface

RUIJIE = Path(__file__).parent / "fixtures" / "ntc" / "ruijie_os"
HOSTNAME = "show running-config | include hostname"


def cases(folder: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [
        (raw.stem, raw.read_text(),
         yaml.safe_load(raw.with_suffix(".ntc_fork.yml").read_text())["parsed_sample"])
        for raw in sorted((RUIJIE / folder).glob("*.raw"))
    ]  # fmt: skip


def text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def mac(value: Any) -> str | None:
    digits = re.sub(r"[.:\-]", "", value.strip().lower()) if isinstance(value, str) else ""
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)) if len(digits) == 12 else None


def address_and_prefix(value: Any) -> tuple[str | None, int | None]:
    """'44.13.22.129/30' -> ('44.13.22.129', 30); anything else is no address."""
    try:
        found = ipaddress.ip_interface(value.strip())
    except (AttributeError, ValueError):
        return None, None
    return str(found.ip), found.network.prefixlen


def admin(line: str) -> str:
    """RGOS says 'administratively down' for a shut port; 'DOWN' is an enabled port."""
    return "down" if line.lower().startswith("administratively") else "up"


@pytest.mark.parametrize(("name", "raw", "fork"), cases("show_version"), ids=lambda v: str(v)[:30])
def test_show_version_identity_and_boards_as_the_fork_parses_them(
    name: str, raw: str, fork: list[dict[str, Any]]
) -> None:
    parsed = get_platform("ruijie_os").parse({"show version": raw})
    assert parsed.failures == {}, name
    (device,) = parsed.of(DeviceVersion)
    system, *boards = fork
    assert (device.model, device.os_version, device.serials, device.uptime, device.vendor) == (
        system["model"], system["soft_version"], (system["serial_number"],), system["uptime"],
        "Ruijie",
    )  # fmt: skip
    chassis, *slots = parsed.of(InventoryItem)
    assert (chassis.name, chassis.pid, chassis.vid) == (
        "Chassis",
        system["model"],
        system["hard_version"],
    )
    assert [(s.name, s.pid, s.vid, s.serial, s.contained_in) for s in slots] == [
        (f"Slot {b['slot_number']}", b["slot_name"], b["slot_hard_version"], b["slot_serial_number"],
         "Chassis")
        for b in boards
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "raw", "fork"), cases("show_interfaces"), ids=lambda v: str(v)[:30]
)
def test_show_interfaces_as_the_fork_parses_them(
    name: str, raw: str, fork: list[dict[str, Any]]
) -> None:
    parsed = get_platform("ruijie_os").parse({"show interfaces": raw})
    assert parsed.failures == {}, name
    interfaces = parsed.of(Interface)
    assert len(interfaces) == len(fork) == 51
    for got, row in zip(interfaces, fork, strict=True):
        address, prefix = address_and_prefix(row["ip_address"])
        speed = text(row["speed"])
        assert (got.name, got.description, got.mac, got.mtu, got.hardware_type) == (
            row["interface"], text(row["description"]), mac(row["address"]), int(row["mtu"]),
            text(row["hardware_type"]),
        ), row["interface"]  # fmt: skip
        assert (got.ip_address, got.prefix_length) == (address, prefix), row["interface"]
        assert got.bandwidth_kbps == int(row["bandwidth"].split()[0]), row["interface"]
        assert got.speed == (None if speed in (None, "Unknown") else speed), row["interface"]
        assert got.admin_status == admin(row["link_status"]), row["interface"]
        assert got.oper_status == row["protocol_status"].lower(), row["interface"]


@pytest.mark.parametrize(("name", "raw", "fork"), cases("show_ip_interface_brief"),
                         ids=lambda v: str(v)[:30])  # fmt: skip
def test_show_ip_interface_brief_as_the_fork_parses_it(
    name: str, raw: str, fork: list[dict[str, Any]]
) -> None:
    parsed = get_platform("ruijie_os").parse({"show ip interface brief": raw})
    assert parsed.failures == {}, name
    expected = []
    for row in fork:
        address = None if row["ip"] == "no address" else row["ip"]
        prefix = int(row["mask"]) if row["mask"] else None
        expected.append((row["interface"], address, prefix, row["protocol"]))
    got = [(i.interface, i.address, i.prefix_length, i.oper_status) for i in parsed.of(IPInterface)]
    assert got == expected


def test_rgos_uptime_is_days_hours_minutes_seconds() -> None:
    (_name, raw, _fork), *_ = cases("show_version")
    (device,) = get_platform("ruijie_os").parse({"show version": raw}).of(DeviceVersion)
    assert device.uptime == "846:16:52:08"
    assert device.uptime_seconds == ((846 * 24 + 16) * 60 + 52) * 60 + 8


def test_the_hostname_line_names_the_device_and_a_config_without_one_is_a_parse_error() -> None:
    (_name, raw, _fork), *_ = cases("show_version")
    platform = get_platform("ruijie_os")
    parsed = platform.parse({"show version": raw, HOSTNAME: "hostname core-rj1\n"})
    assert [d.hostname for d in parsed.of(DeviceVersion)] == ["core-rj1"]
    broken = platform.parse({"show version": raw, HOSTNAME: "% Invalid input detected\n"})
    assert set(broken.failures) == {HOSTNAME} and broken.of(DeviceVersion) == ()
    assert len(broken.of(InventoryItem)) == 4  # the boards do not depend on the name


def test_a_board_without_its_serial_line_is_a_parse_error_not_a_shifted_serial() -> None:
    (_name, raw, _fork), *_ = cases("show_version")
    lines = raw.splitlines()
    first_board_serial = next(i for i, line in enumerate(lines) if "Serial number" in line)
    damaged = "\n".join(lines[:first_board_serial] + lines[first_board_serial + 1 :])
    parsed = get_platform("ruijie_os").parse({"show version": damaged})
    assert isinstance(parsed.failures.get("show version"), ParseError)
    assert parsed.of(InventoryItem) == ()


def test_getters_without_a_ruijie_command_are_not_claimed() -> None:
    """No RGOS neighbour, VLAN, MAC, ARP or aggregate-port command is run: those getters
    must not read as complete-and-empty (which would retire what SNMP found)."""
    outputs = {f"{folder.replace('_', ' ')}": raw
               for folder in ("show_version", "show_interfaces", "show_ip_interface_brief")
               for _name, raw, _fork in cases(folder)[:1]}  # fmt: skip
    facts = ssh_facts(get_platform("ruijie_os").parse(outputs), target="192.0.2.10")
    assert facts.coverage.getters == {
        "system",
        "inventory",
        "interfaces",
        "addresses",
        "components",
    }
    assert facts.coverage.incomplete == frozenset() and not facts.coverage.unaccounted
    assert (facts.system.vendor, facts.system.model, facts.system.os_name) == (
        "Ruijie",
        "S8607E",
        "rgos",
    )
    assert [c.serial for c in facts.chassis] == ["G1M70XXX00079"]
    assert facts.interfaces[0].name == "TenGigabitEthernet1/1"  # RGOS's space dropped


def test_a_failed_hostname_command_leaves_only_the_system_getter_incomplete() -> None:
    (_name, raw, _fork), *_ = cases("show_version")
    parsed = get_platform("ruijie_os").parse({"show version": raw})
    facts = ssh_facts(parsed, target="192.0.2.10", failed_commands=[HOSTNAME])
    assert facts.coverage.incomplete == {"system"} and not facts.coverage.unaccounted
