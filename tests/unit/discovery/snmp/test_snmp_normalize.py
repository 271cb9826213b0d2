"""normalize_snmp over every LibreNMS walk in lab/recordings/snmp, checked against the
schema, against what LibreNMS discovered from the same walk (expected/<name>.json,
through the one field mapping: tests.contract.report and cases.py's maps) and against
the parsed walk itself.

The walks are listed from the folder. A walk where nothing identifies the device (an
anonymised sysName, no serial, no MAC, no LLDP chassis ID: computed from its facts)
cannot be recorded: normalize raises UnidentifiedDevice's SNMP form, one line naming the
target. Every other walk normalizes, and the tests over change sets run on those.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from cmdb.observations import ChangeSet, CIObservation, LinkObservation
from cmdb.schema import Schema, load_schema
from cmdb.validate import validate
from discovery.facts import DeviceFacts
from discovery.identifiers import canonical_ifname, normalize_mac, split_fqdn
from discovery.normalize import DEVICE_CLASSES, DEVICE_KEY, UNCLASSIFIED
from discovery.snmp import oids
from discovery.snmp.collect import TableCoverage, TableStatus
from discovery.snmp.errors import NormalizeError, SnmpError
from discovery.snmp.facts import TABLE_GETTERS, snmp_facts, split_software
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_neighbors import CHASSIS_MAC, PORT_MAC
from discovery.snmp.records import DeviceSnapshot, IPv4Address
from lab.sources import lab_data_dir
from tests.contract.cases import getters_json, librenms_kinds
from tests.contract.report import LIBRENMS_CASES, device_checks, interface_checks
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))
TARGET = "192.0.2.10"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@cache
def schema() -> Schema:
    return load_schema()


@cache
def snapshot(name: str) -> DeviceSnapshot:
    return parse_device(load_snmprec(LAB / f"{name}.snmprec").varbinds)


@cache
def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LAB / "expected" / f"{name}.json").read_text())
    return data


@cache
def changeset(name: str) -> ChangeSet:
    return normalize_snmp(
        snapshot(name), target=TARGET, observed_at=AT, coverage=None, run_id="run-1"
    )


@cache
def facts(name: str) -> DeviceFacts:
    return snmp_facts(snapshot(name), None)


def identifiable(name: str) -> bool:
    """Whether the walk tells anything that identifies the device: a system name, a
    serial (system or chassis), the bridge's or an interface's MAC, a MAC chassis ID."""
    found = facts(name)
    told = (found.system.name, found.system.serial, found.system.base_mac,
            found.system.chassis_id, *(u.serial for u in found.chassis),
            *(i.mac for i in found.interfaces))  # fmt: skip
    return any(not junk(value) for value in told)


def names_with(section: str) -> list[str]:
    return [n for n in NAMES if section in expected(n) and identifiable(n)]


def cis_of(cs: ChangeSet, cls: str) -> list[CIObservation]:
    return [c for c in cs.cis if c.class_ == cls]


def device(cs: ChangeSet) -> CIObservation:
    (dev,) = [c for c in cs.cis if c.key == DEVICE_KEY]
    return dev


def own_interfaces(cs: ChangeSet) -> list[CIObservation]:
    """The device's interfaces (not those of the endpoints it saw)."""
    return [ci for ci in cis_of(cs, "Interface") if ci.parent and ci.parent.ref == DEVICE_KEY]


def links_of(cs: ChangeSet, kind: str, evidence: str | None = None) -> list[LinkObservation]:
    return [
        lk for lk in cs.links if lk.type == kind and (evidence is None or lk.evidence == evidence)
    ]


def if_index_of(cs: ChangeSet) -> dict[str | None, int]:
    """change-set key -> ifIndex, read from the device's Interface facts."""
    out: dict[str | None, int] = {}
    for ci in own_interfaces(cs):
        value = ci.attributes["if_index"]
        assert isinstance(value, int)
        out[ci.key] = value
    return out


