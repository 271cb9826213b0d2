"""normalize_snmp over every recording in lab-data/snmp, checked against the schema,
against what LibreNMS discovered from the same recording (expected/<name>.json, read as
test_snmp_librenms.py reads it) and against the parsed recording itself.

LibreNMS -> ours: os.type network/server/printer -> NetworkDevice/Server/Peripheral;
os.serial -> serial_number (a junk serial such as ``<private>`` is never emitted; where
LibreNMS has none, ours must come from the recording: the JetDirect ``SN:`` in sysDescr);
os.hardware -> model; os.version -> os_version; os.os -> vendor via LIBRENMS_VENDOR.
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
from discovery.identifiers import canonical_ifname, normalize_mac, split_fqdn
from discovery.normalize import UNCLASSIFIED
from discovery.snmp import oids
from discovery.snmp.collect import TableCoverage, TableStatus
from discovery.snmp.errors import NormalizeError, SnmpError
from discovery.snmp.facts import TABLE_GETTERS, split_software
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_neighbors import CHASSIS_MAC, PORT_MAC
from discovery.snmp.records import DeviceSnapshot, IPv4Address
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))
TARGET = "192.0.2.10"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

LIBRENMS_CLASS = {"network": "NetworkDevice", "server": "Server", "printer": "Peripheral"}
LIBRENMS_VENDOR = {
    "arista_eos": "Arista",
    "ios": "Cisco",
    "nxos": "Cisco",
    "junos": "Juniper",
    "routeros": "MikroTik",
    "linux": "Linux",
    "windows": "Microsoft",
    "jetdirect": "HP",
}



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


def names_with(section: str) -> list[str]:
    return [n for n in NAMES if section in expected(n)]


def cis_of(cs: ChangeSet, cls: str) -> list[CIObservation]:
    return [c for c in cs.cis if c.class_ == cls]


def device(cs: ChangeSet) -> CIObservation:
    (dev,) = [c for c in cs.cis if c.class_ in LIBRENMS_CLASS.values()]
    return dev


def links_of(cs: ChangeSet, kind: str, evidence: str | None = None) -> list[LinkObservation]:
    return [
        lk for lk in cs.links if lk.type == kind and (evidence is None or lk.evidence == evidence)
    ]


def if_index_of(cs: ChangeSet) -> dict[str | None, int]:
    """change-set key -> ifIndex, read from the Interface facts."""
    out: dict[str | None, int] = {}
    for ci in cis_of(cs, "Interface"):
        value = ci.attributes["if_index"]
        assert isinstance(value, int)
        out[ci.key] = value
    return out


def junk(value: object) -> bool:
    return schema().is_junk(value)


def test_every_recording_is_here() -> None:
    assert len(NAMES) == 8


@pytest.mark.parametrize("name", NAMES)
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


@pytest.mark.parametrize("name", NAMES)
def test_is_deterministic(name: str) -> None:
    again = normalize_snmp(
        snapshot(name), target=TARGET, observed_at=AT, coverage=None, run_id="run-1"
    )
    assert again == changeset(name)


@pytest.mark.parametrize("name", NAMES)
def test_device_agrees_with_librenms(name: str) -> None:
    (want,) = expected(name)["os"]["discovery"]["devices"]
    dev = device(changeset(name))
    attrs = dev.attributes
    assert dev.class_ == LIBRENMS_CLASS[want["type"]]
    assert attrs["vendor"] == LIBRENMS_VENDOR[want["os"]]
    assert attrs["management_ip"] == TARGET
    assert attrs["sys_object_id"] == want["sysObjectID"].lstrip(".")
    if want["serial"] is not None and not junk(want["serial"]):
        assert attrs["serial_number"] == want["serial"]
    elif want["serial"] is not None:
        assert "serial_number" not in attrs
    elif "serial_number" in attrs:
        assert f"SN:{attrs['serial_number']}" in want["sysDescr"]
    if want["hardware"] is not None:
        assert attrs["model"] == want["hardware"]
    if want["version"] is not None:
        assert attrs["os_version"] == want["version"]
    if junk(want["sysName"]):
        assert "hostname" not in attrs and "domain" not in attrs and "name" not in attrs
    else:
        assert attrs["hostname"] == split_fqdn(want["sysName"])[0]


def test_stack_serials_are_the_entity_chassis_serials() -> None:
    name = "ios_2960x"
    rows = expected(name)["entity-physical"]["discovery"]["entPhysical"]
    chassis = [r["entPhysicalSerialNum"] for r in rows if r["entPhysicalClass"] == "chassis"]
    assert len(chassis) > 1
    assert device(changeset(name)).attributes["stack_serials"] == chassis


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("ios_")])
def test_single_chassis_has_no_stack_serials(name: str) -> None:
    assert "stack_serials" not in device(changeset(name)).attributes


@pytest.mark.parametrize("name", names_with("ports"))
def test_interfaces(name: str) -> None:
    cs = changeset(name)
    named = [i for i in snapshot(name).interfaces if (i.name or i.descr or "").strip()]
    interfaces = cis_of(cs, "Interface")
    assert len(interfaces) == len(named)
    by_index = {ci.attributes["if_index"]: ci for ci in interfaces}
    dev_key = device(cs).key
    for ci in interfaces:
        assert ci.parent is not None and ci.parent.ref == dev_key
    polled = {p["ifIndex"]: p for p in expected(name)["ports"]["poller"]["ports"]}
    for port in expected(name)["ports"]["discovery"]["ports"]:
        attrs = by_index[port["ifIndex"]].attributes
        assert attrs["name"] == canonical_ifname(port["ifName"])
        assert attrs["if_type"] == port["ifType"]
        poll = polled[port["ifIndex"]]
        assert attrs.get("mtu") == poll["ifMtu"]
        assert attrs.get("oper_status") == poll["ifOperStatus"]
        if poll["ifSpeed"]:
            assert attrs["speed_mbps"] == poll["ifSpeed"] // 1_000_000
        if poll["ifPhysAddress"] and not junk(poll["ifPhysAddress"]):
            assert attrs["mac"] == normalize_mac(poll["ifPhysAddress"])


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
    base = snapshot(NAMES[0])
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
    assert sorted(subnets[lk.target.ref] for lk in links_of(cs, "IN_SUBNET")) == [
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


@pytest.mark.parametrize("name", NAMES)
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
        target = lk.target
        host = (
            target.parent.identifiers.get("hostname")
            if target.parent and target.parent.identifiers
            else None
        )
        got.add((lk.evidence, by_name[lk.source.ref], host))
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


@pytest.mark.parametrize(
    "name", [n for n in NAMES if snapshot(n).bridge.fdb]
)
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
    got = {
        (indexes[lk.source.ref], lk.target.identifiers["mac"])
        for lk in links_of(cs, "CONNECTED_TO", "fdb")
        if lk.target.identifiers
    }
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


@pytest.mark.parametrize("name", NAMES)
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
    descr = snap.system.descr
    assert descr and dev.attributes["sys_descr"] == " ".join(descr.split())[:255]
    assert "\n" not in str(dev.attributes["sys_descr"])
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
