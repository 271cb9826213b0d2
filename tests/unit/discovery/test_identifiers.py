"""discovery.identifiers: a table per helper, then every recording the project holds.

The recordings (the lab's SNMP walks and the snmpsim-data package, the lab's and the
ntc-templates CLI samples) are walked value by value: each MAC-ish value as the device
printed it goes through the helper and is either accepted in the one canonical form or
refused, as an oracle written from the notation's meaning (not from the helper) says;
each value a parser produced is already canonical; each interface name comes out stable.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from cmdb.schema import load_schema
from discovery.identifiers import (
    canonical_ifname,
    mac_from_octets,
    neighbour_host,
    normalize_mac,
    prefix_from_netmask,
    split_address,
    split_fqdn,
    subnet_cidr,
    usable_address,
)
from discovery.normalize_links import remote_end
from discovery.snmp import oids
from discovery.snmp.decode import as_mac, as_octets, column, scalar
from discovery.snmp.facts import lldp_facts
from discovery.snmp.parse_bridge import parse_bridge
from discovery.snmp.parse_interfaces import parse_interfaces
from discovery.snmp.parse_neighbors import CHASSIS_MAC, PORT_MAC, parse_lldp, parse_lldp_local
from discovery.snmp.records import LldpNeighbor, Value
from discovery.ssh.facts import neighbour_facts
from discovery.ssh.platforms import get_platform
from discovery.ssh.records import ArpEntry, DeviceVersion, Interface, MacEntry, Neighbor, Record
from lab.sources import cli_dir, default_cache_dir, default_data_dirs, prepare_all, snmp_sources
from tests.snmprec import read_prepared

CANONICAL_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
NTC_DIR = Path(__file__).parent / "ssh" / "fixtures" / "ntc"


# -- the tables -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0800.27DC.5443", "08:00:27:dc:54:43"),  # Cisco, Arista
        ("08-00-27-dc-54-43", "08:00:27:dc:54:43"),  # Windows
        ("8:0:27:dc:54:43", "08:00:27:dc:54:43"),  # unpadded, as some agents print it
        ("08:00:27:DC:54:43", "08:00:27:dc:54:43"),  # IOS show version, upper case
        ("08 00 27 dc 54 43", "08:00:27:dc:54:43"),
        ("08.00.27.dc.54.43", "08:00:27:dc:54:43"),
        ("080027-dc5443", "08:00:27:dc:54:43"),  # HP ProCurve
        ("080027dc5443", "08:00:27:dc:54:43"),  # an octet string printed as hex
        ("0x080027DC5443", "08:00:27:dc:54:43"),
        (" 0800.27dc.5443 ", "08:00:27:dc:54:43"),
        ("0000.0000.0000", "00:00:00:00:00:00"),  # a MAC; the schema calls it junk
        ("Incomplete", None),
        ("jenn.3057.8423", None),  # an anonymised recording's
        ("0800.27dc.54", None),
        ("2cc2.6081.eaf9.1234", None),
        ("08:00:27:dc:54", None),
        ("08:00:27:dc:54:43:01", None),
        ("08:00-27:dc:54:43", None),  # two kinds of separator
        ("800.27dc.5443", None),
        ("080027dc5443a", None),
        ("001122", None),
        ("10.0.0.1", None),
        ("eth0", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_mac(given: str | None, expected: str | None) -> None:
    assert normalize_mac(given) == expected


def test_mac_from_octets_and_junk_is_the_schemas_call() -> None:
    assert mac_from_octets(bytes.fromhex("080027DC5443")) == "08:00:27:dc:54:43"
    assert mac_from_octets(bytes(5)) is None
    assert load_schema().is_junk(normalize_mac("0000.0000.0000"))
    assert not load_schema().is_junk(normalize_mac("8:0:27:dc:54:43"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("SW1.Example.com.", ("sw1", "example.com")),
        ("core-01", ("core-01", None)),
        # dots that are no domain stay in the host (a CDP device id of a C9500)
        ("F241.01.18-C9500-4.cisco.com", ("f241.01.18-c9500-4", "cisco.com")),
        ("F241.01.18-C9500-4", ("f241.01.18-c9500-4", None)),
        ("sw1.3rd-floor.example.com", ("sw1.3rd-floor", "example.com")),
        ("10.1.2.3", ("10.1.2.3", None)),
        ("2001:db8::1", ("2001:db8::1", None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_fqdn(given: str | None, expected: tuple[str | None, str | None]) -> None:
    assert split_fqdn(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("dc-lf03(SAL19069XXX)", "dc-lf03"),  # NX-OS CDP device id
        ("DC3TESTW02.test.co.nz(SSI11111D2M)", "dc3testw02"),
        ("Switch5.lab.local", "switch5"),
        ("F241.01.18-C9500-4.cisco.com", "f241.01.18-c9500-4"),
        ("F241.01.19-C9500-4.cisco.com(FXS2222Q1AB)", "f241.01.19-c9500-4"),
        ("(SERIAL)", "(serial)"),  # no name before the suffix: kept as it is
        (None, None),
    ],
)
def test_neighbour_host(given: str | None, expected: str | None) -> None:
    assert neighbour_host(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Gi1/0/1", "GigabitEthernet1/0/1"),
        ("gi1/0/1", "GigabitEthernet1/0/1"),
        ("GigabitEthernet1/0/1", "GigabitEthernet1/0/1"),
        ("Te1/1/1", "TenGigabitEthernet1/1/1"),
        ("Eth1/49", "Ethernet1/49"),
        ("Et49/1", "Ethernet49/1"),
        ("Eth1", "Ethernet1"),
        ("Po10", "Port-channel10"),
        ("port-channel10", "Port-channel10"),
        ("Vl99", "Vlan99"),
        ("Fa0/1", "FastEthernet0/1"),
        ("ge-0/0/0", "ge-0/0/0"),  # Junos: kept
        ("xe-0/0/1.0", "xe-0/0/1.0"),
        ("eth0", "eth0"),  # Linux kernel names: kept
        ("ens3", "ens3"),
        ("StackPort1", "StackPort1"),  # no known prefix: kept
        (None, None),
    ],
)
def test_canonical_ifname(given: str | None, expected: str | None) -> None:
    assert canonical_ifname(given) == expected


def test_address_helpers() -> None:
    assert split_address("10.0.0.1/30") == ("10.0.0.1", 30)
    assert split_address("10.0.0.1") == ("10.0.0.1", None)
    assert split_address("fe80::1/64") == ("fe80::1", 64)
    assert split_address("unassigned") == (None, None)
    assert prefix_from_netmask(" 255.255.255.252") == 30
    assert prefix_from_netmask("255.0.255.0") is None
    assert prefix_from_netmask(None) is None
    assert usable_address("fe80::1%eth0") is None
    assert usable_address("2001:db8::1%eth0") == ipaddress.ip_address("2001:db8::1")
    assert usable_address("127.0.0.1") is None and usable_address("224.0.0.5") is None
    assert usable_address("up") is None
    v4, v6 = ipaddress.ip_address("10.0.0.5"), ipaddress.ip_address("2001:db8::5")
    assert subnet_cidr(v4, 30) == "10.0.0.4/30"
    assert subnet_cidr(v6, 64) == "2001:db8::/64"
    assert subnet_cidr(v4, 32) is None and subnet_cidr(v4, 0) is None
    assert subnet_cidr(v4, None) is None


def test_a_neighbour_is_named_alike_over_snmp_and_ssh() -> None:
    """The same LLDP row seen over SNMP and over SSH names the same far port."""
    junk = load_schema().is_junk
    for name in ("sw1(FOX1234)", "sw1.example.com", "SW1.example.com(FOX1234)"):
        snmp = LldpNeighbor(
            local_port_num=1, local_if_index=1, local_port_descr=None, remote_index=1,
            chassis_id_subtype=CHASSIS_MAC, chassis_id="8:0:27:dc:54:43",
            port_id_subtype=5, port_id="Gi1/0/2", port_descr=None, sys_name=name,
            sys_descr=None, mgmt_addresses=(),
        )  # fmt: skip
        ssh = Neighbor(
            protocol="lldp", local_interface="Gi1/0/1", remote_name=name,
            remote_port="GigabitEthernet1/0/2", remote_port_description=None, platform=None,
            remote_description=None, mgmt_address=None, chassis_id="0800.27DC.5443",
            capabilities=None,
        )  # fmt: skip
        want = {
            "class": "Interface",
            "identifiers": {"name": "GigabitEthernet1/0/2"},
            "parent": {
                "class": "NetworkDevice",
                "identifiers": {"chassis_id": "08:00:27:dc:54:43", "hostname": "sw1"},
            },
        }
        assert remote_end(lldp_facts(snmp), junk) == want, name
        assert remote_end(neighbour_facts(ssh), junk) == want, name


# -- every recording ------------------------------------------------------------------
def mac_oracle(raw: str) -> str | None:
    """What a MAC printed as `raw` is, from the notations' meaning: hex groups split by
    one kind of separator, 12 digits once the six-group form is padded; else no MAC."""
    text = raw.strip().lower().removeprefix("0x")
    separators = set(re.findall(r"[^0-9a-f]", text))
    if len(separators) > 1:
        return None
    groups = text.split(separators.pop()) if separators else [text]
    if len(groups) == 6 and all(1 <= len(g) <= 2 for g in groups):
        groups = [g.rjust(2, "0") for g in groups]
    if len(groups) not in (1, 2, 3, 6) or len({len(g) for g in groups}) != 1:
        return None
    digits = "".join(groups)
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def check_interface_name(name: str) -> None:
    canonical = canonical_ifname(name)
    assert canonical, name
    assert canonical_ifname(canonical) == canonical, name  # stable
    number = re.search(r"\d[\w/.:-]*$", name.strip())
    if number:  # only the type word may change, never the port number
        assert canonical.endswith(number.group(0)), name


# CLI recordings: <cli>/<platform>/<command>/*.raw, with ntc-templates' parsed .yml.
def cli_recordings() -> list[Path]:
    roots = [r for r in (cli_dir(default_data_dirs()), NTC_DIR) if r is not None]
    return sorted(p for root in roots for p in root.glob("*/*/*.raw"))


def yml_values(value: Any, keys: tuple[str, ...]) -> Iterator[str]:
    """Every string under a key that holds a MAC in ntc-templates' samples."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys and isinstance(inner, str):
                yield inner
            elif key in keys and isinstance(inner, list):
                yield from (v for v in inner if isinstance(v, str))
            else:
                yield from yml_values(inner, keys)
    elif isinstance(value, list):
        for item in value:
            yield from yml_values(item, keys)


