"""SSH records -> DeviceFacts' depth getters (issue 11): VLAN members tagged or not,
components with their kind, containment and port, LAG members, ARP rows, neighbour
capabilities, and the coverage of the commands that feed them. Values are read off the
recordings (tests/unit/discovery/ssh/fixtures/ntc) or stated in the records built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.facts import ComponentFacts, DeviceFacts, LagMember, VlanFacts, VlanMember
from discovery.ssh.collect import collect_target, parse_collected
from discovery.ssh.facts import ssh_facts
from discovery.ssh.facts_depth import (
    capabilities,
    component_kind,
    components_from_inventory,
    vlans_from_records,
)
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import InventoryItem, SwitchPort, Vlan, VlanPort
from discovery.ssh.targets import SSHCredentials, SSHTarget

NTC = Path(__file__).parent / "fixtures" / "ntc"
TARGET = "192.0.2.1"
CREDS = SSHCredentials(username="netops", password="not-a-secret")


def recording(platform: str, folder: str, name: str | None = None) -> str:
    raws = sorted((NTC / platform / folder).glob("*.raw"))
    return next(r for r in raws if name is None or r.stem == name).read_text()


def facts_of(platform: str, outputs: dict[str, str]) -> DeviceFacts:
    return ssh_facts(get_platform(platform).parse(outputs), target=TARGET)


def members(vlan: VlanFacts) -> list[tuple[object, bool | None]]:
    return [(m.port, m.tagged) for m in vlan.members]


def test_switchport_places_access_ports_untagged_and_trunks_tagged_but_native() -> None:
    vlans = [Vlan(1, "default", "active", ("Gi0/3",)), Vlan(10, "users", "active", ("Gi0/2",)),
             Vlan(20, "voice", "active", ()), Vlan(30, "servers", "active", ())]  # fmt: skip
    ports = [
        SwitchPort("Gi0/1", "trunk", "trunk", 1, 20, ((10, 20),)),  # 30 not allowed
        SwitchPort("Gi0/2", "access", "static access", 10, 1, ((1, 4094),)),
        SwitchPort("Gi0/4", "access", "static access", 99, 1, None),  # VLAN 99 not created
        SwitchPort("Gi0/5", None, "down", 1, 1, ((1, 4094),)),  # dynamic, down: not placed
    ]
    got = {v.vlan_id: members(v) for v in vlans_from_records(vlans, ports, ())}
    assert got == {
        1: [("GigabitEthernet0/3", None)],  # as `show vlan` lists it
        10: [("GigabitEthernet0/1", True), ("GigabitEthernet0/2", False)],  # switchport order
        20: [("GigabitEthernet0/1", False)],  # the trunk's native VLAN
        30: [],
    }


def test_an_access_ports_voice_vlan_is_tagged() -> None:
    vlans = [Vlan(10, "data", "active", ()), Vlan(20, "voice", "active", ())]
    ports = [SwitchPort("Gi0/7", "access", "static access", 10, 1, None, voice_vlan=20)]
    got = {v.vlan_id: members(v) for v in vlans_from_records(vlans, ports, ())}
    assert got == {10: [("GigabitEthernet0/7", False)], 20: [("GigabitEthernet0/7", True)]}


def test_without_a_vlan_list_the_ports_access_and_native_vlans_are_the_vlans() -> None:
    ports = [SwitchPort("Eth1/1", "access", "access", 3, 1, ((1, 4094),)),
             SwitchPort("Eth1/2", "trunk", "trunk", 1, 5, ((1, 4094),))]  # fmt: skip
    got = vlans_from_records((), ports, ())
    assert [(v.vlan_id, v.name, members(v)) for v in got] == [
        (3, None, [("Ethernet1/1", False), ("Ethernet1/2", True)]),  # the trunk allows 3
        (1, None, [("Ethernet1/2", True)]),
        (5, None, [("Ethernet1/2", False)]),
    ]


def test_junos_ports_list_their_vlans_by_name_or_tag() -> None:
    vlans = [Vlan(100, "v100", None, ("ge-0/0/1.0", "ge-0/0/2.0")), Vlan(200, "v200", None, ())]
    ports = [VlanPort("ge-0/0/1.0", "v100", None, False),
             VlanPort("ge-0/0/2.0", "v200", 200, True), VlanPort("ge-0/0/2.0", "v100", 100, True),
             VlanPort("ge-0/0/3.0", "default", None, False)]  # fmt: skip
    got = {v.vlan_id: members(v) for v in vlans_from_records(vlans, (), ports)}
    assert got == {100: [("ge-0/0/1.0", False), ("ge-0/0/2.0", True)],
                   200: [("ge-0/0/2.0", True)]}  # fmt: skip


def test_ios_recordings_give_trunk_membership_lags_and_arp() -> None:
    facts = facts_of("cisco_ios", {
        "show vlan": recording("cisco_ios", "show_vlan"),
        "show interfaces switchport": recording("cisco_ios", "show_interfaces_switchport",
                                                "cisco_ios_show_interfaces_switchport"),
        "show etherchannel summary": recording("cisco_ios", "show_etherchannel_summary",
                                               "show_etherchannel_summary2"),
        "show ip arp": recording("cisco_ios", "show_ip_arp"),
    })  # fmt: skip
    vlans = {v.vlan_id: v for v in facts.vlans}
    # Gi0/1: "Operational Mode: trunk", native 1, "Trunking VLANs Enabled: ALL"
    assert VlanMember("GigabitEthernet0/1", False) in vlans[1].members
    assert VlanMember("GigabitEthernet0/1", True) in vlans[10].members
    assert facts.lags == (
        LagMember("Port-channel10", "TenGigabitEthernet0/0/2", "lacp", True),
        LagMember("Port-channel10", "TenGigabitEthernet0/0/3", "lacp", True),
    )
    first = facts.arp[0]  # "Internet  172.16.233.229  -  0000.0c59.f892  ARPA  Ethernet0/0"
    assert (first.address, first.mac, first.port) == ("172.16.233.229", "00:00:0c:59:f8:92",
                                                      "Ethernet0/0")  # fmt: skip


def test_nxos_port_channel_without_members_and_static_protocol() -> None:
    facts = facts_of("cisco_nxos", {"show port-channel summary": recording(
        "cisco_nxos", "show_port-channel_summary", "cisco_nxos_show_port-channel_summary3")})
    lags = {m.lag for m in facts.lags}
    assert "Port-channel135" not in lags  # "Po135(SD)  Eth  NONE  --"
    assert LagMember("Port-channel136", "Ethernet1/6", "lacp", False) in facts.lags  # (D)
    assert LagMember("Port-channel200", "Ethernet1/22", "lacp", True) in facts.lags  # (P)


def test_junos_chassis_hardware_nests_parts_and_a_transceiver_serves_its_port() -> None:
    facts = facts_of("juniper_junos", {
        "show chassis hardware": recording("juniper_junos", "show_chassis_hardware"),
        "show interfaces": recording("juniper_junos", "show_interfaces"),
    })  # fmt: skip
    parts = {c.index: c for c in facts.components}
    xcvr = parts["FPC 0 MIC 0 PIC 0 Xcvr 0"]
    assert (xcvr.kind, xcvr.contained_in, xcvr.port) == ("transceiver", "FPC 0 MIC 0 PIC 0",
                                                         "ge-0/0/0")  # fmt: skip
    assert (xcvr.model, xcvr.serial) == ("740-011571", "USASR24490")
    assert parts["FPC 0 MIC 0 PIC 0"].contained_in == "FPC 0 MIC 0"
    assert parts["FPC 0"].contained_in == "Chassis" and parts["Chassis"].contained_in is None
    assert (parts["PEM 0"].kind, parts["Chassis"].kind) == ("power_supply", "chassis")


def test_nxos_inventory_kinds_and_transceivers_on_their_ports() -> None:
    facts = facts_of("cisco_nxos", {
        "show inventory": recording("cisco_nxos", "show_inventory", "cisco_nxos_show_inventory1"),
        "show interface": recording("cisco_nxos", "show_interface"),
    })  # fmt: skip
    kinds = {c.index: c.kind for c in facts.components}
    assert kinds["Chassis"] == "chassis"
    assert kinds["Slot 1"] == kinds["Slot 2"] == "module"  # "... Ethernet Module"
    assert kinds["Power Supply 1"] == kinds["Slot 33"] == "power_supply"
    assert kinds["Fan 1"] == kinds["Slot 35"] == "fan"
    sfp = next(c for c in facts.components if c.name == "Ethernet1/46")
    assert (sfp.kind, sfp.model) == ("transceiver", "10Gbase-SR")


def test_eos_numbered_slots_are_told_apart_by_kind() -> None:
    facts = facts_of("arista_eos", {"show inventory": recording("arista_eos", "show_inventory")})
    keys = [c.index for c in facts.components]
    assert len(keys) == len(set(keys))
    assert keys[:4] == ["chassis", "power_supply 1", "power_supply 2", "fan 1"]
    assert "transceiver 51" in keys
    assert all(c.name not in ("Management", "Switched") for c in facts.components)  # counts


def test_component_keys_stay_unique_when_names_repeat() -> None:
    items = [InventoryItem("Chassis", "C", "X1", "S1", None),
             InventoryItem("NM", "One port", "NM-1FE-TX=", "S2", None),
             InventoryItem("NM", "One port", "NM-1FE-TX=", "S3", None),
             InventoryItem("NM", "One port", "NM-1FE-TX=", "S4", None)]  # fmt: skip
    got = components_from_inventory(items, items[0], ())
    assert [c.index for c in got] == ["Chassis", "NM", "NM #2", "NM #3"]
    assert got[1] == ComponentFacts(index="NM", kind="module", name="NM", description="One port",
                                    model="NM-1FE-TX=", serial="S2")  # fmt: skip


@pytest.mark.parametrize(("text", "protocol", "expected"), [
    ("Router Switch IGMP", "cdp", ("router", "switch", "igmp")),
    ("R S I", "cdp", ("router", "switch", "igmp")),
    ("H P", "cdp", ("host", "phone")),
    ("T B", "cdp", ("trans-bridge", "source-route-bridge")),
    ("Router Trans-Bridge Phone", "cdp", ("router", "trans-bridge", "phone")),
    ("B,R", "lldp", ("bridge", "router")),
    ("B,T", "lldp", ("bridge", "telephone")),
    ("W", "lldp", ("wlan-access-point",)),
    ("S", "lldp", ("station",)),
    ("", "lldp", ()),
    (None, "cdp", ()),
])  # fmt: skip
def test_capabilities_read_as_the_protocol_spells_them(
    text: str | None, protocol: str, expected: tuple[str, ...]
) -> None:
    assert capabilities(text, protocol) == expected  # type: ignore[arg-type]


def test_neighbours_carry_capabilities_and_interfaces_their_hardware_type() -> None:
    facts = facts_of("cisco_ios", {
        "show cdp neighbors detail": recording("cisco_ios", "show_cdp_neighbors_detail"),
        "show interfaces": recording("cisco_ios", "show_interfaces"),
    })  # fmt: skip
    assert all(n.remote_capabilities for n in facts.neighbours)
    assert facts.interfaces[0].descr == "iGbE"  # "Hardware is iGbE, address is ..."


@pytest.mark.parametrize(("platform", "command", "getter"), [
    ("cisco_ios", "show etherchannel summary", "lags"),
    ("cisco_ios", "show interfaces switchport", "vlans"),
    ("cisco_nxos", "show port-channel summary", "lags"),
    ("cisco_nxos", "show interface switchport", "vlans"),
    ("cisco_nxos", "show inventory", "components"),
    ("arista_eos", "show port-channel summary", "lags"),
    ("juniper_junos", "show lacp interfaces", "lags"),
    ("juniper_junos", "show ethernet-switching interfaces", "vlans"),
    ("juniper_junos", "show chassis hardware", "components"),
])  # fmt: skip
def test_a_rejected_depth_command_leaves_only_its_getter_incomplete(
    platform: str, command: str, getter: str
) -> None:
    assert command in {c.key for c in get_platform(platform).commands}
    facts = ssh_facts(ParsedTarget(platform, ()), target=TARGET, failed_commands=(command,))
    assert getter in facts.coverage.getters and getter in facts.coverage.incomplete
    assert not facts.coverage.unaccounted
    assert facts.coverage.incomplete <= {getter, "inventory"}


class OldIos:
    """A session of an IOS that knows none of the depth commands."""

    def __init__(self) -> None:
        self.version = recording("cisco_ios", "show_version", "cisco_ios_show_version")

    def send_command(self, command_string: str, *, read_timeout: float) -> str:
        if command_string in ("show interfaces switchport", "show etherchannel summary"):
            return "             ^\n% Invalid input detected at '^' marker.\n"
        return self.version if command_string == "show version" else ""

    def disconnect(self) -> None:
        """Nothing to close."""


def test_a_device_rejecting_the_depth_commands_is_still_discovered() -> None:
    def connect(*_args: object) -> OldIos:
        return OldIos()

    result = collect_target(SSHTarget(TARGET, "cisco_ios"), CREDS, connect=connect)
    assert result.failure is None and result.complete  # the depth commands are optional
    assert set(result.command_failures) == {"show interfaces switchport",
                                            "show etherchannel summary"}  # fmt: skip
    facts = ssh_facts(parse_collected(result), target=TARGET,
                      failed_commands=tuple(result.command_failures))  # fmt: skip
    assert facts.system.name == "router1"  # "router1 uptime is 2 years, ..."
    assert facts.coverage.incomplete == {"vlans", "lags"}
    assert not facts.coverage.unaccounted


@pytest.mark.parametrize(("name", "pid", "descr", "kind"), [
    ("Slot 9", "CE-MPUA-S", None, "module"),  # VRP `display device`: a card in a slot
    ("Slot PWR1", "PHD-3000WA", None, "power_supply"),
    ("Chassis 1 Power 1", "LSTM2PSRA", "H3C", "power_supply"),  # Comware manuinfo
    ("Chassis 1 Slot 0", "LSXM1TGS24EB1", "H3C", "module"),
    ("Member 1 Chassis", "LS-12511-X-AC", "H3C", "chassis"),
    ("Slot 33", "N7K-AC-6.0KW", "Nexus7000 C7009 (9 Slot) Chassis Power Supply", "power_supply"),
    ("GigabitEthernet1/0/49", "GLC-SX-MMD", "1000BaseSX SFP", "transceiver"),
    ("Widget", "XYZ-1", None, "other"),
])  # fmt: skip
def test_component_kinds_of_the_vendors_we_serve(
    name: str, pid: str, descr: str | None, kind: str
) -> None:
    assert component_kind(InventoryItem(name, descr, pid, "S1", None)) == kind
