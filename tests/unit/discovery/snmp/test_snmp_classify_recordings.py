"""Classification of every recording the lab serves, against a table of expectations.

The recordings are the lab's sources (lab-data's LibreNMS walks plus the snmpsim-data
package), read through the lab's prepared cache (what its agent serves) and cut down to
what our collector asks for: the system group, entPhysicalTable and the GET scalars.
So a rule that needs a table we do not collect fails here.

The expectations (vendor, os, kind) are the system getter of each recording's contract
data file (tests/contract/expected/snmp/<name>.json); they were checked by hand against
each walk's sysObjectID, sysDescr, ENTITY-MIB and UPS-MIB rows and the vendors' MIBs (a
table here until the contract suite held them); where LibreNMS discovered the device
(lab-data's expected/*.json) its os, type and hardware are checked too. None means
"cannot be told": those devices must stay unknown, never guessed. A new recording fails
`test_every_recording_has_an_expectation` until it gets a data file.

A device of no known kind is still recorded, as an UnclassifiedDevice: every such
recording is normalized from what the collector would get (every walked table and
scalar), and either becomes one or, when the agent told nothing that identifies it,
fails with a clear error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from cmdb.identity import global_sets, usable_sets
from cmdb.observations import CIObservation
from cmdb.schema import load_schema
from cmdb.validate import validate
from discovery.identifiers import canonical_ifname, split_fqdn
from discovery.normalize import DEVICE_CLASSES, UNCLASSIFIED
from discovery.snmp import oids
from discovery.snmp.classify import RULES, parse_classification
from discovery.snmp.classify_rules import KINDS
from discovery.snmp.errors import NormalizeError
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_entity import parse_entities
from discovery.snmp.parse_neighbors import CHASSIS_MAC
from discovery.snmp.parse_system import parse_system
from discovery.snmp.parse_ups import parse_ups, ups_identity
from discovery.snmp.records import Classification, DeviceSnapshot, SystemInfo, Value
from lab.sources import Source, default_cache_dir, default_data_dirs, prepare_all, snmp_sources
from tests.contract.cases import EXPECTED as EXPECTED_DIR
from tests.contract.cases import LIBRENMS_OS, librenms_kinds
from tests.contract.report import device_field
from tests.snmprec import read_prepared

Expected = tuple[str | None, str | None, str | None]  # vendor, os, kind


def _expected() -> dict[str, Expected]:
    """Each recording's (vendor, os, kind), from its contract data file's system getter
    (tests/contract/expected/snmp/<name>.json)."""
    out: dict[str, Expected] = {}
    for path in sorted((EXPECTED_DIR / "snmp").glob("*.json")):
        system = json.loads(path.read_text())["system"]
        out[path.stem] = (system.get("vendor"), system.get("os_name"), system.get("kind"))
    return out


EXPECTED = _expected()


@cache
def prepared() -> dict[str, tuple[Source, Path]]:
    sources = snmp_sources(default_data_dirs())
    return {s.name: (s, p) for s, p, _facts in prepare_all(sources, default_cache_dir())}


def _arcs(oid: str) -> tuple[int, ...]:
    return tuple(int(a) for a in oid.split("."))


CLASSIFIED_FROM = (oids.SYSTEM, oids.ENT_PHYSICAL_ENTRY, *oids.SCALARS.values())
COLLECTED = (*oids.SUBTREES.values(), *oids.SCALARS.values())


def collected_view(path: Path, prefixes: Iterable[str] = CLASSIFIED_FROM) -> dict[str, Value]:
    """The varbinds our collector would get below ``prefixes`` (by default what
    classification reads), as tests.snmprec.read_prepared reads them."""
    return read_prepared(path, prefixes)


@cache
def classify(name: str) -> Classification:
    _source, path = prepared()[name]
    varbinds = collected_view(path)
    return parse_classification(parse_system(varbinds), varbinds, parse_entities(varbinds))


def librenms(source: Source) -> dict[str, object] | None:
    """LibreNMS's os discovery for a lab-data recording, when it has one."""
    expected = source.path.parent / "expected" / f"{source.path.stem}.json"
    if not expected.is_file():
        return None
    (device,) = json.loads(expected.read_text())["os"]["discovery"]["devices"]
    return dict(device)