MAC_KEYS = ("mac_address", "sys_mac", "chassis_id", "bia")


def parsed_records(raw: Path) -> tuple[Record, ...]:
    platform = get_platform(raw.parent.parent.name)
    parser = platform.parsers.get(raw.parent.name.replace("_", " "))
    return parser(raw.read_text()) if parser is not None else ()


def record_macs(record: Record) -> list[str | None]:
    if isinstance(record, Interface | ArpEntry | MacEntry):
        return [record.mac]
    if isinstance(record, DeviceVersion):
        return [record.base_mac]
    return []


def record_ports(record: Record) -> list[str | None]:
    if isinstance(record, Interface):
        return [record.name]
    if isinstance(record, MacEntry | ArpEntry):
        return [record.interface]
    if isinstance(record, Neighbor):
        return [record.local_interface]
    return []


def test_the_walks_find_recordings() -> None:
    assert cli_recordings() and snmp_recordings()


@pytest.mark.parametrize("raw", cli_recordings(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_cli_recording(raw: Path) -> None:
    sample = yaml.safe_load(raw.with_suffix(".yml").read_text()) or {}
    for value in yml_values(sample.get("parsed_sample"), MAC_KEYS):
        assert normalize_mac(value) == mac_oracle(value), value
    for record in parsed_records(raw):
        for mac in record_macs(record):
            assert mac is None or CANONICAL_MAC.match(mac), (record, mac)
        for port in record_ports(record):
            if port is not None:
                check_interface_name(port)


# SNMP recordings, read through the lab's prepared cache and its sparse offset index.
SNMP_PREFIXES = (
    oids.SYS_OBJECT_ID, oids.IF_ENTRY, oids.IFX_ENTRY, oids.LLDP_LOC_CHASSIS_ID_SUBTYPE,
    oids.LLDP_LOC_CHASSIS_ID, oids.LLDP_LOC_PORT_ENTRY, oids.LLDP_REM_ENTRY,
    oids.DOT1D_BASE_BRIDGE_ADDRESS, oids.DOT1D_BASE_PORT_ENTRY, oids.DOT1D_TP_FDB_ENTRY,
    oids.DOT1Q_TP_FDB_ENTRY,
)  # fmt: skip
IF_PHYS_ADDRESS = oids.IF_ENTRY + ".6"
LLDP_REM = {"chassis": (4, 5, CHASSIS_MAC), "port": (6, 7, PORT_MAC)}


@cache
def snmp_recordings() -> dict[str, Path]:
    sources = snmp_sources(default_data_dirs())
    return {s.name: p for s, p, _facts in prepare_all(sources, default_cache_dir())}


def raw_macs(varbinds: dict[str, Value]) -> Iterator[tuple[str, Value]]:
    """(where, value) for every value the agent sent as a MAC."""
    for index, value in column(varbinds, IF_PHYS_ADDRESS).items():
        yield f"ifPhysAddress.{index}", value
    base = scalar(varbinds, oids.DOT1D_BASE_BRIDGE_ADDRESS)
    if base is not None:
        yield "dot1dBaseBridgeAddress", base
    if scalar(varbinds, oids.LLDP_LOC_CHASSIS_ID_SUBTYPE) == CHASSIS_MAC:
        yield "lldpLocChassisId", scalar(varbinds, oids.LLDP_LOC_CHASSIS_ID) or b""
    for what, (sub_col, id_col, mac_subtype) in LLDP_REM.items():
        subtypes = column(varbinds, f"{oids.LLDP_REM_ENTRY}.{sub_col}")
        for index, value in column(varbinds, f"{oids.LLDP_REM_ENTRY}.{id_col}").items():
            if subtypes.get(index) == mac_subtype:
                yield f"lldpRem {what} {index}", value


def snmp_mac_oracle(value: Value) -> str | None:
    """6 octets are a MAC; printable text is one when its notation says so; nothing that
    is all zeros is one (SNMP's records hold None for 'no address')."""
    raw = as_octets(value) or b""
    if len(raw) == 6:
        mac = mac_from_octets(raw)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        mac = mac_oracle(text) if text.isprintable() else None
    return None if mac is None or set(mac) <= {"0", ":"} else mac


# names are listed cheaply at collection; the recordings are prepared (unpacked, cached)
# when the first of these tests runs, not while pytest collects
@pytest.mark.parametrize("name", sorted(s.name for s in snmp_sources(default_data_dirs())))
def test_every_snmp_recording(name: str) -> None:
    varbinds = read_prepared(snmp_recordings()[name], SNMP_PREFIXES)
    for where, value in raw_macs(varbinds):
        assert as_mac(value) == snmp_mac_oracle(value), (where, value)
    interfaces = parse_interfaces(varbinds)
    bridge = parse_bridge(varbinds)
    object_id = varbinds.get(oids.SYS_OBJECT_ID)
    lldp = parse_lldp(varbinds, interfaces, object_id if isinstance(object_id, str) else None)
    local = parse_lldp_local(varbinds)
    produced = [i.mac for i in interfaces] + [bridge.base_mac] + [e.mac for e in bridge.fdb]
    produced += [n.chassis_id for n in lldp if n.chassis_id_subtype == CHASSIS_MAC]
    produced += [n.port_id for n in lldp if n.port_id_subtype == PORT_MAC]
    produced += [local.chassis_id] if local.chassis_id_subtype == CHASSIS_MAC else []
    for mac in produced:  # canonical already, or no MAC at all (an ID of another kind)
        assert mac is None or normalize_mac(mac) in (mac, None), mac
    for iface in interfaces:
        for text in (iface.name, iface.descr):
            if text:
                check_interface_name(text)