def far_end(cs: ChangeSet, link: LinkObservation) -> tuple[object, object]:
    """(host name, MAC) of a link's far end: a reference to another device's port, or
    an Endpoint of this change set (a neighbour or FDB host that is not discovered)."""
    target = link.target
    if target.identifiers is not None:
        parent = target.parent.identifiers if target.parent else None
        return (parent or {}).get("hostname"), target.identifiers.get("mac")
    cis = {ci.key: ci for ci in cs.cis}
    port = cis[target.ref]
    assert port.parent is not None
    return cis[port.parent.ref].attributes.get("hostname"), port.attributes.get("mac")


def junk(value: object) -> bool:
    return schema().is_junk(value)


IDENTIFIED = [n for n in NAMES if identifiable(n)]
UNIDENTIFIED = [n for n in NAMES if not identifiable(n)]


def test_every_walk_is_recorded_or_unidentified() -> None:
    assert IDENTIFIED
    assert sorted(IDENTIFIED + UNIDENTIFIED) == NAMES == LIBRENMS_CASES


@pytest.mark.parametrize("name", UNIDENTIFIED)
def test_an_unidentified_walk_fails_naming_the_target(name: str) -> None:
    with pytest.raises(NormalizeError) as caught:
        changeset(name)
    message = str(caught.value)
    assert message.startswith(f"{TARGET}: nothing identifies this ")
    assert "\n" not in message
    assert isinstance(caught.value, SnmpError) and caught.value.target == TARGET


@pytest.mark.parametrize("name", IDENTIFIED)
def test_change_set_validates(name: str) -> None:
    cs = changeset(name)
    validated = validate(schema(), cs)
    assert len(validated.facts) == len(cs.cis)
    assert (cs.source, cs.actor, cs.scope, cs.discovery_run) == (
        "snmp", "discovery", f"snmp:{TARGET}", "run-1",
    )  # fmt: skip
    assert cs.certified_classes is None
    assert cs.certified_links is None
    for ci in cs.cis:  # None would clear what another source knows
        assert None not in ci.attributes.values(), ci.key


@pytest.mark.parametrize("name", IDENTIFIED)
def test_is_deterministic(name: str) -> None:
    again = normalize_snmp(
        snapshot(name), target=TARGET, observed_at=AT, coverage=None, run_id="run-1"
    )
    assert again == changeset(name)


# the device CI's attribute -> the facts' system field the report's mapping reads
_SYSTEM_FIELDS = {"vendor": "vendor", "model": "model", "serial_number": "serial",
                  "os_name": "os_name", "os_version": "os_version",
                  "sys_object_id": "object_id"}  # fmt: skip


@pytest.mark.parametrize("name", IDENTIFIED)
def test_device_agrees_with_librenms(name: str) -> None:
    """The device CI's fields, read through the report's mapping, equal LibreNMS's."""
    (want,) = expected(name)["os"]["discovery"]["devices"]
    dev = device(changeset(name))
    attrs = dev.attributes
    kinds = librenms_kinds(want["os"], want["type"])
    assert dev.class_ in {DEVICE_CLASSES[k][0] for k in kinds}
    assert attrs["management_ip"] == TARGET
    ours = getters_json(facts(name))
    system = {**ours["system"], **{f: attrs.get(a) for a, f in _SYSTEM_FIELDS.items()}}
    found = device_checks(expected(name), {**ours, "system": system})
    # a junk serial is never emitted (it would identify)
    if want["serial"] is not None and junk(want["serial"]):
        assert "serial_number" not in attrs
        found = [c for c in found if c.field != "serial"]
    compared = {c.field for c in found} & set(_SYSTEM_FIELDS.values())
    assert compared
    assert [c for c in found if not c.equal and c.field in compared] == []
    if junk(want["sysName"]):
        assert "hostname" not in attrs and "domain" not in attrs and "name" not in attrs
    else:
        assert attrs["hostname"] == split_fqdn(want["sysName"])[0]


@pytest.mark.parametrize("name", IDENTIFIED)
def test_stack_serials_are_the_chassis_serials(name: str) -> None:
    """A stack (two ios_2960x members, a CE12804's two CSS frames) lists its chassis'
    serials, as LibreNMS's entity rows have them; a single chassis lists none."""
    rows = expected(name).get("entity-physical", {}).get("discovery", {}).get("entPhysical", [])
    chassis = [r["entPhysicalSerialNum"] for r in sorted(rows, key=lambda r: r["entPhysicalIndex"])
               if r["entPhysicalClass"] == "chassis" and r["entPhysicalSerialNum"]]  # fmt: skip
    attrs = device(changeset(name)).attributes
    if len(chassis) > 1:
        assert attrs["stack_serials"] == chassis
    else:
        assert "stack_serials" not in attrs


