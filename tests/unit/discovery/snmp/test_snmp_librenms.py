"""Every recording in lab-data/snmp, parsed by us, against what LibreNMS discovered.

Field mapping (LibreNMS -> ours) and where LibreNMS derives a field differently:
- os.sysObjectID -> system.object_id (LibreNMS keeps a leading dot).
- os.os -> classification.os via LIBRENMS_OS (LibreNMS says ``arista_eos``,
  ``jetdirect``; we say ``eos``, ``printer``). os.type ``network`` -> kind switch/router/
  firewall.
- os.version / hardware / serial compared when LibreNMS has a value. Where LibreNMS
  has none we may still have one: the JetDirect serial comes from ``SN:`` in sysDescr
  (LibreNMS leaves it null), RouterOS has no hardware on either side.
- ports: LibreNMS drops ports by per-OS ignore rules, so its ports must be a subset of
  ours. LibreNMS fills an empty ifAlias and a missing ifName with ifDescr; we keep
  what the agent said (``librenms_alias``/``librenms_name`` apply LibreNMS's rule).
  A speed LibreNMS leaves null is 0 or absent for us (LibreNMS nulls a zero
  ifHighSpeed; we fall back to ifSpeed, which is then 0 too). Its discovery data has ifName/ifDescr/ifAlias/ifType; its poller data has
  ifPhysAddress (bare hex), ifSpeed, ifMtu and statuses.
- discovery-protocols: LibreNMS appends `` (<chassis MAC>)`` to an LLDP remote port
  when it cannot find the remote device in its own database (the Junos links); we
  keep the port ID and the chassis ID apart, and the test strips exactly that suffix.
- entity-physical: for Junos LibreNMS builds these rows from JUNIPER-MIB
  jnxContentsTable (the recording has no ENTITY-MIB); we read ENTITY-MIB only, so
  that recording is checked to yield no rows instead (a known gap).
  LibreNMS stores a missing entPhysicalContainedIn as 0, and keeps
  empty model/serial strings where we say None.
- ipv4/ipv6: LibreNMS keeps addresses only on ports it keeps (RouterOS pppoe-out1 is
  dropped with its address); IPv6 also skips the loopback ::1.
- text: a few Arista strings are recorded wrapped in backslashes (``\\A EDICION-1\\``);
  snmpsim serves them verbatim and so do we, LibreNMS's net-snmp output parsing drops
  the wrapping backslashes. ``librenms_text`` applies exactly that.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from discovery.snmp.parse import parse_device
from discovery.snmp.records import DeviceSnapshot
from lab.sources import lab_data_dir
from tests.contract.cases import LIBRENMS_OS, LIBRENMS_TYPE
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))


@cache
def snapshot(name: str) -> DeviceSnapshot:
    return parse_device(load_snmprec(LAB / f"{name}.snmprec").varbinds)


@cache
def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LAB / "expected" / f"{name}.json").read_text())
    return data


def names_with(section: str) -> list[str]:
    return [n for n in NAMES if section in expected(n)]


def librenms_ports(name: str) -> set[int]:
    return {p["ifIndex"] for p in expected(name)["ports"]["discovery"]["ports"]}


def test_every_recording_has_expectations() -> None:
    assert len(NAMES) == 8
    for name in NAMES:
        assert (LAB / "expected" / f"{name}.json").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_os(name: str) -> None:
    (device,) = expected(name)["os"]["discovery"]["devices"]
    snap = snapshot(name)
    assert "." + (snap.system.object_id or "") == device["sysObjectID"]
    assert snap.system.descr == device["sysDescr"]
    assert snap.classification.os == LIBRENMS_OS[device["os"]]
    assert snap.classification.kind in LIBRENMS_TYPE[device["type"]]
    compared = 0
    for field in ("version", "hardware", "serial"):
        if device[field] is not None:
            assert getattr(snap.classification, field) == device[field], field
            compared += 1
    assert compared >= 1


def librenms_text(value: str | None) -> str | None:
    if value is not None and len(value) >= 2 and value[0] == value[-1] == "\\":
        return value[1:-1]
    return value


def _bare_mac(mac: str | None) -> str | None:
    return mac.replace(":", "") if mac else None


@pytest.mark.parametrize("name", names_with("ports"))
def test_ports(name: str) -> None:
    ours = {i.if_index: i for i in snapshot(name).interfaces}
    ports = expected(name)["ports"]
    polled = {p["ifIndex"]: p for p in ports["poller"]["ports"]}
    assert ports["discovery"]["ports"]
    for port in ports["discovery"]["ports"]:
        iface = ours[port["ifIndex"]]
        librenms_name = iface.name if iface.name is not None else iface.descr
        assert librenms_name == port["ifName"], port["ifIndex"]
        assert iface.descr == port["ifDescr"], port["ifIndex"]
        librenms_alias = librenms_text(iface.alias) or iface.descr
        assert librenms_alias == port["ifAlias"], port["ifIndex"]
        assert iface.if_type_name == port["ifType"], port["ifIndex"]
        poll = polled[port["ifIndex"]]
        librenms_mac = poll["ifPhysAddress"]
        if librenms_mac is not None and set(librenms_mac) <= {"0"}:
            librenms_mac = None  # we report an all-zero MAC as no MAC
        assert _bare_mac(iface.mac) == librenms_mac, port["ifIndex"]
        if poll["ifSpeed"] is None:
            assert iface.speed_bps in (None, 0), port["ifIndex"]
        else:
            assert iface.speed_bps == poll["ifSpeed"], port["ifIndex"]
        assert iface.mtu == poll["ifMtu"], port["ifIndex"]
        assert iface.admin_status == poll["ifAdminStatus"], port["ifIndex"]
        assert iface.oper_status == poll["ifOperStatus"], port["ifIndex"]


NOT_ENTITY_MIB = {"junos_mx5t-isis"}


@pytest.mark.parametrize("name", sorted(NOT_ENTITY_MIB))
def test_entity_physical_not_from_entity_mib(name: str) -> None:
    assert expected(name)["entity-physical"]["discovery"]["entPhysical"]
    assert snapshot(name).entities == ()


@pytest.mark.parametrize(
    "name", [n for n in names_with("entity-physical") if n not in NOT_ENTITY_MIB]
)
def test_entity_physical(name: str) -> None:
    ours = {e.index: e for e in snapshot(name).entities}
    rows = expected(name)["entity-physical"]["discovery"]["entPhysical"]
    assert rows
    for row in rows:
        ent = ours[row["entPhysicalIndex"]]
        assert ent.phys_class == row["entPhysicalClass"]
        assert ent.descr == row["entPhysicalDescr"]
        assert ent.name == row["entPhysicalName"]
        assert ent.model_name == (row["entPhysicalModelName"] or None)
        assert ent.serial == (row["entPhysicalSerialNum"] or None)
        assert ent.hardware_rev == row["entPhysicalHardwareRev"]
        assert ent.firmware_rev == row["entPhysicalFirmwareRev"]
        assert ent.software_rev == row["entPhysicalSoftwareRev"]
        assert (ent.contained_in or 0) == row["entPhysicalContainedIn"]
        assert ent.is_fru == {"true": True, "false": False}.get(row["entPhysicalIsFRU"])


def _strip_chassis_suffix(port: str, chassis_id: str | None) -> str:
    found = re.fullmatch(r"(.*) \(([0-9a-f]{12})\)", port)
    if found and chassis_id and found.group(2) == chassis_id.replace(":", ""):
        return found.group(1)
    return port


@pytest.mark.parametrize("name", names_with("discovery-protocols"))
def test_discovery_protocols(name: str) -> None:
    snap = snapshot(name)
    if_name = {i.if_index: i.name for i in snap.interfaces}
    links = expected(name)["discovery-protocols"]["discovery"]["links"]
    chassis_by_name = {(n.sys_name, n.port_id): n.chassis_id for n in snap.lldp}
    want = set()
    for link in links:
        port = link["remote_port"]
        if link["protocol"] == "lldp":
            for (sys_name, port_id), chassis in chassis_by_name.items():
                if sys_name == link["remote_hostname"]:
                    stripped = _strip_chassis_suffix(port, chassis)
                    port = stripped if stripped == port_id else port
        want.add((link["protocol"], link["ifName"], link["remote_hostname"], port))
    got = {("cdp", if_name.get(n.if_index), n.device_id, n.remote_port) for n in snap.cdp}
    got |= {("lldp", if_name.get(n.local_if_index or -1), n.sys_name, n.port_id) for n in snap.lldp}
    assert want
    assert got == want
    platforms = {
        (link["ifName"], link["remote_platform"]) for link in links if link["protocol"] == "cdp"
    }
    assert {(if_name.get(n.if_index), n.platform) for n in snap.cdp} == platforms


@pytest.mark.parametrize("name", names_with("ipv4-addresses"))
def test_ipv4_addresses(name: str) -> None:
    rows = expected(name)["ipv4-addresses"]["discovery"]["ipv4_addresses"]
    want = {(r["ipv4_address"], r["ipv4_prefixlen"], r["ifIndex"]) for r in rows}
    kept = librenms_ports(name)
    got = {
        (a.address, a.prefix_length, a.if_index) for a in snapshot(name).ipv4 if a.if_index in kept
    }
    assert want
    assert got == want


@pytest.mark.parametrize("name", names_with("ipv6-addresses"))
def test_ipv6_addresses(name: str) -> None:
    rows = expected(name)["ipv6-addresses"]["discovery"]["ipv6_addresses"]
    want = {(r["ipv6_compressed"], r["ipv6_prefixlen"], r["ifIndex"]) for r in rows}
    kept = librenms_ports(name)
    got = {
        (a.address, a.prefix_length, a.if_index) for a in snapshot(name).ipv6 if a.if_index in kept
    }
    assert want
    assert {g for g in got if g[0] != "::1"} == want
