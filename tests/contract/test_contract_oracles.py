"""The expected files against the independent oracles, through a written field mapping.

The contract suite compares drivers with tests/contract/expected/; this module proves
those files right where someone else read the same recording:
- SNMP: LibreNMS's discovery of the lab-data recordings (lab/recordings/snmp/expected):
  os.sysObjectID (leading dot dropped) -> system.object_id, os.sysDescr -> description,
  os.os/type -> os_name/kind, os.version/hardware/serial -> os_version/model/serial where
  LibreNMS has one; ports (ifIndex) -> interfaces: ifName (LibreNMS's, canonical) ->
  name, ifType, and from its poller ifMtu, ifAdminStatus/ifOperStatus, ifPhysAddress
  (all zeros: none), ifSpeed (bit/s; none: 0 or none); ipv4/ipv6 rows on the ports
  LibreNMS keeps -> addresses (IPv6 ::1 skipped, LibreNMS drops it); discovery-protocol
  links -> neighbours (protocol, local port name, remote name; CDP's remote port and
  platform); ENTITY-MIB chassis rows' serials -> chassis (Junos: LibreNMS builds them
  from JUNIPER-MIB, we read ENTITY-MIB only: a known gap, no rows).
- SSH: ntc-templates' parsed_sample of every recording a case uses: interface names
  (canonical) -> interfaces, `show version`/`show hostname` hostname -> system.name,
  `show vlan` ids and names -> vlans.
The Linux case and the snmpsim-data recordings have no oracle: see README.md.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import yaml

from discovery.identifiers import canonical_ifname
from lab.sources import lab_data_dir
from tests.contract.cases import (
    LIBRENMS_OS,
    LIBRENMS_TYPE,
    expected_path,
    librenms_expected,
    snmp_case_names,
    ssh_recordings,
)

NOT_ENTITY_MIB = {"junos_mx5t-isis"}
# the project's own recordings come with LibreNMS's results: listed from the files
LAB = lab_data_dir() / "snmp"
LIBRENMS_CASES = sorted(p.stem for p in LAB.glob("*.snmprec")
                        if (LAB / "expected" / f"{p.stem}.json").is_file())  # fmt: skip


@cache
def file(driver: str, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(expected_path(driver, case).read_text())
    return data


def librenms(name: str) -> dict[str, Any]:
    found = librenms_expected(name)
    assert found is not None, name
    return found


def test_the_librenms_cases_are_the_recordings_with_results() -> None:
    with_results = [n for n in snmp_case_names() if librenms_expected(n) is not None]
    assert with_results == LIBRENMS_CASES and len(with_results) == 8


@pytest.mark.parametrize("name", LIBRENMS_CASES)
def test_system_agrees_with_librenms(name: str) -> None:
    (device,) = librenms(name)["os"]["discovery"]["devices"]
    system = file("snmp", name)["system"]
    assert system["object_id"] == device["sysObjectID"].lstrip(".")
    assert system["description"] == device["sysDescr"]
    assert system["os_name"] == LIBRENMS_OS[device["os"]]
    assert system["kind"] in LIBRENMS_TYPE[device["type"]]
    for theirs, ours in (("version", "os_version"), ("hardware", "model"), ("serial", "serial")):
        if device[theirs] is not None:
            assert system.get(ours) == device[theirs], theirs


@pytest.mark.parametrize("name", [n for n in LIBRENMS_CASES if "ports" in librenms(n)])
def test_interfaces_agree_with_librenms(name: str) -> None:
    ours = {i["if_index"]: i for i in file("snmp", name)["interfaces"]}
    ports = librenms(name)["ports"]
    polled = {p["ifIndex"]: p for p in ports["poller"]["ports"]}
    assert ports["discovery"]["ports"]
    for port in ports["discovery"]["ports"]:
        iface, poll = ours[port["ifIndex"]], polled[port["ifIndex"]]
        assert iface["name"] == canonical_ifname(port["ifName"]), port["ifIndex"]
        assert iface.get("if_type") == port["ifType"]
        assert iface.get("mtu") == poll["ifMtu"]
        assert (iface.get("admin_status"), iface.get("oper_status")) == (
            poll["ifAdminStatus"], poll["ifOperStatus"])  # fmt: skip
        mac = poll["ifPhysAddress"]
        mac = None if mac is None or set(mac) <= {"0"} else mac
        assert (iface["mac"].replace(":", "") if "mac" in iface else None) == mac
        if poll["ifSpeed"] is None:
            assert iface.get("speed_mbps") in (None, 0)
        else:
            assert iface.get("speed_mbps") == poll["ifSpeed"] // 1_000_000


@pytest.mark.parametrize("name", [n for n in LIBRENMS_CASES if "ipv4-addresses" in librenms(n)
                                  or "ipv6-addresses" in librenms(n)])  # fmt: skip
def test_addresses_agree_with_librenms(name: str) -> None:
    kept = {p["ifIndex"] for p in librenms(name)["ports"]["discovery"]["ports"]}
    want = set()
    for version, key in (("ipv4", "ipv4_address"), ("ipv6", "ipv6_compressed")):
        section = librenms(name).get(f"{version}-addresses", {}).get("discovery", {})
        want |= {(r[key], r[f"{version}_prefixlen"], r["ifIndex"])
                 for r in section.get(f"{version}_addresses", [])}  # fmt: skip
    got = {(a["address"], a.get("prefix_length"), a["port"])
           for a in file("snmp", name)["addresses"] if a["port"] in kept}  # fmt: skip
    assert want
    assert {g for g in got if g[0] != "::1"} == want


@pytest.mark.parametrize(
    "name", [n for n in LIBRENMS_CASES if "discovery-protocols" in librenms(n)]
)
def test_neighbours_agree_with_librenms(name: str) -> None:
    names = {i["if_index"]: i.get("name") for i in file("snmp", name)["interfaces"]}
    links = librenms(name)["discovery-protocols"]["discovery"]["links"]
    neighbours = file("snmp", name)["neighbours"]
    want = {(lk["protocol"], canonical_ifname(lk["ifName"]), lk["remote_hostname"]) for lk in links}
    got = {(n["protocol"], names.get(n.get("local_port")), n.get("remote_name"))
           for n in neighbours}  # fmt: skip
    assert want and got == want
    cdp = {(canonical_ifname(lk["ifName"]), lk["remote_port"], lk["remote_platform"])
           for lk in links if lk["protocol"] == "cdp"}  # fmt: skip
    assert {(names.get(n["local_port"]), n.get("remote_port"), n.get("remote_platform"))
            for n in neighbours if n["protocol"] == "cdp"} == cdp  # fmt: skip


@pytest.mark.parametrize("name", [n for n in LIBRENMS_CASES if "entity-physical" in librenms(n)])
def test_chassis_agree_with_librenms(name: str) -> None:
    rows = librenms(name)["entity-physical"]["discovery"]["entPhysical"]
    chassis = sorted((r for r in rows if r["entPhysicalClass"] == "chassis"),
                     key=lambda r: r["entPhysicalIndex"])  # fmt: skip
    want = [r["entPhysicalSerialNum"] or None for r in chassis]
    got = [unit.get("serial") for unit in file("snmp", name)["chassis"]]
    assert got == ([] if name in NOT_ENTITY_MIB else want)


# -- SSH: ntc-templates' parses -------------------------------------------------------
NETWORK_CASES = [c for c in ssh_recordings() if c != "linux"]


def parsed_sample(case: str, command: str) -> list[dict[str, Any]] | None:
    raw = ssh_recordings()[case].get(command)
    if raw is None:
        return None
    rows: list[dict[str, Any]] = yaml.safe_load(raw.with_suffix(".yml").read_text())[
        "parsed_sample"
    ]
    return rows


@pytest.mark.parametrize("case", NETWORK_CASES)
def test_interface_names_agree_with_ntc_templates(case: str) -> None:
    rows = parsed_sample(case, "show interfaces") or parsed_sample(case, "show interface")
    assert rows
    want = {canonical_ifname(str(r["interface"]).strip()) for r in rows}
    assert {i.get("name") for i in file("ssh", case)["interfaces"]} == want


@pytest.mark.parametrize("case", NETWORK_CASES)
def test_host_name_agrees_with_ntc_templates(case: str) -> None:
    rows = parsed_sample(case, "show hostname") or parsed_sample(case, "show version") or []
    names: set[str | None] = {str(r["hostname"]).strip() for r in rows if r.get("hostname")}
    assert {file("ssh", case)["system"].get("name")} == (names or {None})


@pytest.mark.parametrize("case", [c for c in NETWORK_CASES if parsed_sample(c, "show vlan")])
def test_vlans_agree_with_ntc_templates(case: str) -> None:
    rows = parsed_sample(case, "show vlan") or []
    want = {(int(r["vlan_id"]), r["vlan_name"]) for r in rows}
    assert {(v["vlan_id"], v.get("name")) for v in file("ssh", case)["vlans"]} == want