@pytest.mark.parametrize("name", names_with("ports"))
def test_interfaces(name: str) -> None:
    """An Interface CI per interface with a name (ifName, else ifDescr), each the
    device's; its fields equal LibreNMS's through the report's mapping."""
    cs = changeset(name)
    named = [i for i in snapshot(name).interfaces if (i.name or i.descr or "").strip()]
    interfaces = own_interfaces(cs)
    assert sorted(int(str(ci.attributes["if_index"])) for ci in interfaces) == sorted(
        i.if_index for i in named
    )
    found = interface_checks(expected(name), {"interfaces": [ci.attributes for ci in interfaces]})
    assert found
    assert [c for c in found if not c.equal] == []


def librenms_addresses(name: str) -> list[tuple[str, int, int]]:
    """(address, prefix length, ifIndex) of LibreNMS's IPv4 and IPv6 rows."""
    out = []
    for version in ("ipv4", "ipv6"):
        section = expected(name).get(f"{version}-addresses", {}).get("discovery", {})
        address = "ipv4_address" if version == "ipv4" else "ipv6_compressed"
        for r in section.get(f"{version}_addresses", []):
            out.append((r[address], r[f"{version}_prefixlen"], r["ifIndex"]))
    return out


@pytest.mark.parametrize(
    "name", sorted(set(names_with("ipv4-addresses")) | set(names_with("ipv6-addresses")))
)
def test_addresses(name: str) -> None:
    cs = changeset(name)
    indexes = if_index_of(cs)
    # one CI per assignment: (ifIndex of the interface it is scoped to, address) -> CI
    addresses = {
        (indexes.get(ci.parent.ref if ci.parent else None), ci.attributes["address"]): ci
        for ci in cis_of(cs, "IPAddress")
    }
    assert len(addresses) == len(cis_of(cs, "IPAddress"))
    subnets = {ci.key: ci.attributes["cidr"] for ci in cis_of(cs, "Subnet")}
    has = {(indexes.get(lk.source.ref), lk.target.ref) for lk in links_of(cs, "HAS_ADDRESS")}
    in_subnet = {(lk.source.ref, subnets[lk.target.ref]) for lk in links_of(cs, "IN_SUBNET")}
    rows = librenms_addresses(name)
    assert rows
    for text, prefix, if_index in rows:
        address = ipaddress.ip_address(text)
        if address.is_loopback or address.is_link_local:
            assert not any(a == text for _i, a in addresses)
            continue
        ci = addresses[(if_index, text)]
        assert ci.attributes["prefix_length"] == prefix
        assert ci.attributes["version"] == address.version
        assert (if_index, ci.key) in has
        if prefix < address.max_prefixlen:
            network = ipaddress.ip_interface(f"{text}/{prefix}").network
            assert (ci.key, str(network)) in in_subnet
    for _index, found in addresses:
        assert isinstance(found, str)
        address = ipaddress.ip_address(found)
        assert not (address.is_loopback or address.is_link_local)


def test_one_address_on_two_interfaces_is_two_assignments() -> None:
    """The same address on two ports (unnumbered links, anycast), with different masks:
    an IPAddress CI for each, identified within its interface, each in its own subnet."""
    base = snapshot(IDENTIFIED[0])
    first, second = base.interfaces[0].if_index, base.interfaces[1].if_index
    snap = dataclasses.replace(base, ipv6=(), ipv4=(
        IPv4Address(first, "198.51.100.7", "255.255.255.0", 24),
        IPv4Address(second, "198.51.100.7", "255.255.255.252", 30),
    ))  # fmt: skip
    cs = normalize_snmp(snap, target=TARGET, observed_at=AT, coverage=None, run_id="run-1")
    validate(schema(), cs)
    indexes = if_index_of(cs)
    got = {(indexes[ci.parent.ref], ci.attributes["prefix_length"])
           for ci in cis_of(cs, "IPAddress") if ci.parent is not None}  # fmt: skip
    assert got == {(first, 24), (second, 30)}
    assert len(cis_of(cs, "IPAddress")) == 2
    subnets = {ci.key: ci.attributes["cidr"] for ci in cis_of(cs, "Subnet")}
    assert sorted(str(subnets[lk.target.ref]) for lk in links_of(cs, "IN_SUBNET")) == [
        "198.51.100.0/24", "198.51.100.4/30"]  # fmt: skip


