"""Every LibreNMS walk in lab/recordings/snmp, parsed by us, against what LibreNMS
discovered from it (expected/<name>.json), every field exactly.

One field mapping, LibreNMS -> ours: `tests.contract.report` (its docstring and
functions: device-level fields, system, ports, addresses, the entPhysical rows, the
remote ports of neighbours) with cases.py's os/type/kind maps. The contract oracle test
holds the committed expected files to the issue's bar through the same mapping; here the
parsers and the facts made from a walk must agree on every mapped field. The walks are
listed from the folder: a new walk with its results is a data file, never a count here.

Two checks stay at the parser level, where the facts keep more than LibreNMS reads:
- neighbours: the LLDP/CDP rows as recorded (an LLDP port ID of subtype local is the
  number LibreNMS keeps; the facts name the port by its description);
- entity-physical: every entPhysical row (the facts keep chassis and components only);
  for Junos LibreNMS builds them from JUNIPER-MIB jnxContentsTable (the walk has no
  ENTITY-MIB): that walk yields no rows (a known gap, counted by the report).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from discovery.snmp import oids
from discovery.snmp.facts import snmp_facts
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_interfaces import parse_ipv4_addresses, speed_bps
from discovery.snmp.records import DeviceSnapshot, Value
from lab.sources import lab_data_dir
from tests.contract.cases import getters_json, librenms_kinds
from tests.contract.report import (
    DEVICE,
    LIBRENMS_CASES,
    Check,
    address_checks,
    device_checks,
    interface_checks,
    librenms_entity_row,
    strip_unknown_remote,
)
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))


@cache
def snapshot(name: str) -> DeviceSnapshot:
    return parse_device(load_snmprec(LAB / f"{name}.snmprec").varbinds)


@cache
def facts(name: str) -> dict[str, Any]:
    return getters_json(snmp_facts(snapshot(name), None))


@cache
def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LAB / "expected" / f"{name}.json").read_text())
    return data


def names_with(section: str) -> list[str]:
    return [n for n in NAMES if section in expected(n)]


def unequal(found: list[Check]) -> list[str]:
    return [f"{c.area} {c.field}: LibreNMS {c.theirs!r}, ours {c.ours!r}"
            for c in found if not c.equal]  # fmt: skip


def test_every_walk_has_librenms_results() -> None:
    assert NAMES
    assert NAMES == LIBRENMS_CASES  # the report's cases: the walks with results


@pytest.mark.parametrize("name", NAMES)
def test_device_and_system(name: str) -> None:
    """Kind, OS, vendor, model, serial, version, sysObjectID and sysDescr."""
    (device,) = expected(name)["os"]["discovery"]["devices"]
    found = device_checks(expected(name), facts(name))
    assert unequal(found) == []
    assert {"kind", "os_name"} <= {c.field for c in found if c.area == DEVICE}
    assert facts(name)["system"].get("kind") in librenms_kinds(device["os"], device["type"])


@pytest.mark.parametrize("name", names_with("ports"))
def test_ports(name: str) -> None:
    found = interface_checks(expected(name), facts(name))
    assert found
    assert unequal(found) == []


@pytest.mark.parametrize(
    "name", sorted(set(names_with("ipv4-addresses")) | set(names_with("ipv6-addresses")))
)
def test_addresses(name: str) -> None:
    found = address_checks(expected(name), facts(name))
    assert found
    assert unequal(found) == []


@pytest.mark.parametrize(
    ("if_speed", "if_high_speed", "bps"),
    [
        (100_000_000, 100, 100_000_000),
        (4_294_967_295, 10_000, 10_000_000_000),
        (1_000_000, 0, 1_000_000),  # below 1 Mb/s ifHighSpeed is 0
        (None, 4_294_967_295, None),  # a FortiGate's "unknown" in ifHighSpeed
        (1_000_000_000, 4_294_901_759, 1_000_000_000),
        (4_294_967_295, 4_294_901_759, None),  # both unknown
    ],
)
def test_speed(if_speed: int | None, if_high_speed: int | None, bps: int | None) -> None:
    assert speed_bps(if_speed, if_high_speed) == bps


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
        want = librenms_entity_row(row)
        ent = ours[want["index"]]
        got = {field: getattr(ent, field) for field in want}
        got["contained_in"] = ent.contained_in or None  # ENTITY-MIB's 0: in nothing
        assert got == want


@pytest.mark.parametrize("name", names_with("discovery-protocols"))
def test_discovery_protocols(name: str) -> None:
    snap = snapshot(name)
    if_name = {i.if_index: i.name for i in snap.interfaces}
    links = expected(name)["discovery-protocols"]["discovery"]["links"]
    want = {(link["protocol"], link["ifName"], link["remote_hostname"],
             strip_unknown_remote(link["remote_port"])) for link in links}  # fmt: skip
    got = {("cdp", if_name.get(n.if_index), n.device_id, n.remote_port) for n in snap.cdp}
    got |= {("lldp", if_name.get(n.local_if_index or -1), n.sys_name, n.port_id) for n in snap.lldp}
    assert want
    assert got == want
    platforms = {
        (link["ifName"], link["remote_platform"]) for link in links if link["protocol"] == "cdp"
    }
    assert {(if_name.get(n.if_index), n.platform) for n in snap.cdp} == platforms


@pytest.mark.parametrize(
    ("indexes", "want"),
    [
        (["10.0.0.1"], {(7, "10.0.0.1", 24)}),
        (["1.10.0.0.1", "1.127.0.0.1"], {(7, "10.0.0.1", 24), (7, "127.0.0.1", None)}),  # typed
        (["10.0.0.1.1", "10.0.0.1.2.1"], {(7, "10.0.0.1", 24)}),  # a FortiGate's VDOM arcs
        (["0.0.0.0"], set()),
    ],
)
def test_ip_addr_table_indexes(indexes: list[str], want: set[tuple[int, str, int | None]]) -> None:
    """The ipAddrTable index forms agents use (the walks: FortiGate, snmpsim's netmanage);
    a row without a netmask takes that of a row of the same address."""
    varbinds: dict[str, Value] = {f"{oids.IP_ADDR_ENTRY}.2.{i}": 7 for i in indexes}
    varbinds[f"{oids.IP_ADDR_ENTRY}.3.{indexes[0]}"] = "255.255.255.0"
    got = {(a.if_index, a.address, a.prefix_length) for a in parse_ipv4_addresses(varbinds)}
    assert got == want
