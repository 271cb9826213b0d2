"""Classification of every recording the lab serves, against a table of expectations.

The recordings are the lab's sources (lab-data's LibreNMS walks plus the snmpsim-data
package), read through the lab's prepared cache (what its agent serves) and cut down to
what our collector asks for: the system group, entPhysicalTable and the GET scalars.
So a rule that needs a table we do not collect fails here.

The expectations (vendor, os, kind) were checked by hand against each walk's sysObjectID,
sysDescr, ENTITY-MIB and UPS-MIB rows and the vendors' MIBs; where LibreNMS discovered
the device (lab-data's expected/*.json) its os, type and hardware are checked too.
None means "cannot be told": those devices must stay unknown, never guessed. A new
recording fails `test_every_recording_has_an_expectation` until it gets a row.

A device of no known kind is still recorded, as an UnclassifiedDevice: every such
recording is normalized from what the collector would get (every walked table and
scalar), and either becomes one or, when the agent told nothing that identifies it,
fails with a clear error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

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
from discovery.snmp.records import Classification, DeviceSnapshot, SystemInfo, Value
from lab.sources import Source, default_cache_dir, default_data_dirs, prepare_all, snmp_sources
from tests.snmprec import read_prepared

Expected = tuple[str | None, str | None, str | None]  # vendor, os, kind

# LibreNMS os -> ours, and LibreNMS type -> the kinds it covers.
LIBRENMS_OS = {
    "arista_eos": "eos", "ios": "ios", "nxos": "nxos", "junos": "junos",
    "routeros": "routeros", "linux": "linux", "windows": "windows", "jetdirect": "printer",
}  # fmt: skip
LIBRENMS_TYPE = {
    "network": {"switch", "router", "firewall"},
    "server": {"server"},
    "printer": {"printer"},
}

EXPECTED: dict[str, Expected] = {
    'arista_eos': ('Arista', 'eos', 'switch'),
    'bmc-hp-onboard-administrator': ('HP', 'onboard-administrator', None),
    'camera-hikvision': (None, None, None),
    'camera-hikvision-network-video-recorder': ('Hikvision', None, None),
    'camera-samsung-ipolis': ('Hanwha Techwin', 'ipolis', 'camera'),
    'camera-semac-ipcam-500': ('Linux', 'linux', 'server'),
    'camera-wds-ips-1022': ('WRD Tech', None, None),
    'cloud-arista-dcs-7150s-52-cl': ('Arista', 'eos', 'switch'),
    'ios_2960x': ('Cisco', 'ios', 'switch'),
    'iot-geist-temperature-sensor': ('Geist', None, None),
    'jetdirect_m252dw': ('HP', 'printer', 'printer'),
    'junos_mx5t-isis': ('Juniper', 'junos', 'router'),
    'linux_icecast': ('Linux', 'linux', 'server'),
    'network-appliance-cisco-controller': ('Cisco', 'aireos', 'wireless'),
    'network-appliance-cisco-ucs-6100': ('Cisco', 'nxos', 'switch'),
    'network-appliance-cisco-ucs-6100-k9': ('Cisco', 'nxos', 'switch'),
    'network-appliance-cisco-unknown-01': ('Cisco', 'ios', 'switch'),
    'network-appliance-empirical-hw-mgmt': ('Huawei', 'ibmc', 'server'),
    'network-appliance-huawei-ism': ('Huawei', 'oceanstor', 'storage'),
    'network-appliance-infosec-nsae-6500': ('Infosec', None, None),
    'network-appliance-meru-networks-controller': ('Meru', 'meru', 'wireless'),
    'network-appliance-network-research-squid': (None, None, None),
    'network-appliance-nsfocus-ads': ('NSFOCUS', None, None),
    'network-appliance-tripplite-poweralert': ('Tripp Lite', None, 'ups'),
    'network-appliance-ucdavis-sic': ('Linux', 'linux', 'server'),
    'network-appliance-vss-monitoring-optimizer-2400-span': ('VSS Monitoring', None, None),
    'network-firewall-clavister-amaranten': ('Clavister', 'cos', 'firewall'),
    'network-firewall-fortinet-xcu': ('Fortinet', 'fortios', 'firewall'),
    'network-firewall-legend-holdings-firewall': ('Lenovo', None, 'firewall'),
    'network-firewall-legend-holdings-firewall-2': ('Lenovo', None, 'firewall'),
    'network-firewall-netentsec-ngfw': ('Netentsec', None, 'firewall'),
    'network-firewall-nsfocus-osms': ('NSFOCUS', None, None),
    'network-firewall-paloalto-pa-5000': ('Palo Alto Networks', 'panos', 'firewall'),
    'network-firewall-sangfor-ad1800-fp2': ('Sangfor', 'linux', 'server'),
    'network-firewall-sangfor-vad1': ('Sangfor', 'linux', 'server'),
    'network-firewall-topsec-ngfw4000-uf': ('Topsec', 'topsec', 'firewall'),
    'network-firewall-venus-unknown-001': ('Venustech', 'vsos', 'firewall'),
    'network-firewall-venus-vsos-v0600r0705b20180507': ('Venustech', 'vsos', 'firewall'),
    'network-firewall-venus-vsos-v070060600': ('Venustech', 'vsos', 'firewall'),
    'network-router-brocade-unknown-001': ('Brocade', 'fabos', 'switch'),
    'network-router-cisco-unmarked-0': ('Cisco', 'ios', 'switch'),
    'network-router-huawei-acu2': ('Huawei', 'vrp', 'wireless'),
    'network-router-huawei-s5720': ('Huawei', 'vrp', 'switch'),
    'network-router-huawei-unknown-001': ('Huawei', 'vrp', 'router'),
    'network-router-huawei-unknown-002': ('Huawei', 'vrp', 'router'),
    'network-router-juniper-mx960-12-3r6-6': ('Juniper', 'junos', 'router'),
    'network-router-juniper-mx960-13-3r9-13': ('Juniper', 'junos', 'router'),
    'network-router-juniper-mx960-16-1r6-7-a': ('Juniper', 'junos', 'router'),
    'network-router-juniper-mx960-16-1r6-7-b': ('Juniper', 'junos', 'router'),
    'network-router-ruijie-n18010': ('Ruijie', 'rgos', 'switch'),
    'network-router-vyatta-unknown': ('Vyatta', 'vyatta', 'router'),
    'network-switch-bdcom-s5612': ('BDCOM', 'bdcom', 'switch'),
    'network-switch-brocade-ds-5100b': ('Brocade', 'fabos', 'switch'),
    'network-switch-brocade-fiber-channel': ('Brocade', 'fabos', 'switch'),
    'network-switch-brocade-icx6430-24': ('Brocade', 'fastiron', 'switch'),
    'network-switch-cisco-c3560': ('Cisco', 'ios', 'switch'),
    'network-switch-cisco-c3750': ('Cisco', 'ios', 'switch'),
    'network-switch-cisco-n5000': ('Cisco', 'nxos', 'switch'),
    'network-switch-cisco-n5000-uk9': ('Cisco', 'nxos', 'switch'),
    'network-switch-cts-media-converter': (None, None, None),
    'network-switch-dcrs-5980-28t-dc': ('DCN', 'dcn', 'switch'),
    'network-switch-dcs-3726c': ('DCN', 'dcn', 'switch'),
    'network-switch-dlink-des3038': ('D-Link', 'dlink', 'switch'),
    'network-switch-dlink-des3200': ('D-Link', 'dlink', 'switch'),
    'network-switch-dptech-dpx800-a5': ('DPtech', None, None),
    'network-switch-h3c-comware-7-1-075': ('H3C', 'comware', 'router'),
    'network-switch-h3c-comware-lsq1wcmd0': ('H3C', 'comware', 'wireless'),
    'network-switch-h3c-comware-lsq1wcmd0-2509p61': ('H3C', 'comware', 'wireless'),
    'network-switch-h3c-e528-1': ('H3C', 'comware', 'switch'),
    'network-switch-h3c-e528-2': ('H3C', 'comware', 'switch'),
    'network-switch-h3c-wx6103': ('H3C', 'comware', 'wireless'),
    'network-switch-hpe-procurve-516733-b21': ('HP', 'procurve', 'switch'),
    'network-switch-huawei-s12704': ('Huawei', 'vrp', 'switch'),
    'network-switch-maipu-sm4200-16gef8ge-ac': ('Maipu', 'mypower', 'switch'),
    'network-switch-metel-poe-box': (None, None, None),
    'network-switch-ruijie-s5750-24gt12sfp': ('Ruijie', 'rgos', 'switch'),
    'network-switch-zte-zrx10': ('ZTE', 'zxr10', 'switch'),
    'network-switch-zte-zxr10-5250': ('ZTE', 'zxr10', 'switch'),
    'network-wifi-aruba-7010': ('Aruba', 'arubaos', 'wireless'),
    'network-wifi-aruba-7020': ('Aruba', 'arubaos', 'wireless'),
    'network-wifi-aruba-7210': ('Aruba', 'arubaos', 'wireless'),
    'network-wifi-juniper-wlc2800': ('Juniper', 'mss', 'wireless'),
    'network-wifi-ruckus-smartcell-gateway': ('Ruckus', 'smartzone', 'wireless'),
    'network-wifi-ruijie-m18000': ('Ruijie', 'rgos', 'wireless'),
    'network-wifi-sangfor-wac': ('Sangfor', 'linux', 'server'),
    'network-wifi-sangfor-wac-2': ('Sangfor', 'linux', 'server'),
    'network-wifi-ubiquiti-m5': ('Ubiquiti', 'airos', 'wireless'),
    'nxos_n3k-3064pq': ('Cisco', 'nxos', 'switch'),
    'os-linux-ibm-power-chrp': ('IBM', 'aix', 'server'),
    'os-linux-ibm-x3550-m3': ('Linux', 'linux', 'server'),
    'os-linux-netmanage': (None, None, None),
    'os-linux-sangfor': ('Sangfor', 'linux', 'server'),
    'os-linux-slackware': ('Linux', 'linux', 'server'),
    'os-linux-unknown-001': ('Linux', 'linux', 'server'),
    'os-linux-unknown-002': ('Linux', 'linux', 'server'),
    'os-linux-unknown-003': ('Linux', 'linux', 'server'),
    'os-linux-unknown-004': ('Linux', 'linux', 'server'),
    'os-linux-unknown-005': ('Sangfor', 'linux', 'server'),
    'os-linux-unknown-006': ('Linux', 'linux', 'server'),
    'os-linux-unknown-007': ('Linux', 'linux', 'server'),
    'os-linux-unknown-008': ('Sangfor', 'linux', 'server'),
    'os-linux-zte-embsys-cgel': ('ZTE', 'linux', 'server'),
    'os-windows-server-2003-5-2': ('Microsoft', 'windows', 'server'),
    'os-windows-XP': ('Microsoft', 'windows', 'server'),
    'routeros': ('MikroTik', 'routeros', 'router'),
    'storage-isilon-onefs': ('Dell EMC', 'onefs', 'storage'),
    'storage-netapp-fas3270': ('NetApp', 'ontap', 'storage'),
    'storage-netapp-ontap-8-2-3': ('NetApp', 'ontap', 'storage'),
    'unclassified-01': (None, None, None),
    'unclassified-02': (None, None, None),
    'unclassified-03': (None, None, None),
    'UPS-apc-7902b': ('APC', 'apc', 'pdu'),
    'UPS-apc-8641': ('APC', 'apc', 'pdu'),
    'UPS-apc-8932': ('APC', 'apc', 'pdu'),
    'UPS-eastpower-istars-swv053': ('EAST', None, 'ups'),
    'UPS-eaton-93e-80': ('Eaton', 'mgeups', 'ups'),
    'UPS-eaton-9px-partial': ('Eaton', 'mgeups', 'ups'),
    'UPS-emerson-network-power': ('Vertiv', None, 'ups'),
    'UPS-huawei-gse200m': ('Huawei', None, 'ups'),
    'UPS-ingrasys-power-switch': ('Santak', None, 'ups'),
    'UPS-juniper-ac': ('Juniper', None, None),
    'UPS-phoenixtec-power': (None, None, 'ups'),
    'UPS-vertiv-power': ('Vertiv', None, None),
    'windows_svr_2019_1809': ('Microsoft', 'windows', 'server'),
}


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
    assert got.kind in LIBRENMS_TYPE[str(device["type"])]
    if device["hardware"] is not None:
        assert got.hardware == device["hardware"]


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
    names = {canonical_ifname(i.name or i.descr) for i in snap.interfaces} - {None, ""}
    interfaces = [ci for ci in cs.cis if ci.class_ == "Interface"]
    assert len(interfaces) == len(names)
    assert {ci.attributes["name"] for ci in interfaces} == names
    assert all(ci.parent is not None and ci.parent.ref == "dev" for ci in interfaces)


def fails_clearly(snap: DeviceSnapshot) -> None:
    want = f"{re.escape(TARGET)}: nothing identifies this {UNCLASSIFIED} .* classification rule"
    with pytest.raises(NormalizeError, match=want) as caught:
        normalize_snmp(snap, target=TARGET, observed_at=AT, coverage=None)
    assert caught.value.target == TARGET
    assert f"sysObjectID {snap.system.object_id!r}" in str(caught.value)
