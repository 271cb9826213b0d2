"""VLANs, LAG membership and ARP rows parsed from real recordings (the lab's LibreNMS
walks and the snmpsim-data package's), and the bitmaps they are made of."""

from __future__ import annotations

import pytest

from discovery.facts import ArpEntry, DeviceFacts, LagMember, VlanFacts, VlanMember
from discovery.snmp import oids
from discovery.snmp.collect import TableCoverage
from discovery.snmp.facts import table_coverage
from discovery.snmp.parse_vlans import port_list
from tests.contract.cases import snmp_case


def snapshot(name: str) -> DeviceFacts:
    """The recording as the lab serves it, through parse_device and snmp_facts."""
    return snmp_case(name)


def vlan(name: str, vlan_id: int) -> VlanFacts:
    (found,) = [v for v in snapshot(name).vlans if v.vlan_id == vlan_id]
    return found


def test_a_port_list_counts_from_the_high_bit_of_the_first_octet() -> None:
    assert port_list(bytes.fromhex("a8000000000700000000000010")) == [1, 3, 5, 46, 47, 48, 100]
    assert port_list(bytes.fromhex("40"), first=0) == [1]  # vlanTrunkPortVlansEnabled: VLAN 0 first
    assert port_list(None) == []


def test_qbridge_current_port_lists_when_the_static_ones_are_not_given() -> None:
    """Arista: names from dot1qVlanStaticName, ports from dot1qVlanCurrent*; bridge port
    = ifIndex there (port 100 is Port-Channel1, 1000001). 46-48 trunk every VLAN; 1, 3, 5
    and the port-channel are access ports of 31."""
    red = vlan("arista_eos", 31)
    assert red.name == "\\RED_Estudio\\"
    members = {(m.port, m.tagged) for m in red.members}
    assert {(1, False), (3, False), (5, False), (1000001, False)} <= members
    assert {(46, True), (47, True), (48, True)} <= members
    assert vlan("arista_eos", 103).members == (VlanMember(47, True), VlanMember(48, True))


def test_dot1q_pvid_adds_an_access_port_no_port_list_names() -> None:
    """Arista's port 2 is down: in no current port list, its PVID is 31."""
    assert VlanMember(2, False) in vlan("arista_eos", 31).members
    assert VlanMember(8, False) in vlan("arista_eos", 1).members


def test_cisco_vtp_vlans_with_access_ports_and_a_trunk_tagged_but_in_its_native_vlan() -> None:
    name = "network-switch-cisco-c3560"
    assert [v.vlan_id for v in snapshot(name).vlans] == [1, 2, 3, 1002, 1003, 1004, 1005, 1119]
    assert vlan(name, 2).name == "xiaodanwei2-hulian"
    assert VlanMember(10152, True) in vlan(name, 2).members  # trunk
    assert VlanMember(10152, False) in vlan(name, 1).members  # its native VLAN
    assert VlanMember(10101, False) in vlan(name, 3).members  # vmVlan: an access port


def test_cisco_access_ports_in_a_vlan_the_vtp_table_does_not_name() -> None:
    assert vlan("ios_2960x", 527).name is None
    assert VlanMember(10106, False) in vlan("ios_2960x", 527).members


def test_lag_members_from_if_stack_under_an_aggregate_interface() -> None:
    assert snapshot("arista_eos").lags == (LagMember(1000001, 43), LagMember(1000001, 44))


def test_lag_members_from_the_lag_mib_attached_are_active() -> None:
    assert snapshot("network-switch-h3c-comware-7-1-075").lags == (
        LagMember(8968, 5, None, True), LagMember(8968, 2209, None, True))


def test_arp_from_ip_net_to_media_with_port_and_mac() -> None:
    assert snapshot("ios_2960x").arp == (
        ArpEntry("10.54.64.1", "a2:d7:16:00:00:04", 99), ArpEntry("10.54.64.9", "ac:7e:8a:19:bf:41", 99))


def test_arp_rows_of_both_tables_once_each() -> None:
    rows = snapshot("linux_icecast").arp
    assert len({(r.port, r.address) for r in rows}) == len(rows) > 0
    assert any(":" in r.address for r in rows) or all("." in r.address for r in rows)


@pytest.mark.parametrize(("table", "getter"), [
    ("dot1qVlanStaticEgressPorts", "vlans"), ("vmVlan", "vlans"), ("hwL2VlanDescr", "vlans"),
    ("ifStackStatus", "lags"), ("dot3adAggPortSelectedAggID", "lags"),
    ("ipNetToPhysicalPhysAddress", "arp"), ("ipNetToMediaPhysAddress", "arp"),
])  # fmt: skip
def test_a_layer2_table_that_failed_leaves_its_getter_incomplete(table: str, getter: str) -> None:
    failed = TableCoverage(table, oids.SUBTREES[table], "timeout", 0, 1, 2.0, "no answer")
    coverage = table_coverage([failed])
    assert coverage.incomplete == {getter} and not coverage.unaccounted
    assert getter in coverage.getters


def test_a_fallback_table_not_needed_certifies_its_getter() -> None:
    """The collector records a WALK_WHEN table it did not need as empty, with why."""
    skipped = TableCoverage("vtpVlanName", oids.VTP_VLAN_NAME, "empty", 0, 0, 0.0,
                            "not needed: dot1qVlanStaticName ok")
    assert table_coverage([skipped]).incomplete == frozenset()