def _placeable(snap: DeviceSnapshot, cs: ChangeSet) -> dict[str, set[tuple[object, ...]]]:
    """Neighbour rows, from the recording, that name a port of ours and a far end we can
    identify: a port MAC, a chassis MAC or a system name that is not junk."""
    ours = set(if_index_of(cs).values())
    out: dict[str, set[tuple[object, ...]]] = {"lldp": set(), "cdp": set()}
    for n in snap.lldp:
        identified = (
            (n.port_id_subtype == PORT_MAC and n.port_id)
            or (n.chassis_id_subtype == CHASSIS_MAC and n.chassis_id)
            or not junk(n.sys_name)
        )
        if n.local_if_index in ours and identified and (n.port_id or n.port_descr):
            out["lldp"].add((n.local_if_index, n.chassis_id, n.port_id, n.port_descr, n.sys_name))
    for c in snap.cdp:
        if c.if_index in ours and not junk(c.device_id) and c.remote_port:
            out["cdp"].add((c.if_index, c.device_id, c.remote_port))
    return out


@pytest.mark.parametrize("name", IDENTIFIED)
def test_neighbour_links_match_placeable_rows(name: str) -> None:
    cs = changeset(name)
    for evidence, rows in _placeable(snapshot(name), cs).items():
        assert len(links_of(cs, "CONNECTED_TO", evidence)) == len(rows), evidence


@pytest.mark.parametrize("name", names_with("discovery-protocols"))
def test_every_librenms_neighbour_is_linked(name: str) -> None:
    cs = changeset(name)
    by_name = {ci.key: ci.attributes["name"] for ci in cis_of(cs, "Interface")}
    got: set[tuple[str, object, object]] = set()
    for lk in links_of(cs, "CONNECTED_TO"):
        got.add((lk.evidence, by_name[lk.source.ref], far_end(cs, lk)[0]))
    links = expected(name)["discovery-protocols"]["discovery"]["links"]
    assert links
    for link in links:
        host = None if junk(link["remote_hostname"]) else split_fqdn(link["remote_hostname"])[0]
        if host is None and link["protocol"] == "cdp":
            continue  # a CDP neighbour known by a junk name only cannot be identified
        assert (link["protocol"], canonical_ifname(link["ifName"]), host) in got, link


def _strip_chassis_suffix(port: str) -> str:
    """LibreNMS appends ' (<chassis MAC>)' to remote ports of devices it does not know."""
    return re.sub(r" \([0-9a-f]{12}\)$", "", port)


@pytest.mark.parametrize(
    ("name", "if_name"),
    [
        ("junos_mx5t-isis", "xe-0/0/0"),
        ("junos_mx5t-isis", "xe-0/0/1"),
        ("ios_2960x", "Gi1/0/52"),
        ("ios_2960x", "Gi3/0/52"),
        ("nxos_n3k-3064pq", "Ethernet1/49"),
    ],
)
def test_known_neighbours(name: str, if_name: str) -> None:
    """The far port and device, exactly as LibreNMS names them (canonical form)."""
    cs = changeset(name)
    keys = {ci.attributes["name"]: ci.key for ci in cis_of(cs, "Interface")}
    for want in expected(name)["discovery-protocols"]["discovery"]["links"]:
        if want["ifName"] != if_name:
            continue
        if want["protocol"] == "cdp" and junk(want["remote_hostname"]):
            continue  # CDP says nothing else about the device: it cannot be identified
        (link,) = [
            lk
            for lk in links_of(cs, "CONNECTED_TO", want["protocol"])
            if lk.source.ref == keys[canonical_ifname(if_name)]
        ]
        assert link.target.class_ == "Interface"
        assert link.target.identifiers == {
            "name": canonical_ifname(_strip_chassis_suffix(want["remote_port"]))
        }
        assert link.target.parent is not None and link.target.parent.identifiers is not None
        parent = link.target.parent.identifiers
        assert link.target.parent.class_ == "NetworkDevice"
        if junk(want["remote_hostname"]):
            assert "hostname" not in parent
        else:
            assert parent["hostname"] == split_fqdn(want["remote_hostname"])[0]
        suffix = re.search(r"\(([0-9a-f]{12})\)$", want["remote_port"])
        if suffix:
            assert parent["chassis_id"] == normalize_mac(suffix.group(1))


