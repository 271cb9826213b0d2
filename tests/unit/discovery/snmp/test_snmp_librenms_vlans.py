"""Our SNMP VLANs against LibreNMS's `vlans` discovery of the same walks (every lab
recording whose expected results have it).

Field mapping: vlans.vlan_vlan -> VlanFacts.vlan_id, vlan_name -> name; ports_vlans
(vlan, baseport, untagged) -> a member (ifIndex through the walk's dot1dBasePortIfIndex,
tagged = not untagged). Rows with a baseport the walk does not map (0: LibreNMS found
no bridge port) cannot be compared and are left out.
Where LibreNMS derives differently:
- a VLAN the device names nowhere is "VLAN <id>" for LibreNMS, None for us;
- on Cisco LibreNMS takes a VLAN's ports from BRIDGE-MIB read in that VLAN's community
  context, and on Huawei from HUAWEI-L2VLAN-MIB port lists; we read neither, so such a
  member can be missing from ours (never there with the other tagging).
`share()` is the share of compared values equal (ids, names, port rows), reported by
`python -m tests.unit.discovery.snmp.test_snmp_librenms_vlans`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from discovery.snmp.parse_bridge import parse_bridge_ports
from lab.sources import lab_data_dir
from tests.contract.cases import librenms_expected, snmp_case
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"


def _names_with_vlans() -> list[str]:
    names = sorted(
        p.stem for p in LAB.glob("*.snmprec") if (LAB / "expected" / f"{p.stem}.json").is_file()
    )
    return [n for n in names if "vlans" in (librenms_expected(n) or {})]


def _theirs(name: str) -> dict[str, Any]:
    expected = librenms_expected(name)
    assert expected is not None
    found: dict[str, Any] = expected["vlans"]["discovery"]
    return found


@cache
def _members(name: str) -> dict[tuple[int, int | str], bool | None]:
    return {(v.vlan_id, m.port): m.tagged for v in snmp_case(name).vlans for m in v.members}


@cache
def _bridge_ports(name: str) -> dict[int, int]:
    return parse_bridge_ports(load_snmprec(LAB / f"{name}.snmprec").varbinds)


def _port_rows(name: str) -> list[tuple[int, int, bool]]:
    ports = _bridge_ports(name)
    return [(r["vlan"], ports[r["baseport"]], r["untagged"] == 0)
            for r in _theirs(name).get("ports_vlans", []) if r["baseport"] in ports]  # fmt: skip


def _name_equal(vlan_id: int, theirs: str, ours: str | None) -> bool:
    return ours == theirs or (ours is None and theirs == f"VLAN {vlan_id}")


NAMES = _names_with_vlans()


@pytest.mark.parametrize("name", NAMES)
def test_every_vlan_librenms_found_is_ours_with_its_name(name: str) -> None:
    ours = {v.vlan_id: v.name for v in snmp_case(name).vlans}
    for row in _theirs(name)["vlans"]:
        assert row["vlan_vlan"] in ours, row
        assert _name_equal(row["vlan_vlan"], row["vlan_name"], ours[row["vlan_vlan"]]), row


@pytest.mark.parametrize("name", NAMES)
def test_every_port_vlan_row_is_ours_or_from_a_table_we_do_not_read(name: str) -> None:
    members = _members(name)
    vendor_tables = snmp_case(name).system.vendor in ("Cisco", "Huawei")
    for vlan, port, tagged in _port_rows(name):
        if (vlan, port) in members or not vendor_tables:
            assert members.get((vlan, port), "missing") == tagged, (vlan, port, tagged)


def share() -> dict[str, tuple[int, int]]:
    """(equal, compared) for VLAN ids, names and port rows over every recording."""
    counts = {"ids": [0, 0], "names": [0, 0], "ports": [0, 0]}
    for name in NAMES:
        ours = {v.vlan_id: v.name for v in snmp_case(name).vlans}
        for row in _theirs(name)["vlans"]:
            vlan_id = row["vlan_vlan"]
            counts["ids"][0] += vlan_id in ours
            counts["names"][0] += vlan_id in ours and _name_equal(
                vlan_id, row["vlan_name"], ours[vlan_id]
            )
            counts["ids"][1] += 1
            counts["names"][1] += 1
        for vlan, port, tagged in _port_rows(name):
            counts["ports"][0] += _members(name).get((vlan, port)) == tagged
            counts["ports"][1] += 1
    return {key: (equal, total) for key, (equal, total) in counts.items()}


if __name__ == "__main__":
    for key, (equal, total) in share().items():
        print(f"{key}: {equal}/{total} equal ({100 * equal / max(total, 1):.1f}%)")
