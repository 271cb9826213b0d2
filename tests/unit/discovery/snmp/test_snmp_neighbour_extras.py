"""What an LLDP/CDP neighbour tells of itself beyond its name and port: capabilities,
a port ID of subtype local, and a local port that maps to no ifIndex."""

from __future__ import annotations

from dataclasses import replace

import pytest

from discovery.snmp.facts import lldp_facts
from discovery.snmp.parse_neighbors import cdp_capabilities, lldp_capabilities
from discovery.snmp.records import LldpNeighbor, Value
from tests.contract.cases import snmp_case


@pytest.mark.parametrize(("value", "names"), [
    (b"\x28\x00", ("bridge", "router")),  # as an agent sends it
    (b"\x04\x00", ("telephone",)),
    (b"\x10\x00", ("wlan-access-point",)),
    (b"\x01\x00", ("station",)),
    (b"28 00 2 4", ("bridge", "router")),  # as net-snmp printed it into a recording
    (b"08 4", ("router",)),
    (b"00 00", ()),
    (5120, ()),  # an INTEGER is not a bit string: nothing is told
    (None, ()),
])  # fmt: skip
def test_lldp_capabilities(value: Value | None, names: tuple[str, ...]) -> None:
    assert lldp_capabilities(value) == names


@pytest.mark.parametrize(("value", "names"), [
    (bytes.fromhex("00000029"), ("router", "switch", "igmp")),
    (bytes.fromhex("00000490"), ("host", "phone", "two-port-mac-relay")),
    (bytes.fromhex("0000000000"), ()),  # more than 32 bits: not the CDP field
])  # fmt: skip
def test_cdp_capabilities(value: bytes, names: tuple[str, ...]) -> None:
    assert cdp_capabilities(value) == names


def test_recordings_neighbours_tell_their_capabilities() -> None:
    cdp = snmp_case("ios_2960x").neighbours
    assert {n.remote_capabilities for n in cdp} >= {("router", "switch", "igmp")}
    lldp = [n for n in snmp_case("arista_eos").neighbours if n.remote_capabilities]
    assert [n.remote_capabilities for n in lldp] == [("bridge", "router")]


def test_a_port_id_of_subtype_local_is_marked() -> None:
    """Junos sends the far port as subtype local (7): its own ifIndex, not a name."""
    flags = [n.remote_port_local for n in snmp_case("junos_mx5t-isis").neighbours]
    assert flags.count(True) == 2 and len(flags) == 4


def test_a_local_port_that_maps_to_no_if_index_keeps_its_name() -> None:
    row = LldpNeighbor(local_port_num=7, local_if_index=None, local_port_descr="Gi1/0/7",
                       remote_index=1, chassis_id_subtype=None, chassis_id=None,
                       port_id_subtype=5, port_id="Ethernet1", port_descr=None, sys_name="sw2",
                       sys_descr=None)
    assert lldp_facts(row).local_port == "GigabitEthernet1/0/7"
    assert lldp_facts(replace(row, local_if_index=10107)).local_port == 10107
