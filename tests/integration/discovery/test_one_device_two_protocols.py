"""One box seen over SSH and over SNMP is one CI, its ports one Interface each.

No recording holds the same box over both protocols, so the pair is built at the
normalizer level: the SSH side is the lab's recorded IOS output (`show version` of a
Catalyst 3850 stack, `show interfaces` of a Catalyst's ports); the SNMP side is what an
agent on that box would answer, written from the parsed SSH records in SNMP's own
encodings (short ifNames such as ``Te1/1/1``, MACs as six octets). Both change sets go
into the test Neo4j, SSH first and SNMP second, and the other order too.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from discovery.identifiers import canonical_ifname
from discovery.snmp import oids
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_neighbors import CHASSIS_MAC
from discovery.snmp.records import DeviceSnapshot, LldpLocalSystem, Value
from discovery.ssh.normalize import normalize_ssh
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import DeviceVersion, Interface
from lab.sources import cli_dir, default_data_dirs
from tests.graph_checks import check_nodes, check_rels, count_nodes

pytestmark = pytest.mark.neo4j

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TARGET = "192.0.2.44"
RECORDED_MAC = "f8:7b:20:11:aa:80"  # the stack's base MAC in show_version1.raw
CAT3850 = "1.3.6.1.4.1.9.1.1745"  # CISCO-PRODUCTS-MIB cat38xxstack
SHORT_NAMES = {"TenGigabitEthernet": "Te", "GigabitEthernet": "Gi", "FastEthernet": "Fa"}


def recorded(command: str, name: str) -> str:
    cli = cli_dir(default_data_dirs())
    assert cli is not None
    return (cli / "cisco_ios" / command / name).read_text()


def ssh_view(base_mac_as: str = RECORDED_MAC) -> ParsedTarget:
    """The recorded IOS output, the base MAC printed as `base_mac_as`."""
    version = recorded("show_version", "cisco_ios_show_version1.raw")
    assert RECORDED_MAC in version
    return get_platform("cisco_ios").parse({
        "show version": version.replace(RECORDED_MAC, base_mac_as),
        "show interfaces": recorded("show_interfaces", "cisco_ios_show_interfaces4.raw"),
    })  # fmt: skip


def short_name(name: str) -> str:
    for long, short in SHORT_NAMES.items():
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def snmp_view(ssh: ParsedTarget, *, serial: bool) -> DeviceSnapshot:
    """What the box's agent answers: its system group, a chassis entity (with the serial
    when `serial`), the bridge's base MAC and every port, as SNMP encodes them."""
    (version,) = ssh.of(DeviceVersion)
    assert version.base_mac is not None
    first_line = recorded("show_version", "cisco_ios_show_version1.raw").splitlines()[0]
    chassis = oids.ENT_PHYSICAL_ENTRY
    varbinds: dict[str, Value] = {
        oids.SYS_DESCR: first_line.encode(),
        oids.SYS_OBJECT_ID: CAT3850,
        f"{chassis}.5.1000": 3,  # entPhysicalClass chassis(3)
        f"{chassis}.13.1000": b"WS-C3850-48U",
    }
    if serial:
        varbinds[f"{chassis}.11.1000"] = version.serials[0].encode()
    for if_index, iface in enumerate(ssh.of(Interface), start=1):
        varbinds[f"{oids.IF_ENTRY}.1.{if_index}"] = if_index
        varbinds[f"{oids.IF_ENTRY}.2.{if_index}"] = iface.name.encode()
        varbinds[f"{oids.IF_ENTRY}.3.{if_index}"] = 6  # ethernetCsmacd
        if iface.mac:
            varbinds[f"{oids.IF_ENTRY}.6.{if_index}"] = bytes.fromhex(iface.mac.replace(":", ""))
        varbinds[f"{oids.IFX_ENTRY}.1.{if_index}"] = short_name(iface.name).encode()
    return parse_device(varbinds)


def ingest_both(graph: neo4j.Driver, schema: Schema, config: Config,
                changesets: list[ChangeSet]) -> None:  # fmt: skip
    ingestor = Ingestor(graph, schema, config)
    for cs in changesets:
        assert ingestor.ingest(cs).changeset_id is not None, cs.label()


def one_device_ports(graph: neo4j.Driver) -> set[object]:
    """The port names of the one device in the graph (its open HAS_INTERFACE links)."""
    [(uid,)] = check_nodes(graph, "CI:Device", ["uid"])
    ports = check_rels(graph, "CI:Device", "HAS_INTERFACE", "Interface", ["a.uid", "b.name"],
                       open_only=True)  # fmt: skip
    assert {owner for owner, _name in ports} == {uid}
    return {name for _uid, name in ports}


@pytest.mark.parametrize("snmp_first", [False, True])
def test_a_box_over_ssh_and_snmp_is_one_ci_with_its_ports_merged(
    graph: neo4j.Driver, schema: Schema, config: Config, snmp_first: bool
) -> None:
    ssh = ssh_view()
    snmp = snmp_view(ssh, serial=True)
    ports = {canonical_ifname(i.name) for i in ssh.of(Interface)}
    assert {short_name(str(p)) for p in ports} != ports  # SNMP names them otherwise
    changesets = [
        normalize_ssh(ssh, target=TARGET, observed_at=AT),
        normalize_snmp(snmp, target=TARGET, observed_at=AT, coverage=None),
    ]
    ingest_both(graph, schema, config, changesets[::-1] if snmp_first else changesets)

    assert one_device_ports(graph) == ports
    assert check_nodes(graph, "CI:Interface", ["name"]) == {(p,) for p in ports}
    assert count_nodes(graph, "CI:Interface") == len(ports)  # one Interface per port
    assert check_nodes(graph, "NetworkDevice", ["hostname", "serial_number", "primary_mac"]) == {
        ("city-building-4-sw", "FOC11111111", RECORDED_MAC)
    }


@pytest.mark.parametrize("snmp_first", [False, True])
def test_an_unpadded_mac_and_an_upper_case_one_are_one_ci(
    graph: neo4j.Driver, schema: Schema, config: Config, snmp_first: bool
) -> None:
    """SSH prints the base MAC `08:00:27:DC:54:43`; the SNMP side knows the box only by
    its LLDP chassis id, passed on as the agent printed it, `8:0:27:dc:54:43`."""
    ssh = ssh_view("08:00:27:DC:54:43")
    snmp = dataclasses.replace(
        snmp_view(ssh, serial=False),
        lldp_local=LldpLocalSystem(chassis_id_subtype=CHASSIS_MAC, chassis_id="8:0:27:dc:54:43"),
    )
    snmp_cs = normalize_snmp(snmp, target=TARGET, observed_at=AT, coverage=None)
    (device,) = [ci for ci in snmp_cs.cis if ci.key == "dev"]
    assert set(device.attributes) & {"serial_number", "hostname", "primary_mac"} == set()
    changesets = [normalize_ssh(ssh, target=TARGET, observed_at=AT), snmp_cs]
    ingest_both(graph, schema, config, changesets[::-1] if snmp_first else changesets)

    assert one_device_ports(graph) == {canonical_ifname(i.name) for i in ssh.of(Interface)}
    assert check_nodes(graph, "NetworkDevice", ["chassis_id"]) == {("08:00:27:dc:54:43",)}
    macs = {mac for (mac,) in check_nodes(graph, "Interface", ["mac"])} - {None}
    assert macs and all(re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", str(m)) for m in macs)
