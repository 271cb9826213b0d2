"""normalize_ssh over recorded output: ntc-templates recordings per network OS (one
recording per command, through the platform's parsers) and a Debian 12 host's outputs.

Expectations come from the recordings (values read off the raw text) or from the parsed
records, never from the code under test.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cmdb.observations import ChangeSet, CIObservation, CIRef
from cmdb.schema import Schema, load_schema
from cmdb.validate import validate
from discovery.identifiers import canonical_ifname, split_fqdn
from discovery.normalize import management_ip
from discovery.ssh.errors import NormalizeError, SSHDiscoveryError
from discovery.ssh.normalize import normalize_ssh
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import (
    DeviceVersion,
    HostFacts,
    Interface,
    LinuxInterface,
    ListeningService,
    MacEntry,
    Neighbor,
    Package,
    Vlan,
)
from tests.contract.cases import expected_path

FIXTURES = Path(__file__).parent / "fixtures"
NTC = FIXTURES / "ntc"
LINUX = FIXTURES / "linux"
AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TARGET = "192.0.2.10:22"
NETWORK = ["cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos"]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def recordings(platform: str) -> dict[str, str]:
    """The first recording of every command folder the platform can parse."""
    parsable = set(get_platform(platform).parsers)
    parsable |= {key for combo in get_platform(platform).combined for key in combo.keys}
    outputs = {}
    for folder in sorted((NTC / platform).iterdir()):
        command = folder.name.replace("_", " ")
        if command in parsable:
            outputs[command] = sorted(folder.glob("*.raw"))[0].read_text()
    return outputs


def linux_outputs(**override: str) -> dict[str, str]:
    outputs = {c.key: (LINUX / f"{c.key}.txt").read_text() for c in get_platform("linux").commands}
    outputs["listening"] = (LINUX / "listening_with_sshd.txt").read_text()
    outputs.update(override)
    return outputs


def parsed_network(platform: str) -> ParsedTarget:
    parsed = get_platform(platform).parse(recordings(platform))
    assert not parsed.failures
    return parsed


def parsed_linux(**override: str) -> ParsedTarget:
    return get_platform("linux").parse(linux_outputs(**override))


def by_class(cs: ChangeSet, cls: str) -> list[CIObservation]:
    return [ci for ci in cs.cis if ci.class_ == cls]


def device(cs: ChangeSet) -> CIObservation:
    roots = [ci for ci in cs.cis if ci.parent is None and ci.class_ in
             {"NetworkDevice", "Server", "VirtualMachine"}]  # fmt: skip
    assert len(roots) == 1
    return roots[0]


def port_name(cs: ChangeSet, ref: CIRef) -> str:
    """The interface name a link end points at: a CI of the change set, or by name."""
    if ref.ref is not None:
        ci = next(ci for ci in cs.cis if ci.key == ref.ref)
        assert ci.class_ == "Interface"
        return str(ci.attributes["name"])
    assert ref.identifiers is not None
    return str(ref.identifiers["name"])


def host_of(name: str) -> str:
    return name.split(".")[0].lower()


def is_mac(text: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}", text) is not None


# -- network OSes ---------------------------------------------------------------------
@pytest.mark.parametrize("platform", NETWORK)
def test_network_device_validates_and_carries_its_identity(platform: str, schema: Schema) -> None:
    parsed = parsed_network(platform)
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT, run_id="run-1")
    validate(schema, cs)
    assert (cs.source, cs.actor, cs.discovery_run, cs.scope) == (
        "ssh", "discovery", "run-1", f"ssh:{TARGET}"
    )  # fmt: skip
    assert (cs.certified_classes, cs.certified_links) == (None, None)
    dev = device(cs)
    # the platform's contract case (tests/contract/expected/ssh/<platform>.json) holds the
    # recordings' identity: host name, serial (the inventory's chassis row), model
    facts = json.loads(expected_path("ssh", platform).read_text())
    system, chassis = facts["system"], facts["chassis"]
    assert dev.class_ == "NetworkDevice"
    attrs = dev.attributes
    assert (attrs["hostname"], attrs["serial_number"], attrs["model"]) == (
        split_fqdn(system["name"])[0], system.get("serial") or chassis[0]["serial"],
        system["model"],
    )  # fmt: skip
    assert attrs["management_ip"] == "192.0.2.10"
    assert attrs["platform"] == platform
    assert attrs["device_kind"] in {"switch", "router", "firewall"}
    assert attrs["os_version"] == parsed.of(DeviceVersion)[0].os_version


@pytest.mark.parametrize("platform", NETWORK)
def test_every_parsed_interface_is_one_interface_ci_of_the_device(
    platform: str, schema: Schema
) -> None:
    parsed = parsed_network(platform)
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    own = CIRef(ref=device(cs).key)
    interfaces = [i for i in by_class(cs, "Interface") if i.parent == own]
    names = {canonical_ifname(i.name) for i in parsed.of(Interface)}
    assert len(interfaces) == len(names) > 0
    assert {i.attributes["name"] for i in interfaces} == names
    endpoints = {ci.key for ci in by_class(cs, "Endpoint")}  # a phone's port, an AP's
    assert all(i.parent == own or (i.parent and i.parent.ref in endpoints)
               for i in by_class(cs, "Interface"))  # fmt: skip
    described: dict[str | None, str | None] = {}
    for iface in parsed.of(Interface):  # a name shown twice: its first block counts
        described.setdefault(canonical_ifname(iface.name), iface.description)
    for ci in interfaces:
        assert ci.attributes.get("alias") == described[str(ci.attributes["name"])]


@pytest.mark.parametrize("platform", NETWORK)
def test_neighbours_become_links_to_the_far_port_by_host_and_port_name(platform: str) -> None:
    parsed = parsed_network(platform)
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    named: set[tuple[str, str, str]] = set()
    by_mac: set[tuple[str, str]] = set()
    for n in parsed.of(Neighbor):
        if n.local_interface is None or n.remote_port is None:
            continue
        local = str(canonical_ifname(n.local_interface))
        if is_mac(n.remote_port):
            by_mac.add((local, n.remote_port.replace(".", "")))
        elif n.remote_name and not n.remote_port.isdigit():
            named.add((local, host_of(n.remote_name), str(canonical_ifname(n.remote_port))))
    assert named
    got_named: set[tuple[str, str, str]] = set()
    got_mac: set[tuple[str, str]] = set()
    for link in cs.links:
        if link.type != "CONNECTED_TO" or link.evidence not in {"lldp", "cdp"}:
            continue
        local = port_name(cs, link.source)
        if link.target.identifiers is None:  # the port of an endpoint (a phone, an AP)
            far = port_name(cs, link.target)
            port_ci = next(ci for ci in cs.cis if ci.key == link.target.ref)
            assert port_ci.parent is not None
            endpoint = next(ci for ci in cs.cis if ci.key == port_ci.parent.ref)
            assert endpoint.class_ == "Endpoint"
            if is_mac(far):
                got_mac.add((local, far.replace(".", "")))
            else:
                got_named.add((local, str(endpoint.attributes["hostname"]), far))
            continue
        if link.target.parent is None:
            got_mac.add((local, str(link.target.identifiers["mac"]).replace(":", "")))
            continue
        parent = link.target.parent.identifiers
        assert link.target.parent.class_ == "NetworkDevice" and parent is not None
        if "hostname" in parent:  # an LLDP neighbour without a system name: below
            got_named.add((local, str(parent["hostname"]), port_name(cs, link.target)))
    assert got_named == named
    assert got_mac == by_mac


def test_an_lldp_neighbour_without_a_name_is_found_by_its_chassis_mac() -> None:
    cs = normalize_ssh(parsed_network("cisco_ios"), target=TARGET, observed_at=AT)
    # lldp detail1: local Gi1/0/2, chassis 7c25.86c9.aaaa, port id 502 ("ge-0/0/0.0"), no name
    on_port = [
        (link.evidence, link.target.model_dump(by_alias=True, exclude_none=True))
        for link in cs.links
        if link.type == "CONNECTED_TO" and port_name(cs, link.source) == "GigabitEthernet1/0/2"
    ]
    assert ("lldp", {
        "class": "Interface",
        "identifiers": {"name": "ge-0/0/0.0"},
        "parent": {"class": "NetworkDevice", "identifiers": {"chassis_id": "7c:25:86:c9:aa:aa"}},
    }) in on_port  # fmt: skip


def test_lldp_neighbours_name_the_far_device_by_chassis_mac_too() -> None:
    cs = normalize_ssh(parsed_network("juniper_junos"), target=TARGET, observed_at=AT)
    # show lldp neighbors: 'ge-0/0/1  -  2c:6b:f5:a1:c2:c0  ge-0/0/1  vmx2'
    targets = {
        port_name(cs, link.source): link.target.model_dump(by_alias=True, exclude_none=True)
        for link in cs.links
        if link.type == "CONNECTED_TO"
    }
    assert targets["ge-0/0/1"] == {
        "class": "Interface",
        "identifiers": {"name": "ge-0/0/1"},
        "parent": {
            "class": "NetworkDevice",
            "identifiers": {"chassis_id": "2c:6b:f5:a1:c2:c0", "hostname": "vmx2"},
        },
    }


def test_an_ios_stack_records_every_member_serial() -> None:
    raw = (NTC / "cisco_ios/show_version/cisco_ios_show_version1.raw").read_text()
    parsed = get_platform("cisco_ios").parse({"show version": raw})
    dev = device(normalize_ssh(parsed, target=TARGET, observed_at=AT))
    assert dev.attributes["serial_number"] == "FOC11111111"
    assert dev.attributes["stack_serials"] == [
        "FOC11111111", "FCW22222222", "FCW33333333", "FCW44444444"
    ]  # fmt: skip
    assert dev.attributes["primary_mac"] == "f8:7b:20:11:aa:80"
    assert dev.attributes["device_kind"] == "switch"  # a WS-C3850


def test_addresses_with_prefixes_get_their_subnet(schema: Schema) -> None:
    raw = (NTC / "cisco_ios/show_interfaces/cisco_ios_show_interfaces.raw").read_text()
    parsed = get_platform("cisco_ios").parse(
        {"show interfaces": raw, "show version": recordings("cisco_ios")["show version"]}
    )
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    validate(schema, cs)
    expected = {
        (canonical_ifname(i.name), i.ip_address, i.prefix_length)
        for i in parsed.of(Interface)
        if i.ip_address and not i.ip_address.startswith("127.")
    }
    assert expected
    addresses = {ci.key: ci.attributes for ci in by_class(cs, "IPAddress")}
    got = {
        (port_name(cs, link.source), addresses[link.target.ref]["address"],
         addresses[link.target.ref]["prefix_length"])
        for link in cs.links
        if link.type == "HAS_ADDRESS" and link.target.ref is not None
    }  # fmt: skip
    assert got == expected
    subnets = {ci.attributes["cidr"] for ci in by_class(cs, "Subnet")}
    in_subnet = [link for link in cs.links if link.type == "IN_SUBNET"]
    assert len(in_subnet) == sum(1 for _i, _a, p in expected if p is not None and p < 32)
    for _name, address, prefix in expected:
        if prefix is not None and prefix < 32:
            network = ".".join(address.split(".")[:3])  # the recording's prefixes are /24+
            assert any(str(cidr).startswith(network) for cidr in subnets)


def test_ios_vlans_belong_to_the_device(schema: Schema) -> None:
    parsed = parsed_network("cisco_ios")
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    vlans = {ci.attributes["vlan_id"]: ci.attributes for ci in by_class(cs, "VLAN")}
    assert set(vlans) == {v.vlan_id for v in parsed.of(Vlan)}
    assert vlans[50]["name"] == "VLan50" and vlans[50]["vlan_domain"] == "router1"


def _switch(**records: Any) -> ParsedTarget:
    """A small switch: ports Gi1/0/1-5, an uplink neighbour on Gi1/0/5."""
    ports = tuple(
        Interface(f"GigabitEthernet1/0/{i}", None, f"00:00:0c:00:00:0{i}", 1500, None,
                  1_000_000, "up", "up")
        for i in range(1, 6)
    )  # fmt: skip
    version = DeviceVersion("cisco_ios", "Cisco", "sw1", "15.2", "WS-C2960X-48TS-L",
                            serials=("FOC1",), base_mac="00:00:0c:00:00:aa")  # fmt: skip
    uplink = Neighbor("cdp", "GigabitEthernet1/0/5", "core1.example.com", "TenGigabitEthernet1/1")
    rows = (version, *ports, uplink, *records.get("macs", ()))
    return ParsedTarget(platform="cisco_ios", records=rows)


def _mac(mac: str, port: str, kind: str = "dynamic") -> MacEntry:
    return MacEntry(mac=mac, vlan=10, interface=port, type=kind)


def test_fdb_places_a_host_only_on_a_port_that_learned_exactly_one_mac(schema: Schema) -> None:
    macs = (
        _mac("aa:00:00:00:00:01", "Gi1/0/1"),  # alone: placed
        _mac("aa:00:00:00:00:02", "Gi1/0/2"),  # two MACs on the port: not placed
        _mac("aa:00:00:00:00:03", "Gi1/0/2"),
        _mac("aa:00:00:00:00:04", "Gi1/0/3", "static"),  # not learned
        _mac("00:00:0c:00:00:04", "Gi1/0/4"),  # the switch's own port MAC
        _mac("aa:00:00:00:00:05", "Gi1/0/5"),  # the uplink's neighbour port
        _mac("aa:00:00:00:00:06", "CPU"),  # not a port of the switch
    )
    cs = normalize_ssh(_switch(macs=macs), target=TARGET, observed_at=AT)
    validate(schema, cs)
    fdb = [
        (port_name(cs, link.source), link.target.identifiers)
        for link in cs.links
        if link.evidence == "fdb"
    ]
    assert fdb == [("GigabitEthernet1/0/1", {"mac": "aa:00:00:00:00:01"})]


@pytest.mark.parametrize("platform", NETWORK)
def test_fdb_links_come_only_from_known_ports(platform: str, schema: Schema) -> None:
    parsed = parsed_network(platform)
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    known = {canonical_ifname(i.name) for i in parsed.of(Interface)}
    learned = {e.mac for e in parsed.of(MacEntry)}
    for link in cs.links:
        if link.evidence == "fdb":
            assert port_name(cs, link.source) in known
            assert link.target.identifiers is not None
            assert link.target.identifiers["mac"] in learned


def test_normalizing_twice_gives_the_same_change_set() -> None:
    parsed = parsed_network("arista_eos")
    one = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    two = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    assert one.model_dump() == two.model_dump()
    keys = [ci.key for ci in one.cis]
    assert len(keys) == len(set(keys))


# -- Linux ----------------------------------------------------------------------------
def test_linux_host_validates_with_its_facts(schema: Schema) -> None:
    parsed = parsed_linux()
    assert not parsed.failures
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT, run_id="run-2")
    validate(schema, cs)
    assert cs.scope == "ssh:192.0.2.2" and cs.source == "ssh"
    assert (cs.certified_classes, cs.certified_links) == (None, None)
    dev = device(cs)
    assert dev.class_ == "Server"  # the recording's DMI files were empty
    assert dev.attributes == {
        "name": "vm",
        "hostname": "vm",
        "platform": "linux",
        "management_ip": "192.0.2.2",
        "primary_mac": "02:fc:00:00:00:01",  # eth0: lo and the ifb devices are not NICs
        "os_name": "Debian GNU/Linux 12 (bookworm)",
        "os_version": "12",
        "kernel": "6.18.44-fc-v595",
        "cpu_count": 2,
        "cpu_model": "AMD EPYC",
        "memory_bytes": 24684096 * 1024,
        "machine_id": "3d1219c7c4c5404aaa1f6d2a48adfda4",
    }


def test_linux_interfaces_and_addresses(schema: Schema) -> None:
    parsed = parsed_linux()
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT)
    interfaces = {ci.attributes["name"]: ci.attributes for ci in by_class(cs, "Interface")}
    assert set(interfaces) == {i.name for i in parsed.of(LinuxInterface)} == {
        "lo", "ifb0", "ifb1", "eth0"
    }  # fmt: skip
    assert interfaces["eth0"] == {
        "name": "eth0", "mac": "02:fc:00:00:00:01", "mtu": 1400, "oper_status": "up"
    }  # fmt: skip
    assert "mac" not in interfaces["lo"]  # 00:00:00:00:00:00 is junk
    addresses = {ci.key: ci.attributes for ci in by_class(cs, "IPAddress")}
    on = {
        (port_name(cs, link.source), addresses[str(link.target.ref)]["address"])
        for link in cs.links
        if link.type == "HAS_ADDRESS"
    }
    # 127.0.0.1, ::1 and fe80::fc:ff:fe00:1 identify nothing: left out
    assert on == {("eth0", "192.0.2.2"), ("eth0", "fd00::2")}
    assert {ci.attributes["cidr"] for ci in by_class(cs, "Subnet")} == {
        "192.0.2.0/24", "fd00::/64"
    }  # fmt: skip


def test_linux_packages_are_software_installed_on_the_host() -> None:
    parsed = parsed_linux()
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT)
    packages = parsed.of(Package)
    software = by_class(cs, "Software")
    assert len(software) == len({(p.name, p.version, p.arch) for p in packages}) > 700
    bash = [s.attributes for s in software if s.attributes["product"] == "bash"]
    assert bash == [{"product": "bash", "version": "5.2.15-2+b8", "arch": "amd64"}]
    installed = {
        str(link.source.ref) for link in cs.links
        if link.type == "INSTALLED_ON" and link.target.ref == device(cs).key
    }  # fmt: skip
    assert installed == {s.key for s in software}


def test_linux_listening_sockets_are_services_of_the_host() -> None:
    parsed = parsed_linux()
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT)
    services = by_class(cs, "Service")
    sockets = {(s.proto, s.local_address, s.port) for s in parsed.of(ListeningService)}
    assert len(services) == len(sockets)
    assert all(s.parent == CIRef(ref=device(cs).key) for s in services)
    found = {
        (s.attributes["protocol"], s.attributes["listen_address"], s.attributes["port"]):
        s.attributes for s in services
    }  # fmt: skip
    assert set(found) == sockets
    # ss line: tcp LISTEN ... 127.0.0.1:44095 0.0.0.0:* users:(("sshd",pid=12294,fd=3))
    assert found[("tcp", "127.0.0.1", 44095)]["process"] == "sshd"
    assert found[("tcp", "127.0.0.1", 44095)]["name"] == "sshd tcp 127.0.0.1:44095"
    # a socket whose owner ss could not see is named by protocol and socket
    assert found[("tcp", "0.0.0.0", 2024)]["name"] == "tcp 0.0.0.0:2024"
    # `name` identifies a Service too: one process on two sockets is two names
    assert len({s.attributes["name"] for s in services}) == len(services)


@pytest.mark.parametrize(
    ("vendor", "product"),
    [("QEMU", "Standard PC (Q35 + ICH9, 2009)"), ("VMware, Inc.", "VMware Virtual Platform"),
     ("innotek GmbH", "VirtualBox"), ("Xen", "HVM domU"),
     ("Microsoft Corporation", "Virtual Machine")],
)  # fmt: skip
def test_dmi_of_a_hypervisor_makes_a_virtual_machine(
    vendor: str, product: str, schema: Schema
) -> None:
    parsed = parsed_linux(dmi_vendor=f"{vendor}\n", dmi_product=f"{product}\n")
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT)
    validate(schema, cs)
    dev = device(cs)
    assert dev.class_ == "VirtualMachine"
    assert (dev.attributes["vendor"], dev.attributes["model"]) == (vendor, product)
    assert "cpu_model" not in dev.attributes  # not an attribute of a VirtualMachine


def test_physical_dmi_gives_a_server_with_its_serial_and_junk_serials_are_dropped() -> None:
    parsed = parsed_linux(dmi_vendor="Dell Inc.\n", dmi_product="PowerEdge R650\n",
                          dmi_serial="7XK2M33\n")  # fmt: skip
    dev = device(normalize_ssh(parsed, target="192.0.2.2", observed_at=AT))
    assert dev.class_ == "Server"
    assert (dev.attributes["serial_number"], dev.attributes["model"]) == (
        "7XK2M33", "PowerEdge R650"
    )  # fmt: skip
    parsed = parsed_linux(dmi_serial="To be filled by O.E.M.\n")
    dev = device(normalize_ssh(parsed, target="192.0.2.2", observed_at=AT))
    assert "serial_number" not in dev.attributes


def test_a_host_with_a_domain_splits_it_from_the_host_name() -> None:
    parsed = parsed_linux(hostname="web01\n", fqdn="web01.corp.example.com\n")
    dev = device(normalize_ssh(parsed, target="192.0.2.2", observed_at=AT))
    assert (dev.attributes["hostname"], dev.attributes["domain"]) == ("web01", "corp.example.com")


# -- coverage ---------------------------------------------------------------------------
def test_a_failed_package_command_certifies_everything_but_software(schema: Schema) -> None:
    parsed = parsed_linux()
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT, failed_commands=["packages"])
    validate(schema, cs)
    assert cs.certified_classes is not None and cs.certified_links is not None
    assert "Software" not in cs.certified_classes and "INSTALLED_ON" not in cs.certified_links
    assert {"Server", "Interface", "Service"} <= set(cs.certified_classes)
    assert {"HAS_INTERFACE", "RUNS_ON"} <= set(cs.certified_links)


def test_unparsable_interface_output_certifies_no_interfaces_or_addresses() -> None:
    parsed = parsed_linux(ip_addr="not json\n")
    assert "ip_addr" in parsed.failures
    cs = normalize_ssh(parsed, target="192.0.2.2", observed_at=AT)
    assert cs.certified_classes is not None and cs.certified_links is not None
    assert not {"Interface", "IPAddress", "Subnet"} & set(cs.certified_classes)
    assert not {"HAS_INTERFACE", "HAS_ADDRESS", "IN_SUBNET"} & set(cs.certified_links)
    assert {"Software", "Service"} <= set(cs.certified_classes)
    assert not by_class(cs, "Interface")


@pytest.mark.parametrize(
    ("platform", "failed", "lost_classes", "lost_links", "kept"),
    [
        ("cisco_ios", "show lldp neighbors detail", set(), {"CONNECTED_TO"},
         {"Interface", "HAS_INTERFACE", "HAS_ADDRESS"}),
        ("cisco_ios", "show mac address-table", set(), {"CONNECTED_TO"},
         {"Interface", "HAS_INTERFACE"}),
        # without the ports, addresses, FDB hosts and VLAN members have no port either
        ("cisco_ios", "show interfaces", {"Interface"}, {"HAS_INTERFACE", "CONNECTED_TO"},
         {"VLAN"}),
        ("cisco_ios", "show ip interface brief", {"IPAddress", "Subnet"},
         {"HAS_ADDRESS", "IN_SUBNET"}, {"Interface", "HAS_INTERFACE", "CONNECTED_TO"}),
        ("cisco_ios", "show vlan", {"VLAN"}, {"IN_VLAN"}, {"Interface", "CONNECTED_TO"}),
        ("juniper_junos", "show lldp neighbors", set(), {"CONNECTED_TO"},
         {"Interface", "HAS_INTERFACE"}),
        ("cisco_nxos", "show interface", {"Interface", "IPAddress"}, {"HAS_INTERFACE"},
         {"NetworkDevice"}),
    ],
)  # fmt: skip
def test_a_failed_network_command_narrows_what_is_certified(
    platform: str,
    failed: str,
    lost_classes: set[str],
    lost_links: set[str],
    kept: set[str],
    schema: Schema,
) -> None:
    outputs = recordings(platform)
    outputs.pop(failed, None)
    parsed = get_platform(platform).parse(outputs)
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT, failed_commands=[failed])
    validate(schema, cs)
    assert cs.certified_classes is not None and cs.certified_links is not None
    assert "NetworkDevice" in cs.certified_classes
    assert not lost_classes & set(cs.certified_classes)
    assert not lost_links & set(cs.certified_links)
    assert kept <= {*cs.certified_classes, *cs.certified_links}  # the rest stays certified


def test_a_parse_failure_counts_as_a_failed_command() -> None:
    outputs = recordings("juniper_junos")
    outputs["show lldp neighbors"] = "garbage that no template matches\nat all\nreally\n"
    parsed = get_platform("juniper_junos").parse(outputs)
    assert "show lldp neighbors" in parsed.failures
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    assert cs.certified_links is not None and "CONNECTED_TO" not in cs.certified_links


def test_an_unknown_failed_command_certifies_nothing() -> None:
    cs = normalize_ssh(parsed_linux(), target="192.0.2.2", observed_at=AT,
                       failed_commands=["something new"])  # fmt: skip
    assert (cs.certified_classes, cs.certified_links) == ([], [])


# -- errors and targets ---------------------------------------------------------------------
def test_nothing_identifying_raises_naming_the_target() -> None:
    lonely = ParsedTarget(platform="cisco_ios", records=(
        Interface("Gi0/1", None, None, 1500, None, None, "up", "up"),
    ))  # fmt: skip
    with pytest.raises(NormalizeError, match=r"192\.0\.2\.10:22") as raised:
        normalize_ssh(lonely, target=TARGET, observed_at=AT)
    assert isinstance(raised.value, SSHDiscoveryError)
    assert raised.value.target == TARGET
    with pytest.raises(NormalizeError, match="nothing identifies this Server"):
        normalize_ssh(ParsedTarget("linux", ()), target="192.0.2.2", observed_at=AT)


def test_a_junk_serial_alone_does_not_identify_a_host() -> None:
    facts = HostFacts(hostname="", fqdn=None, domain=None, os_id=None, os_name=None,
                      os_version_id=None, kernel="6.1.0", architecture=None, cpu_model=None,
                      cpu_count=None, memory_total_bytes=None, machine_id=None,
                      dmi_serial="To be filled by O.E.M.", dmi_vendor=None, dmi_product=None)  # fmt: skip
    with pytest.raises(NormalizeError, match="To be filled"):
        normalize_ssh(ParsedTarget("linux", (facts,)), target="192.0.2.2", observed_at=AT)
    # nor does the host name of an unconfigured box
    local = dataclasses.replace(facts, hostname="localhost")
    with pytest.raises(NormalizeError, match=r"\[hostname, domain\] or .* or \[hostname\]"):
        normalize_ssh(ParsedTarget("linux", (local,)), target="192.0.2.2", observed_at=AT)
    # a host name without a domain does, last of all (ServiceNow's name rule); so does a
    # machine-id, before it
    named = dataclasses.replace(facts, hostname="db1")
    cs = normalize_ssh(ParsedTarget("linux", (named,)), target="192.0.2.2", observed_at=AT)
    assert device(cs).attributes["hostname"] == "db1"
    machine = dataclasses.replace(named, machine_id="5f0c3b0a2d6e4c1f9a8b7c6d5e4f3a21")
    cs = normalize_ssh(ParsedTarget("linux", (machine,)), target="192.0.2.2", observed_at=AT)
    assert device(cs).attributes["machine_id"] == "5f0c3b0a2d6e4c1f9a8b7c6d5e4f3a21"
    assert "serial_number" not in device(cs).attributes


def test_an_unknown_platform_raises() -> None:
    with pytest.raises(NormalizeError, match="mikrotik_routeros"):
        normalize_ssh(ParsedTarget("mikrotik_routeros", ()), target=TARGET, observed_at=AT)


@pytest.mark.parametrize(
    ("target", "address"),
    [("192.0.2.1", "192.0.2.1"), ("192.0.2.1:2222", "192.0.2.1"),
     ("[2001:db8::1]:22", "2001:db8::1"), ("2001:db8::1", "2001:db8::1"),
     ("sw1.example.com:22", None), ("sw1", None)],
)  # fmt: skip
def test_the_management_ip_is_the_target_address(target: str, address: str | None) -> None:
    assert management_ip(target) == address


def test_evidence_counts_match_the_neighbour_protocols() -> None:
    parsed = parsed_network("cisco_nxos")
    cs = normalize_ssh(parsed, target=TARGET, observed_at=AT)
    evidence = Counter(link.evidence for link in cs.links if link.type == "CONNECTED_TO")
    protocols = Counter(n.protocol for n in parsed.of(Neighbor))
    # every NX-OS neighbour in these recordings names its local port and far port
    assert evidence == protocols


def test_an_all_zero_interface_mac_is_no_mac() -> None:
    """EOS prints 0000.0000.0000 for a port-channel without members: no MAC, as over SNMP
    (the parser drops it) and on Linux (the loopback's)."""
    cs = normalize_ssh(parsed_network("arista_eos"), target=TARGET, observed_at=AT)
    (channel,) = [ci for ci in by_class(cs, "Interface") if ci.attributes["name"] == "Port-channel1"]
    assert "mac" not in channel.attributes
    assert all(ci.attributes.get("mac") != "00:00:00:00:00:00" for ci in by_class(cs, "Interface"))


def test_a_junk_host_name_is_no_name() -> None:
    """An unconfigured host name ('localhost') names nothing: neither hostname nor name,
    as over SNMP; the host is still identified by its machine-id."""
    parsed = parsed_linux(hostname="localhost\n", fqdn="localhost\n")
    dev = device(normalize_ssh(parsed, target="192.0.2.2", observed_at=AT))
    assert dev.attributes["machine_id"] == "3d1219c7c4c5404aaa1f6d2a48adfda4"
    assert "name" not in dev.attributes and "hostname" not in dev.attributes