def test_port_mac_neighbour_needs_no_device() -> None:
    cs = changeset("arista_eos")
    by_port = {n.port_id for n in snapshot("arista_eos").lldp if n.port_id_subtype == PORT_MAC}
    mac_links = [lk for lk in links_of(cs, "CONNECTED_TO", "lldp") if lk.target.parent is None]
    assert by_port
    assert {lk.target.identifiers["mac"] for lk in mac_links if lk.target.identifiers} == by_port


@pytest.mark.parametrize("name", [n for n in IDENTIFIED if snapshot(n).bridge.fdb])
def test_fdb_places_only_lone_macs(name: str) -> None:
    snap, cs = snapshot(name), changeset(name)
    indexes = if_index_of(cs)
    neighbour_ports = {n.local_if_index for n in snap.lldp} | {c.if_index for c in snap.cdp}
    own = {i.mac for i in snap.interfaces if i.mac} | {snap.bridge.base_mac}
    learned = Counter(e.if_index for e in snap.bridge.fdb)
    want = set()
    for entry in snap.bridge.fdb:
        port = entry.if_index
        if port in indexes.values() and learned[port] == 1 and port not in neighbour_ports:
            if entry.mac not in own:
                want.add((port, entry.mac))
    got = {(indexes[lk.source.ref], far_end(cs, lk)[1])
           for lk in links_of(cs, "CONNECTED_TO", "fdb")}  # fmt: skip
    assert got == want


def test_fdb_on_a_switch_with_host_ports() -> None:
    assert links_of(changeset("arista_eos"), "CONNECTED_TO", "fdb")


def test_installed_software() -> None:
    name = "linux_icecast"
    cs = changeset(name)
    raw = {s.name for s in snapshot(name).host.software}
    software = cis_of(cs, "Software")
    assert len(software) >= 0.99 * len(raw)
    dev_key = device(cs).key
    installed = {lk.source.ref for lk in links_of(cs, "INSTALLED_ON") if lk.target.ref == dev_key}
    assert installed == {ci.key for ci in software}
    for ci in software:  # product and version, put back together, are the recorded name
        assert f"{ci.attributes['product']}-{ci.attributes['version']}" in raw


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("python3-libxml2-2.9.7-5.el8", ("python3-libxml2", "2.9.7-5.el8", None)),
        ("kernel-core-4.18.0-147.3.1.el8_1", ("kernel-core", "4.18.0-147.3.1.el8_1", None)),
        ("bash_5.1-2+deb11u1_amd64", ("bash", "5.1-2+deb11u1", "amd64")),
        ("JUNOS Base OS Software Suite [19.4R3.11]", ("JUNOS Base OS Software Suite", "19.4R3.11", None)),
        ("Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133",
         ("Microsoft Visual C++ 2019 X64 Minimum Runtime", "14.29.30133", None)),
        ("Mozilla Firefox 115.3.1esr", ("Mozilla Firefox", "115.3.1esr", None)),
        ("VMware Tools", ("VMware Tools", None, None)),
    ],
)  # fmt: skip
def test_split_software(raw: str, want: tuple[str, str | None, str | None]) -> None:
    assert split_software(raw) == want


# -- coverage -------------------------------------------------------------------------
def coverage(**status: TableStatus) -> tuple[TableCoverage, ...]:
    tables = {**oids.SUBTREES, "scalars": ""}
    return tuple(
        TableCoverage(name, oid, status.get(name, "ok"), 1, 1, 0.01) for name, oid in tables.items()
    )


def test_every_collected_table_has_a_coverage_rule() -> None:
    # without the system group there is no change set at all: the collector raises
    assert set(oids.SUBTREES) - {"system"} | {"scalars"} <= set(TABLE_GETTERS)
    assert "system" not in TABLE_GETTERS