def test_every_recording_has_an_expectation() -> None:
    assert set(prepared()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recording_is_classified_as_expected(name: str) -> None:
    assert name in prepared(), f"{name}: recording not in the lab's sources"
    got = classify(name)
    assert (got.vendor, got.os, got.kind) == EXPECTED[name]
    if EXPECTED[name] == (None, None, None):
        assert got.rule is None


# listed from the files at collection; prepared (unpacked, cached) when a test runs
@pytest.mark.parametrize(
    "name",
    sorted(s.name for s in snmp_sources(default_data_dirs()) if librenms(s) is not None),
)
def test_librenms_os_type_and_hardware_agree(name: str) -> None:
    device = librenms(prepared()[name][0])
    assert device is not None
    got = classify(name)
    assert got.os == LIBRENMS_OS[str(device["os"])]
    assert got.kind in librenms_kinds(str(device["os"]), str(device["type"]))
    if device["hardware"] is not None:  # through the contract report's field mapping
        varbinds = collected_view(prepared()[name][1])  # a UPS's model is the UPS's, not
        ups = parse_ups(varbinds, parse_system(varbinds).descr)  # its card's (parse_ups)
        system = {"model": ups_identity(got, ups).hardware, "vendor": got.vendor}
        check = device_field(str(device["os"]), "hardware", str(device["hardware"]), system,
                             "model")  # fmt: skip
        assert check.equal, check


def test_every_kind_maps_onto_a_schema_class() -> None:
    assert KINDS == set(DEVICE_CLASSES) - {"virtual_machine"}  # SSH tells VMs apart
    assert {r.kind for r in RULES} - {None} <= KINDS
    schema = load_schema()
    for cls in {c for c, _attr in DEVICE_CLASSES.values()} | {UNCLASSIFIED}:
        assert schema.is_a(cls, "Device") and not schema.classes[cls].abstract, cls


def _system(object_id: str, descr: str = "") -> SystemInfo:
    return SystemInfo(descr, object_id, None, None, None, None)


def test_object_ids_match_by_whole_arcs() -> None:
    ios = "Cisco Internetwork Operating System Software"
    assert parse_classification(_system("1.3.6.1.4.1.9.1.283", ios), {}).kind == "switch"
    assert parse_classification(_system("1.3.6.1.4.1.9.1.2830", ios), {}).kind == "router"


def test_a_ups_mib_agent_is_a_ups_made_by_whom_it_says() -> None:
    varbinds: dict[str, Value] = {
        oids.UPS_IDENT_MANUFACTURER: b"HUAWEI ",
        oids.UPS_IDENT_MODEL: b"UPS5000",
    }
    got = parse_classification(_system("1.3.6.1.4.1.8072.3.2.10", "Linux ups 2.6"), varbinds)
    assert (got.vendor, got.kind, got.hardware, got.rule) == ("Huawei", "ups", "UPS5000", "ups-mib")


def test_a_known_enterprise_gives_a_vendor_and_no_kind() -> None:
    got = parse_classification(_system("1.3.6.1.4.1.21239.42.1.31", "Room 1 sensor"), {})
    assert (got.vendor, got.os, got.kind, got.rule) == ("Geist", None, None, "enterprise")
    unknown = parse_classification(_system("1.3.6.1.4.1.99999.1", "Acme Toaster"), {})
    assert (unknown.vendor, unknown.kind, unknown.rule) == (None, None, None)


# -- what a device no rule classifies becomes ---------------------------------------
UNKNOWN_KIND = sorted(name for name, (_vendor, _os, kind) in EXPECTED.items() if kind is None)
TARGET = "192.0.2.10"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@cache
def snapshot(name: str) -> DeviceSnapshot:
    """The device as parsed from everything the collector would get from its agent."""
    _source, path = prepared()[name]
    return parse_device(collected_view(path, COLLECTED))


def told_identity(snap: DeviceSnapshot) -> dict[str, list[str]]:
    """What the agent told that can identify a device, junk left out: a serial (its rule's
    or the ENTITY-MIB chassis's), a system name, the MAC of its LLDP chassis ID, its
    bridge or an Ethernet NIC."""
    junk = load_schema().is_junk
    lldp = snap.lldp_local
    told = {
        "serial": [snap.classification.serial],
        "chassis serials": [e.serial for e in sorted(snap.entities, key=lambda e: e.index)
                            if e.phys_class == "chassis"],
        "sysName": [snap.system.name],
        "lldpLocChassisId": [lldp.chassis_id] if lldp.chassis_id_subtype == CHASSIS_MAC else [],
        "dot1dBaseBridgeAddress": [snap.bridge.base_mac],
        "NIC MACs": [i.mac for i in sorted(snap.interfaces, key=lambda i: i.if_index)
                     if i.if_type_name == "ethernetCsmacd"],
    }  # fmt: skip
    usable = {what: [v for v in values if v is not None and not junk(v)]
              for what, values in told.items()}  # fmt: skip
    return {what: values for what, values in usable.items() if values}


# which recordings of unknown kind tell an identity is read from them when the tests run
# (not while pytest collects: preparing every recording takes minutes on a cold cache)
def identified() -> list[str]:
    return [n for n in UNKNOWN_KIND if told_identity(snapshot(n))]


def test_recordings_of_unknown_kind_cover_both_outcomes() -> None:
    assert identified() and set(UNKNOWN_KIND) - set(identified())
    assert any(s.interfaces for s in map(snapshot, identified()))
    for name in UNKNOWN_KIND:  # what the collector gets classifies as the table says
        assert snapshot(name).classification.kind is None, name


@pytest.mark.parametrize("name", UNKNOWN_KIND)
def test_a_device_of_unknown_kind_is_recorded_unclassified_or_fails_clearly(name: str) -> None:
    snap = snapshot(name)
    if told_identity(snap):
        recorded_unclassified(snap)
    else:
        fails_clearly(snap)


def recorded_unclassified(snap: DeviceSnapshot) -> None:
    found = snap.classification
    cs = normalize_snmp(snap, target=TARGET, observed_at=AT, coverage=None)
    validate(load_schema(), cs)
    (dev,) = [ci for ci in cs.cis if ci.key == "dev"]
    attrs = dev.attributes
    assert dev.class_ == UNCLASSIFIED
    assert attrs["management_ip"] == TARGET
    assert attrs.get("sys_object_id") == snap.system.object_id
    assert attrs.get("vendor") == found.vendor and attrs.get("os_name") == found.os
    assert attrs.get("sys_descr") == (" ".join((snap.system.descr or "").split())[:255] or None)
    told = told_identity(snap)
    serials = [*told.get("serial", []), *told.get("chassis serials", [])]
    assert attrs.get("serial_number") == next(iter(serials), None)
    if "sysName" in told:
        assert attrs["hostname"] == split_fqdn(snap.system.name)[0]
    else:
        assert "hostname" not in attrs and "name" not in attrs
    # the bridge's own MAC, else the first Ethernet NIC's
    macs = [*told.get("dot1dBaseBridgeAddress", []), *told.get("NIC MACs", [])]
    assert attrs.get("primary_mac") == next(iter(macs), None)
    # one Interface per named port (ifIndex); a name told by two ports is kept apart
    ports = {i.if_index: canonical_ifname(i.name or i.descr) for i in snap.interfaces
             if canonical_ifname(i.name or i.descr)}  # fmt: skip
    interfaces = [ci for ci in cs.cis if ci.class_ == "Interface"]
    own = [ci for ci in interfaces if ci.parent is not None and ci.parent.ref == "dev"]
    assert sorted(int(str(ci.attributes["if_index"])) for ci in own) == sorted(ports)
    assert {str(ci.attributes["name"]).removesuffix(f" [{ci.attributes['if_index']}]")
            for ci in own} == set(ports.values())  # fmt: skip
    endpoints_placed_by_arp(snap, cs.cis, [ci for ci in interfaces if ci not in own])


def endpoints_placed_by_arp(snap: DeviceSnapshot, cis: Sequence[CIObservation],
                            ports: Sequence[CIObservation]) -> None:  # fmt: skip
    """Every Interface not the device's is the one port of an Endpoint the device's
    forwarding and ARP tables placed: the Endpoint's MAC (the port's name) with the
    address the ARP table gives it."""
    endpoints = {ci.key: ci for ci in cis if ci.class_ == "Endpoint"}
    arp = {(row.mac, row.address) for row in snap.arp}
    for port in ports:
        assert port.parent is not None and port.parent.ref in endpoints, port
        endpoint = endpoints[port.parent.ref].attributes
        mac = endpoint["primary_mac"]
        assert port.attributes == {"name": mac, "mac": mac}
        assert (mac, endpoint["management_ip"]) in arp
    assert len(ports) == len({p.parent.ref for p in ports if p.parent is not None})


def fails_clearly(snap: DeviceSnapshot) -> None:
    want = f"{re.escape(TARGET)}: nothing identifies this {UNCLASSIFIED} .* classification rule"
    with pytest.raises(NormalizeError, match=want) as caught:
        normalize_snmp(snap, target=TARGET, observed_at=AT, coverage=None)
    assert caught.value.target == TARGET
    assert f"sysObjectID {snap.system.object_id!r}" in str(caught.value)


def test_a_placeholder_serial_is_kept_as_told_and_never_identifies() -> None:
    """A Huawei iBMC never told its server's serial answers deviceSerialNo with the
    placeholder "SerialNumber": kept as told, junk to the schema, so it identifies no
    server (every such server would otherwise be one CI)."""
    snap = snapshot("ibmc")
    assert snap.classification.serial == "SerialNumber"
    schema = load_schema()
    cs = normalize_snmp(snap, target=TARGET, observed_at=AT, coverage=None)
    (dev,) = [ci for ci in cs.cis if ci.key == "dev"]
    cls = schema.classes[dev.class_]
    sets = [cls.identification[i] for i in usable_sets(schema, cls, dev.attributes)]
    sets += global_sets(schema, cls, dev.attributes)
    assert sets and all("serial_number" not in s for s in sets)
