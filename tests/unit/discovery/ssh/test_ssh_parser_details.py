"""What our parsers derive beyond the templates' columns (uptime seconds, admin
and oper state, names, empty tables, template failures), checked against values
read by hand from the recordings' raw text."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.errors import ParseError
from discovery.ssh.platforms import arista_eos, cisco_ios, cisco_nxos, get_platform, juniper_junos
from discovery.ssh.platforms.base import parse_template
from discovery.ssh.records import DeviceVersion, Interface, IPInterface, Neighbor

NTC = Path(__file__).parent / "fixtures" / "ntc"


def raw(platform: str, command: str, case: str) -> str:
    return (NTC / platform / command / f"{case}.raw").read_text()


def by_name(interfaces: tuple[Interface, ...], name: str) -> Interface:
    (found,) = [i for i in interfaces if i.name == name]
    return found


def test_ios_version_uptime_in_seconds_and_stack_serials() -> None:
    # "router1 uptime is 2 years, 31 weeks, 6 days, 9 hours, 55 minutes"
    (v,) = cisco_ios.parse_show_version(raw("cisco_ios", "show_version", "cisco_ios_show_version"))
    assert v.uptime_seconds == 2 * 365 * 86400 + 31 * 7 * 86400 + 6 * 86400 + 9 * 3600 + 55 * 60
    assert (v.vendor, v.platform) == ("Cisco", "cisco_ios")
    # a four-member 3850 stack: one serial per member, in switch order
    (stack,) = cisco_ios.parse_show_version(
        raw("cisco_ios", "show_version", "cisco_ios_show_version1")
    )
    assert stack.serials == ("FOC11111111", "FCW22222222", "FCW33333333", "FCW44444444")
    assert stack.model == "WS-C3850-48U"


def test_nxos_and_eos_uptime_formats() -> None:
    (nx,) = cisco_nxos.parse_show_version(
        raw("cisco_nxos", "show_version", "cisco_nxos_show_version")
    )
    assert nx.uptime_seconds == 123 * 86400 + 5 * 3600 + 15 * 60 + 19
    (eos,) = arista_eos.parse_show_version(
        raw("arista_eos", "show_version", "arista_eos_show_version")
    )
    assert eos.uptime_seconds == 3600 + 5 * 60  # "1 hour and 5 minutes"
    assert eos.base_mac == "28:03:82:9a:13:47"
    assert eos.serials == ()  # vEOS prints an empty serial number


def test_ios_interface_states() -> None:
    rows = cisco_ios.parse_show_interfaces(
        raw("cisco_ios", "show_interfaces", "cisco_ios_show_interfaces_01")
    )
    shut = by_name(
        rows, "GigabitEthernet0/0/0"
    )  # "is administratively down, line protocol is down"
    assert (shut.admin_status, shut.oper_status) == ("down", "down")
    assert (shut.ip_address, shut.prefix_length, shut.mtu) == ("111.222.0.37", 30, 1500)
    rows = cisco_ios.parse_show_interfaces(
        raw("cisco_ios", "show_interfaces", "cisco_ios_show_interfaces")
    )
    no_link = by_name(rows, "GigabitEthernet0/0")  # "is reset, line protocol is down (notconnect)"
    assert (no_link.admin_status, no_link.oper_status) == ("up", "down")
    up = by_name(rows, "GigabitEthernet0/1")
    assert (up.admin_status, up.oper_status, up.mac) == ("up", "up", "fa:16:3e:4f:41:cc")
    assert up.bandwidth_kbps == 1_000_000


def test_nxos_interface_states() -> None:
    rows = cisco_nxos.parse_show_interface(
        raw("cisco_nxos", "show_interface", "cisco_nxos_show_interface12")
    )
    vlan1 = by_name(rows, "Vlan1")  # "Vlan1 is down (Administratively down)"
    assert (vlan1.admin_status, vlan1.oper_status) == ("down", "down")
    rows = cisco_nxos.parse_show_interface(
        raw("cisco_nxos", "show_interface", "cisco_nxos_show_interface6")
    )
    mgmt = by_name(rows, "mgmt0")  # admin state up, "down (Link not connected)"
    assert (mgmt.admin_status, mgmt.oper_status) == ("up", "down")
    assert (mgmt.ip_address, mgmt.prefix_length) == ("10.73.1.10", 24)


def test_eos_ip_interface_brief_states_and_prefixes() -> None:
    rows = arista_eos.parse_show_ip_interface_brief(
        raw("arista_eos", "show_ip_interface_brief", "arista_eos_show_ip_interface_brief")
    )
    by_if = {r.interface: r for r in rows}
    assert by_if["Loopback0"] == IPInterface("Loopback0", "1.1.1.1", 32, None, "up", "up")
    assert by_if["Vlan10"].address is None  # unassigned
    assert (by_if["Vlan10"].admin_status, by_if["Vlan10"].oper_status) == ("up", "down")


def test_nxos_cdp_name_falls_back_to_the_device_id() -> None:
    rows = cisco_nxos.parse_show_cdp_neighbors_detail(
        raw("cisco_nxos", "show_cdp_neighbors_detail", "cisco_nxos_show_cdp_neighbors_detail")
    )
    # "Device ID:PERIMETER" without a System Name; "Device ID:dc-lf03(SAL19069XXX)" with one
    assert [n.remote_name for n in rows[:2]] == ["PERIMETER", "dc-lf03"]
    assert rows[1].chassis_id == "dc-lf03(SAL19069XXX)"


def test_ios_lldp_detail_without_local_interface_keeps_the_neighbour() -> None:
    rows = cisco_ios.parse_show_lldp_neighbors_detail(
        raw("cisco_ios", "show_lldp_neighbors_detail", "cisco_ios_show_lldp_neighbors_detail2")
    )
    first = rows[0]
    assert first == Neighbor(
        protocol="lldp",
        local_interface=None,
        remote_name="USSC-CAMPUS-CORE-GW2",
        remote_port="Eth1/6",
        remote_port_description="PO2631-10Gx2-R261R5",
        platform=None,
        remote_description=(
            "Cisco NX-OS(tm) n7700, Software (n7700-s2-dk9), Version 6.2(10), RELEASE SOFTWARE "
            "Copyright (c) 2002-2013 by Cisco Systems, Inc. Compiled 10/9/2014 12:00:00"
        ),
        mgmt_address="11.11.11.11",
        chassis_id="a0:00:f0:0e:30:0d",
        capabilities="B,R",
    )


def test_junos_chassis_parts_are_named_by_their_slot_path() -> None:
    items = juniper_junos.parse_show_chassis_hardware(
        raw("juniper_junos", "show_chassis_hardware", "juniper_junos_show_chassis_hardware4")
    )
    names = [i.name for i in items]
    assert names[:3] == ["Chassis", "Midplane", "FPM Board"]
    assert "FPC 0 CPU" in names and "FPC 0 MIC 0 PIC 0 Xcvr 0" in names
    (xcvr,) = [i for i in items if i.name == "FPC 0 MIC 0 PIC 0 Xcvr 0"]
    assert (xcvr.descr, xcvr.pid, xcvr.serial, xcvr.vid) == (
        "SFP-T",
        "740-013111",
        "1111111",
        "REV 02",
    )
    assert items[0].serial == "JN1111111"


def test_junos_logical_interface_address_and_physical_state() -> None:
    rows = juniper_junos.parse_show_interfaces(
        raw("juniper_junos", "show_interfaces", "juniper_junos_show_interfaces")
    )
    phys = by_name(rows, "ge-0/0/0")
    assert (phys.admin_status, phys.oper_status, phys.mtu) == ("up", "up", 1514)
    unit = by_name(rows, "ge-0/0/0.2036")
    assert (unit.ip_address, unit.prefix_length, unit.admin_status) == ("10.10.199.180", 29, None)


def test_junos_mac_flags_become_types() -> None:
    rows = juniper_junos.parse_show_ethernet_switching_table(
        raw(
            "juniper_junos",
            "show_ethernet-switching_table",
            "juniper_junos_show_ethernet-switching_table1",
        )
    )
    assert [(r.mac, r.vlan, r.type) for r in rows] == [
        ("2c:5a:0f:bc:a3:cd", 100, "dynamic"),
        ("ca:fe:ca:fe:00:07", 100, "dynamic"),
    ]


def test_ios_mac_table_all_vlans_entry_has_no_number() -> None:
    rows = cisco_ios.parse_show_mac_address_table(
        raw("cisco_ios", "show_mac-address-table", "cisco_ios_show_mac-address-table6")
    )
    assert (rows[0].mac, rows[0].vlan, rows[0].vlan_name, rows[0].interface) == (
        "01:80:c2:00:00:0f",
        None,
        "All",
        "CPU",
    )


def test_template_that_matches_nothing_is_a_parse_error_naming_platform_and_command() -> None:
    junk = "this is not\nthe output of\nshow version at all\n"
    with pytest.raises(ParseError) as caught:
        parse_template("cisco_nxos", "show version", junk)
    assert (caught.value.platform, caught.value.command) == ("cisco_nxos", "show version")
    assert "cisco_nxos" in str(caught.value) and "show version" in str(caught.value)


def test_unknown_command_is_a_parse_error_not_raw_text() -> None:
    with pytest.raises(ParseError, match="template failed"):
        parse_template("cisco_ios", "show flux capacitor", "Flux: 1.21 GW\n")


def test_empty_table_is_no_rows_but_a_header_only_never_hides_real_rows() -> None:
    assert cisco_ios.parse_show_ip_arp("") == ()
    header = "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n"
    assert cisco_ios.parse_show_ip_arp(header) == ()
    with pytest.raises(ParseError):
        cisco_ios.parse_show_ip_arp(header + "garbage line one\ngarbage line two\n")


def test_platform_parse_records_a_failure_per_command_and_keeps_the_rest() -> None:
    outputs = {
        "show version": raw("cisco_ios", "show_version", "cisco_ios_show_version"),
        "show inventory": "nothing an inventory template understands\nat all\n",
        "show something unparsed": "ignored",
    }
    parsed = get_platform("cisco_ios").parse(outputs)
    assert set(parsed.failures) == {"show inventory"}
    assert parsed.failures["show inventory"].command == "show inventory"
    (version,) = parsed.of(DeviceVersion)
    assert version.hostname == "router1"


def test_eos_lldp_detail_with_no_neighbours_is_empty() -> None:
    text = (
        "Interface Ethernet1 detected 0 LLDP neighbors:\n\n"
        "Interface Ethernet2 detected 0 LLDP neighbors:\n"
    )
    assert arista_eos.parse_show_lldp_neighbors_detail(text) == ()