def _normalize(name: str, cov: tuple[TableCoverage, ...]) -> ChangeSet:
    return normalize_snmp(snapshot(name), target=TARGET, observed_at=AT, coverage=cov)


def test_all_tables_answered_certifies_everything() -> None:
    cs = _normalize("arista_eos", coverage(cdpCacheTable="empty"))
    assert cs.certified_links is None and cs.certified_classes is None


def test_lldp_timeout_certifies_no_neighbour_links() -> None:
    cs = _normalize("junos_mx5t-isis", coverage(lldpRemTable="timeout"))
    assert cs.certified_links is not None and cs.certified_classes is not None
    assert "CONNECTED_TO" not in cs.certified_links
    assert {"HAS_INTERFACE", "HAS_ADDRESS", "IN_SUBNET", "INSTALLED_ON"} <= set(cs.certified_links)
    assert {"NetworkDevice", "Interface", "IPAddress", "Subnet", "Software"} <= set(
        cs.certified_classes
    )
    validate(schema(), cs)


@pytest.mark.parametrize(
    ("table", "classes", "links"),
    [
        ("ifTable", {"Interface"}, {"HAS_INTERFACE", "HAS_ADDRESS", "CONNECTED_TO"}),
        ("ipAddressTable", {"IPAddress", "Subnet"}, {"HAS_ADDRESS", "IN_SUBNET"}),
        ("cdpCacheTable", set(), {"CONNECTED_TO"}),
        ("dot1qTpFdbTable", set(), {"CONNECTED_TO"}),
        ("hrSWInstalledTable", {"Software"}, {"INSTALLED_ON"}),
    ],
)
def test_a_silent_table_certifies_nothing_it_feeds(
    table: str, classes: set[str], links: set[str]
) -> None:
    for status in ("timeout", "error", "skipped"):
        cs = _normalize("linux_icecast", coverage(**{table: status}))  # type: ignore[arg-type]
        assert cs.certified_classes is not None and cs.certified_links is not None
        assert "Server" in cs.certified_classes
        assert not classes & set(cs.certified_classes)
        assert not links & set(cs.certified_links)


def test_an_unknown_silent_table_certifies_nothing() -> None:
    cov = (*coverage(), TableCoverage("someNewTable", "1.3.6.1.9", "timeout", 0, 0, 2.0))
    cs = _normalize("linux_icecast", cov)
    assert cs.certified_classes == [] and cs.certified_links == []


# -- what cannot be identified --------------------------------------------------------
def test_unidentifiable_device_raises_naming_the_target() -> None:
    snap = snapshot("windows_svr_2019_1809")
    assert junk(snap.system.name) and snap.classification.serial is None
    bare = dataclasses.replace(snap, interfaces=())  # no NIC MAC left to identify it
    with pytest.raises(NormalizeError, match=re.escape(TARGET)) as caught:
        normalize_snmp(bare, target=TARGET, observed_at=AT, coverage=None)
    assert isinstance(caught.value, SnmpError)
    assert caught.value.target == TARGET


def test_a_printer_that_reports_only_its_name_is_identified_by_it() -> None:
    """No serial, no MAC, a sysName without a domain (as the snmpsim-data printers):
    recorded as a Peripheral identified by its host name, the last identifier set."""
    snap = snapshot("jetdirect_m252dw")
    bare = dataclasses.replace(
        snap, interfaces=(), system=dataclasses.replace(snap.system, name="DUMSYS-70"),
        classification=dataclasses.replace(snap.classification, serial=None),
    )  # fmt: skip
    cs = normalize_snmp(bare, target=TARGET, observed_at=AT, coverage=None)
    validate(schema(), cs)
    [dev] = [ci for ci in cs.cis if ci.key == "dev"]
    assert dev.class_ == "Peripheral"
    assert (dev.attributes.get("serial_number"), dev.attributes.get("primary_mac"),
            dev.attributes.get("domain"), dev.attributes["hostname"]) == (
            None, None, None, "dumsys-70")  # fmt: skip
    assert schema().classes["Peripheral"].identification[-1] == ("hostname",)


