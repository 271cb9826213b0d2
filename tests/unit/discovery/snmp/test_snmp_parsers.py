"""Decoding, the .snmprec loader, classification, bridge, host resources and
credentials: the parts the LibreNMS comparison does not reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.identifiers import prefix_from_netmask
from discovery.snmp import oids
from discovery.snmp.classify import RULES, parse_classification
from discovery.snmp.collect_pysnmp import convert_value
from discovery.snmp.credentials import Secret, SnmpV2c, SnmpV3
from discovery.snmp.decode import as_mac, as_text, date_and_time
from discovery.snmp.errors import AuthFailed
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_neighbors import decode_lldp_id, parse_lldp_local
from discovery.snmp.parse_system import parse_system
from discovery.snmp.records import LldpLocalSystem, SystemInfo
from lab.sources import lab_data_dir
from tests.snmprec import SnmprecError, load_snmprec, sanitise_snmprec

LAB = lab_data_dir() / "snmp"


@pytest.mark.parametrize(
    ("raw", "mac"),
    [
        (bytes.fromhex("AC7E8A19BF40"), "ac:7e:8a:19:bf:40"),
        (b"B8:69:F4:7F:41:70", "b8:69:f4:7f:41:70"),
        (b"b869.f47f.4170", "b8:69:f4:7f:41:70"),
        (b"b869f47f4170", "b8:69:f4:7f:41:70"),
        (bytes(6), None),
        (b"", None),
        (b"00:00:00:00:00:00", None),
        (b"eth0", None),
    ],
)
def test_as_mac(raw: bytes, mac: str | None) -> None:
    assert as_mac(raw) == mac


def test_as_text_strips_padding_and_falls_back_to_latin1() -> None:
    assert as_text(b"  FCW1929B68S \x00\x00") == "FCW1929B68S"
    assert as_text(b"caf\xe9") == "café"
    assert as_text(None) is None
    assert as_text(b"") == ""


def test_lldp_ids_decode_by_subtype() -> None:
    assert decode_lldp_id(4, bytes.fromhex("18E728922878"), is_chassis=True) == "18:e7:28:92:28:78"
    assert decode_lldp_id(5, bytes([1, 10, 0, 0, 1]), is_chassis=True) == "10.0.0.1"
    assert decode_lldp_id(5, b"Ethernet1/49", is_chassis=False) == "Ethernet1/49"
    assert decode_lldp_id(7, b"\x01\xff", is_chassis=False) == "01ff"
    assert decode_lldp_id(4, bytes(6), is_chassis=True) is None


def test_small_decoders() -> None:
    assert prefix_from_netmask("255.255.240.0") == 20
    assert prefix_from_netmask("255.0.255.0") is None
    assert date_and_time(bytes([7, 228, 4, 9, 13, 49, 54, 0])) == "2020-04-09T13:49:54"
    assert date_and_time(bytes([7, 228, 4, 9, 13, 49, 54, 0, 43, 2, 0])) == (
        "2020-04-09T13:49:54+02:00"
    )
    assert date_and_time(b"\x00") is None


def test_snmprec_tags_and_skipped_rows(tmp_path: Path) -> None:
    src = tmp_path / "d.snmprec"
    src.write_text(
        "1.3.6.1.2.1.1.1.0|4|plain text  \n"
        "1.3.6.1.2.1.1.2.0|6|.1.3.6.1.4.1.9\n"
        "1.3.6.1.2.1.1.3.0|67|123\n"
        "1.3.6.1.2.1.2.2.1.6.1|4x|AC7E8A19BF40\n"
        "1.3.6.1.2.1.4.20.1.3.10.0.0.1|64|255.255.255.0\n"
        "1.3.6.1.2.1.4.20.1.3.10.0.0.2|64x|ffffff00\n"
        "1.3.6.1.2.1.4.20.1.2.10.xx.xx.1|2|13\n"
        "1.3.6.1.2.1.1.4.0|4e|a\\nb\n",
        encoding="latin-1",
    )
    rec = load_snmprec(src)
    assert rec.varbinds == {
        "1.3.6.1.2.1.1.1.0": b"plain text",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9",
        "1.3.6.1.2.1.1.3.0": 123,
        "1.3.6.1.2.1.2.2.1.6.1": bytes.fromhex("AC7E8A19BF40"),
        "1.3.6.1.2.1.4.20.1.3.10.0.0.1": "255.255.255.0",
        "1.3.6.1.2.1.4.20.1.3.10.0.0.2": "255.255.255.0",
        "1.3.6.1.2.1.1.4.0": b"a\nb",
    }
    assert [(s.line, s.oid) for s in rec.skipped] == [(7, "1.3.6.1.2.1.4.20.1.2.10.xx.xx.1")]
    dst = tmp_path / "clean.snmprec"
    assert len(sanitise_snmprec(src, dst)) == 1
    assert load_snmprec(dst).varbinds == rec.varbinds


def test_snmprec_broken_row_names_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.snmprec"
    src.write_text("1.3.6.1.2.1.1.3.0|67|1\n1.3.6.1.2.1.1.1.0|4x|zz\n", encoding="latin-1")
    with pytest.raises(SnmprecError, match=r"bad\.snmprec:2: bad hex"):
        load_snmprec(src)


def test_windows_recording_skips_the_anonymised_rows() -> None:
    rec = load_snmprec(LAB / "windows_svr_2019_1809.snmprec")
    assert len(rec.skipped) == 18
    assert all("xx" in s.oid.split(".") for s in rec.skipped)


def test_classification_rules_are_data_and_unknown_devices_stay_unknown() -> None:
    assert len({r.name for r in RULES}) == len(RULES)
    unknown = SystemInfo("Acme Toaster 1.0", "1.3.6.1.4.1.99999.1", None, None, None, None)
    result = parse_classification(unknown, {})
    assert (result.vendor, result.os, result.rule) == (None, None, None)


@pytest.mark.parametrize(
    ("descr", "object_id", "os", "kind"),
    [
        (
            "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.0(2a)EX5,",
            "1.3.6.1.4.1.9.1.1208",
            "ios",
            "switch",
        ),
        (
            "Cisco IOS Software, ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9",
            "1.3.6.1.4.1.9.1.2068",
            "ios",
            "router",
        ),
        (
            "Juniper Networks, Inc. srx300 internet router, kernel JUNOS 19.4R3",
            "1.3.6.1.4.1.2636.1.1.1.2.133",
            "junos",
            "firewall",
        ),
        (
            "Juniper Networks, Inc. ex2300-48p Ethernet Switch, kernel JUNOS 18.2R3-S1.7",
            "1.3.6.1.4.1.2636.1.1.1.2.132",
            "junos",
            "switch",
        ),
    ],
)
def test_classification_kind(descr: str, object_id: str, os: str, kind: str) -> None:
    result = parse_classification(SystemInfo(descr, object_id, None, None, None, None), {})
    assert (result.os, result.kind) == (os, kind)


def test_bridge_fdb_and_port_map_from_arista() -> None:
    snap = parse_device(load_snmprec(LAB / "arista_eos.snmprec").varbinds)
    assert snap.bridge.port_if_index[1] == 1
    assert len(snap.bridge.fdb) == 138
    assert all(e.vlan is not None for e in snap.bridge.fdb)  # Q-BRIDGE
    names = {i.if_index for i in snap.interfaces}
    assert {e.if_index for e in snap.bridge.fdb if e.if_index} <= names


def test_bridge_fdb_without_q_bridge_has_no_vlan() -> None:
    snap = parse_device(load_snmprec(LAB / "ios_2960x.snmprec").varbinds)
    assert len(snap.bridge.fdb) == 29
    assert {e.vlan for e in snap.bridge.fdb} == {None}


def test_host_resources_on_linux() -> None:
    host = parse_device(load_snmprec(LAB / "linux_icecast.snmprec").varbinds).host
    assert host.memory_kib == 841176
    assert host.processor_count == 1
    assert len(host.software) == 738
    assert host.software[0].name == "perl-open-1.11-416.el8"
    ram = [s for s in host.storage if s.storage_type == "hrStorageRam"]
    assert ram and ram[0].size_bytes is not None and ram[0].size_bytes > 0


def test_system_info() -> None:
    system = parse_system(load_snmprec(LAB / "routeros.snmprec").varbinds)
    assert system == SystemInfo(
        "router", "1.3.6.1.4.1.14988.1", "<private>", "<private>", "<private>", 2020400
    )


def test_credentials_never_show_their_secrets() -> None:
    v2 = SnmpV2c(Secret("c0mmun1ty"))
    v3 = SnmpV3(Secret("alice"), Secret("auth-secret"), Secret("priv-secret"))
    for text in (repr(v2), str(v2), repr(v3), str(v3), f"{v3}", repr([v2, v3])):
        for secret in ("c0mmun1ty", "alice", "auth-secret", "priv-secret"):
            assert secret not in text
    error = AuthFailed("192.0.2.1:161", "WrongDigest: Wrong SNMP PDU digest")
    assert str(error) == "192.0.2.1:161: WrongDigest: Wrong SNMP PDU digest"


def test_convert_value_matches_loader_types() -> None:
    from pysnmp.proto import rfc1902

    assert convert_value(rfc1902.IpAddress("10.0.0.1")) == "10.0.0.1"
    assert convert_value(rfc1902.OctetString(b"\x00\x01")) == b"\x00\x01"
    assert convert_value(rfc1902.ObjectIdentifier("1.3.6.1")) == "1.3.6.1"
    assert convert_value(rfc1902.Counter64(2**40)) == 2**40


def test_lldp_local_chassis_id_by_subtype() -> None:
    assert parse_lldp_local({}) == LldpLocalSystem(None, None)
    mac = {oids.LLDP_LOC_CHASSIS_ID_SUBTYPE: 4,
           oids.LLDP_LOC_CHASSIS_ID: bytes.fromhex("0c1a2b3c4d5e")}  # fmt: skip
    assert parse_lldp_local(mac) == LldpLocalSystem(4, "0c:1a:2b:3c:4d:5e")
    name = {oids.LLDP_LOC_CHASSIS_ID_SUBTYPE: 7, oids.LLDP_LOC_CHASSIS_ID: b"sw-core-1"}
    assert parse_lldp_local(name) == LldpLocalSystem(7, "sw-core-1")

