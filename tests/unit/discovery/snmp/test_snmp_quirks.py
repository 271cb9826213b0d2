"""One test (at least) per quirk in discovery/snmp/quirks.py, plus the default
LLDP local-port resolution order."""

from __future__ import annotations

import pytest

from discovery.snmp import quirks
from discovery.snmp.parse_interfaces import parse_interfaces
from discovery.snmp.parse_neighbors import parse_lldp
from discovery.snmp.records import Value
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
IF = "1.3.6.1.2.1.2.2.1"
IFX = "1.3.6.1.2.1.31.1.1.1"
REM = "1.0.8802.1.1.2.1.4.1.1"
LOC = "1.0.8802.1.1.2.1.3.7.1"
BASE_PORT = "1.3.6.1.2.1.17.1.4.1.2"


def switch(object_id: str, with_loc_table: bool) -> dict[str, Value]:
    """ifIndex 1 is Vlan1; bridge port 1 is ifIndex 10101 (Gi1/0/1); one neighbour on
    local port 1."""
    vb: dict[str, Value] = {
        "1.3.6.1.2.1.1.2.0": object_id,
        f"{IF}.2.1": b"Vlan1",
        f"{IF}.2.10101": b"GigabitEthernet1/0/1",
        f"{IFX}.1.1": b"Vl1",
        f"{IFX}.1.10101": b"Gi1/0/1",
        f"{BASE_PORT}.1": 10101,
        f"{REM}.4.0.1.1": 4,
        f"{REM}.5.0.1.1": bytes.fromhex("001122334455"),
        f"{REM}.6.0.1.1": 5,
        f"{REM}.7.0.1.1": b"Ethernet7",
        f"{REM}.9.0.1.1": b"core-1",
    }
    if with_loc_table:
        vb[f"{LOC}.3.1"] = b"Gi1/0/1"
    return vb


def local_if_index(vb: dict[str, Value]) -> int | None:
    object_id = vb["1.3.6.1.2.1.1.2.0"]
    assert isinstance(object_id, str)
    (neighbor,) = parse_lldp(vb, parse_interfaces(vb), object_id)
    return neighbor.local_if_index


def test_registry_names_are_unique_and_described() -> None:
    names = [q.name for q in quirks.QUIRKS]
    assert len(names) == len(set(names))
    assert all(q.description and q.object_ids for q in quirks.QUIRKS)


def test_lldp_port_is_bridge_port_quirk_maps_through_dot1d_base_port() -> None:
    procurve = "1.3.6.1.4.1.11.2.3.7.11.63"
    assert quirks.lldp_port_numbering(procurve) is quirks.PortNumbering.BRIDGE_PORT
    # Without the quirk, port 1 would be taken for ifIndex 1 (Vlan1).
    assert local_if_index(switch(procurve, with_loc_table=False)) == 10101
    assert local_if_index(switch("1.3.6.1.4.1.99999.1", with_loc_table=False)) == 1


def test_lldp_port_is_ifindex_quirk_does_not_use_bridge_ports() -> None:
    junos = "1.3.6.1.4.1.2636.1.1.1.2.90"
    assert quirks.lldp_port_numbering(junos) is quirks.PortNumbering.IF_INDEX
    vb = switch(junos, with_loc_table=False)
    del vb[f"{IF}.2.1"], vb[f"{IFX}.1.1"]  # no ifIndex 1: must not fall back to bridge port
    assert local_if_index(vb) is None


@pytest.mark.parametrize(
    "object_id",
    ["1.3.6.1.4.1.11.2.3.7.11.63", "1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.2636.1.1.1.2.90"],
)
def test_agent_lldp_loc_port_names_win_over_any_numbering(object_id: str) -> None:
    assert local_if_index(switch(object_id, with_loc_table=True)) == 10101


def test_lldp_port_is_ifindex_on_the_junos_recording() -> None:
    vb = load_snmprec(LAB / "junos_mx5t-isis.snmprec").varbinds
    interfaces = parse_interfaces(vb)
    names = {i.if_index: i.name for i in interfaces}
    neighbors = parse_lldp(vb, interfaces, "1.3.6.1.4.1.2636.1.1.1.2.90")
    assert {(n.local_port_num, names[n.local_if_index or -1]) for n in neighbors} == {
        (526, "ge-1/1/0"),
        (535, "ge-1/1/9"),
        (541, "xe-0/0/0"),
        (556, "xe-0/0/1"),
    }


def test_routeros_flat_lldp_index_resolves_through_mtxr_neighbor_table() -> None:
    vb = load_snmprec(LAB / "routeros.snmprec").varbinds
    interfaces = parse_interfaces(vb)
    names = {i.if_index: i.name for i in interfaces}
    notes: list[str] = []
    neighbors = parse_lldp(vb, interfaces, "1.3.6.1.4.1.14988.1", notes)
    assert notes == [quirks.ROUTEROS_LLDP_FLAT_INDEX.name]
    flat = [n for n in neighbors if n.local_port_num is None]
    assert len(flat) == 12
    by_index = {n.remote_index: (names.get(n.local_if_index or -1), n.sys_name) for n in flat}
    # mtxrNeighborInterfaceID.1 = 3 (WAN), .6 = 5 (ether3)
    assert by_index[1] == ("WAN", "S5120-Tech")
    assert by_index[6] == ("ether3", "blue_shed-wirelesswire")
    # The MikroTik chassis ID is sent as text "B8:69:.." and still decodes as a MAC.
    assert {n.chassis_id for n in neighbors if n.remote_index == 11} >= {"6c:3b:6b:e4:21:3e"}


def test_flat_lldp_index_is_ignored_without_the_quirk() -> None:
    vb = load_snmprec(LAB / "routeros.snmprec").varbinds
    neighbors = parse_lldp(vb, parse_interfaces(vb), "1.3.6.1.4.1.99999.1")
    assert all(n.local_port_num is not None for n in neighbors)
    assert len(neighbors) == 2