@pytest.mark.parametrize("name", IDENTIFIED)
def test_a_device_of_unknown_kind_is_kept_unclassified(name: str) -> None:
    """The recording with its kind taken away (as when no rule matches): the device is an
    UnclassifiedDevice with every fact its class shares with the classified one, the
    bridge's MAC or else its first Ethernet NIC's as primary MAC, and its sysDescr on one
    line; everything else in the change set is as before."""
    snap = snapshot(name)
    unknown = dataclasses.replace(
        snap, classification=dataclasses.replace(snap.classification, kind=None)
    )
    cs = normalize_snmp(unknown, target=TARGET, observed_at=AT, coverage=None, run_id="run-1")
    validate(schema(), cs)
    dev, classified = cs.cis[0], changeset(name).cis[0]
    assert (dev.key, dev.class_) == (classified.key, UNCLASSIFIED)
    shared = set(schema().classes[UNCLASSIFIED].attributes) - {"primary_mac"}
    assert {a: v for a, v in classified.attributes.items() if a in shared} == {
        a: v for a, v in dev.attributes.items() if a not in ("sys_descr", "primary_mac")
    }
    nics = [i.mac for i in sorted(snap.interfaces, key=lambda i: i.if_index)
            if i.if_type_name == "ethernetCsmacd" and i.mac and not junk(i.mac)]  # fmt: skip
    assert dev.attributes.get("primary_mac") == (snap.bridge.base_mac or next(iter(nics), None))
    descr = " ".join((snap.system.descr or "").split())[:255]
    assert dev.attributes.get("sys_descr") == (descr or None)  # an empty one: not told
    assert (cs.cis[1:], cs.links) == (changeset(name).cis[1:], changeset(name).links)


def test_a_real_system_name_gives_hostname_and_domain() -> None:
    snap = snapshot("nxos_n3k-3064pq")
    named = dataclasses.replace(
        snap, system=dataclasses.replace(snap.system, name="N3K-A.dc1.example.net")
    )
    attrs = device(normalize_snmp(named, target=TARGET, observed_at=AT, coverage=None)).attributes
    assert (attrs["hostname"], attrs["domain"]) == split_fqdn("N3K-A.dc1.example.net")


@pytest.mark.parametrize(
    ("subtype", "value", "chassis_id"),
    [
        (4, bytes.fromhex("0C1A2B3C4D5E"), "0c:1a:2b:3c:4d:5e"),  # macAddress
        (4, bytes(6), None),  # an all-zero MAC identifies nothing
        (7, b"0c1a2b3c4d5e", None),  # local: text, even when it looks like a MAC
        (None, bytes.fromhex("0C1A2B3C4D5E"), None),  # no subtype: not known to be a MAC
    ],
)
def test_chassis_id_from_lldp_local_chassis_id(
    subtype: int | None, value: bytes, chassis_id: str | None
) -> None:
    """None of the recordings carries lldpLocalSystemData: added to a real one."""
    varbinds = dict(load_snmprec(LAB / "ios_2960x.snmprec").varbinds)
    assert oids.LLDP_LOC_CHASSIS_ID not in varbinds
    varbinds[oids.LLDP_LOC_CHASSIS_ID] = value
    if subtype is not None:
        varbinds[oids.LLDP_LOC_CHASSIS_ID_SUBTYPE] = subtype
    cs = normalize_snmp(parse_device(varbinds), target=TARGET, observed_at=AT, coverage=None)
    assert device(cs).attributes.get("chassis_id") == chassis_id
    assert "chassis_id" not in device(changeset("ios_2960x")).attributes


def test_a_switch_that_tells_only_its_ports_is_known_by_the_first_one() -> None:
    """An anonymised ProCurve: no sysName, serial or bridge MAC; its first physical
    port's MAC stands for it. Once it tells a name, no port MAC is taken for the box."""
    snap = snapshot("procurve_2520")
    assert junk(snap.system.name) and snap.bridge.base_mac is None
    first = next(i.mac for i in facts("procurve_2520").interfaces if i.physical and i.mac)
    assert device(changeset("procurve_2520")).attributes["primary_mac"] == first
    named = dataclasses.replace(snap, system=dataclasses.replace(snap.system, name="sw-1"))
    cs = normalize_snmp(named, target=TARGET, observed_at=AT, coverage=None)
    assert "primary_mac" not in device(cs).attributes
