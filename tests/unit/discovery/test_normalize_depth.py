"""normalize_device on the depth of issue 11, over DeviceFacts written here: hardware
components and their containment, LAG membership, VLAN membership with what it is, the
interface's ifDescr, endpoints told by LLDP/CDP or placed by the FDB and ARP, and what a
change set certifies when those getters fail. Every change set is validated against the
schema, so a fact the model cannot hold fails here too.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cmdb.observations import ChangeSet, CIRef
from cmdb.schema import Schema, load_schema
from cmdb.validate import validate
from discovery.facts import (
    ArpEntry,
    ComponentFacts,
    Coverage,
    DeviceFacts,
    FdbEntry,
    Getter,
    InterfaceFacts,
    LagMember,
    NeighbourFacts,
    SystemFacts,
    VlanFacts,
    VlanMember,
)
from discovery.normalize import normalize_device

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TARGET = "192.0.2.20"
PORTS = ("GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3",
         "GigabitEthernet1/0/4", "Port-channel1")  # fmt: skip
ALL_GETTERS: frozenset[Getter] = frozenset({"system", "interfaces", "neighbours", "fdb", "vlans", "components",
                         "lags", "arp"})  # fmt: skip
PHONE_MAC = "00:1b:54:aa:bb:01"
HOST_MAC = "52:54:00:12:34:56"


@cache
def schema() -> Schema:
    return load_schema()


def switch(**rows: Any) -> DeviceFacts:
    """An access switch with five ports (ifIndex 1-5) and whatever rows are given."""
    return DeviceFacts(
        source="snmp",
        system=SystemFacts(kind="switch", name="acc-01.example.net", serial="FOC0001"),
        coverage=Coverage(getters=ALL_GETTERS),
        interfaces=tuple(
            InterfaceFacts(name, if_index=i, descr=f"descr of {name}")
            for i, name in enumerate(PORTS, start=1)
        ),
        **rows,
    )


def normalized(facts: DeviceFacts) -> ChangeSet:
    cs = normalize_device(facts, target=TARGET, observed_at=AT, run_id="run-1")
    validate(schema(), cs)
    return cs


def cis_of(cs: ChangeSet, cls: str) -> dict[str, dict[str, Any]]:
    return {ci.key or "": dict(ci.attributes) for ci in cs.cis if ci.class_ == cls}


def parent_of(cs: ChangeSet, key: str) -> str | None:
    (ci,) = (c for c in cs.cis if c.key == key)
    return None if ci.parent is None else ci.parent.ref


def name_of(cs: ChangeSet, ref: CIRef) -> object:
    """A link end as a name: the CI's of this change set, or its reference's identifiers."""
    if ref.ref is not None:
        (ci,) = (c for c in cs.cis if c.key == ref.ref)
        held = ci.attributes
        return held.get("name") or held.get("address") or held.get("primary_mac") or ref.ref
    return (ref.class_, tuple(sorted((ref.identifiers or {}).items())))


def links_of(cs: ChangeSet, kind: str) -> set[tuple[object, ...]]:
    """(source name, target name, sorted attributes) of each link of `kind`."""
    return {(name_of(cs, link.source), name_of(cs, link.target),
             tuple(sorted(link.attributes.items())))
            for link in cs.links if link.type == kind}  # fmt: skip


# -- components -------------------------------------------------------------------------
STACK = (
    ComponentFacts("1", "chassis", "Switch 1", serial="FOC0001", model="WS-C3850-48P"),
    ComponentFacts("2", "slot", "Slot 1", contained_in="1", position=1),
    ComponentFacts("3", "module", "Uplink module", serial="FDO1234", contained_in="2",
                   model="C3850-NM-4-10G", hardware_rev="V01", field_replaceable=True),
    ComponentFacts("4", "port", "Gi1/0/3", contained_in="3", port=3),
    ComponentFacts("5", "transceiver", "SFP Gi1/0/3", serial="AGM5555", contained_in="4",
                   description="1000BaseSX SFP", vendor="CISCO-AVAGO", model="SFBR-5799"),
    ComponentFacts("6", "power_supply", "PSU A", serial="LIT777", contained_in="1"),
    ComponentFacts("7", "fan", "Fan", contained_in="1"),
    ComponentFacts("8", "fan", "Fan", contained_in="1"),
    ComponentFacts("9", "power_supply", "PSU B", serial="FOC0001", contained_in="1"),
)  # fmt: skip


def test_a_serial_of_its_own_identifies_a_component_else_its_name_within_the_device() -> None:
    cs = normalized(switch(components=STACK))
    serialized = cis_of(cs, "SerializedComponent")
    assert {a["name"]: a.get("serial_number") for a in serialized.values()} == {
        "Uplink module": "FDO1234", "SFP Gi1/0/3": "AGM5555", "PSU A": "LIT777",
    }  # fmt: skip
    # FOC0001 is told by the chassis and by PSU B: it identifies neither; two fans of
    # one name are told apart by their index
    local = cis_of(cs, "LocalComponent")
    assert sorted(a["name"] for a in local.values()) == [
        "Fan [7]", "Fan [8]", "PSU B", "Slot 1", "Switch 1"]  # fmt: skip
    assert all(parent_of(cs, key) == "dev" for key in local)
    assert all(parent_of(cs, key) is None for key in serialized)
    assert links_of(cs, "HAS_COMPONENT") == {
        ("acc-01", name, ()) for name in ("Uplink module", "SFP Gi1/0/3", "PSU A")}  # fmt: skip
    (module,) = (a for a in serialized.values() if a["name"] == "Uplink module")
    assert module == {
        "name": "Uplink module", "component_kind": "module", "component_index": "3",
        "serial_number": "FDO1234", "model": "C3850-NM-4-10G", "hardware_rev": "V01",
        "field_replaceable": True,
    }  # fmt: skip
    assert "Gi1/0/3" not in {a["name"] for a in (*serialized.values(), *local.values())}


def test_containment_runs_through_port_entities_to_the_interfaces_carried() -> None:
    cs = normalized(switch(components=STACK))
    assert links_of(cs, "CONTAINS") == {
        ("Switch 1", "Slot 1", ()), ("Slot 1", "Uplink module", ()),
        # the transceiver sits in a port entity: the module holding the port contains it
        ("Uplink module", "SFP Gi1/0/3", ()),
        ("Switch 1", "PSU A", ()), ("Switch 1", "Fan [7]", ()), ("Switch 1", "Fan [8]", ()),
        ("Switch 1", "PSU B", ()),
    }  # fmt: skip
    assert links_of(cs, "CARRIES") == {
        ("Uplink module", "GigabitEthernet1/0/3", ()), ("SFP Gi1/0/3", "GigabitEthernet1/0/3", ()),
    }  # fmt: skip


def test_a_containment_loop_in_the_table_ends_and_leaves_no_link_of_a_component_to_itself(
) -> None:  # fmt: skip
    loop = (ComponentFacts("1", "module", "A", contained_in="2"),
            ComponentFacts("2", "port", "p", contained_in="1"))  # fmt: skip
    cs = normalized(switch(components=loop))
    assert links_of(cs, "CONTAINS") == set()
    assert set(cis_of(cs, "LocalComponent")) == {"hw:1"}


# -- LAGs, VLANs, descr ------------------------------------------------------------------
def test_lag_members_link_to_their_aggregate_with_protocol_and_state() -> None:
    lags = (LagMember(5, 1, "lacp", True), LagMember(5, 2, "lacp", False),
            LagMember(5, 99, "lacp", True), LagMember(5, 5),
            LagMember("Port-channel2", "GigabitEthernet1/0/3", "static"))  # fmt: skip
    cs = normalized(switch(lags=lags))
    assert links_of(cs, "LAG_MEMBER_OF") == {
        ("GigabitEthernet1/0/1", "Port-channel1", (("active", True), ("protocol", "lacp"))),
        ("GigabitEthernet1/0/2", "Port-channel1", (("active", False), ("protocol", "lacp"))),
        # ports not among the interfaces: by their ifIndex or name on the device
        (("Interface", (("if_index", 99),)), "Port-channel1",
         (("active", True), ("protocol", "lacp"))),
        ("GigabitEthernet1/0/3", ("Interface", (("name", "Port-channel2"),)),
         (("protocol", "static"),)),
    }  # fmt: skip


def test_vlan_membership_says_tagged_and_access_native_or_tagged() -> None:
    vlans = (
        VlanFacts(10, "users", (VlanMember(1, False), VlanMember(4, True), VlanMember(3))),
        VlanFacts(20, "voice", (VlanMember(4, False), VlanMember(2, True))),
    )  # fmt: skip
    cs = normalized(switch(vlans=vlans))
    assert links_of(cs, "IN_VLAN") == {
        ("GigabitEthernet1/0/1", "users", (("mode", "access"), ("tagged", False))),
        ("GigabitEthernet1/0/4", "users", (("mode", "tagged"), ("tagged", True))),
        ("GigabitEthernet1/0/3", "users", ()),  # the source did not tell
        ("GigabitEthernet1/0/4", "voice", (("mode", "native"), ("tagged", False))),
        ("GigabitEthernet1/0/2", "voice", (("mode", "tagged"), ("tagged", True))),
    }  # fmt: skip


def test_an_interface_keeps_its_ifdescr() -> None:
    cs = normalized(switch())
    assert {a["name"]: a["descr"] for a in cis_of(cs, "Interface").values()} == {
        name: f"descr of {name}" for name in PORTS}  # fmt: skip


# -- endpoints ---------------------------------------------------------------------------
def neighbour(**told: Any) -> NeighbourFacts:
    base: dict[str, Any] = {"protocol": "lldp", "local_port": 1, "remote_name": None,
                            "remote_port": None}  # fmt: skip
    return NeighbourFacts(**(base | told))


PHONE = neighbour(remote_name="SEP001B54AABB01", remote_port="port 1",
                  remote_chassis_mac=PHONE_MAC, remote_platform="Cisco IP Phone 8841",
                  remote_description="SIP88xx.14-1-1", remote_addresses=("10.9.0.31",),
                  remote_capabilities=("bridge", "telephone"))  # fmt: skip


def test_a_phone_told_by_lldp_is_an_endpoint_with_what_it_told_linked_to_its_port() -> None:
    cs = normalized(switch(neighbours=(PHONE,)))
    assert list(cis_of(cs, "Endpoint").values()) == [{
        "name": "SEP001B54AABB01", "hostname": "sep001b54aabb01", "primary_mac": PHONE_MAC,
        "management_ip": "10.9.0.31", "endpoint_kind": "phone",
        "description": "SIP88xx.14-1-1", "platform": "Cisco IP Phone 8841",
        "capabilities": ["bridge", "telephone"],
    }]  # fmt: skip
    assert links_of(cs, "CONNECTED_TO") == {("GigabitEthernet1/0/1", "port 1", ())}
    (port,) = (k for k, a in cis_of(cs, "Interface").items() if a["name"] == "port 1")
    assert parent_of(cs, port) == f"ep:{PHONE_MAC}"


def test_what_a_neighbour_is_decides_endpoint_or_network_device() -> None:
    told = {
        "bridge and router": (("bridge", "router"), None),
        "bridge": (("bridge",), None),
        "nothing": ((), None),
        "access point": (("Bridge", "WLAN Access Point"), None),
        "station": (("station",), None),
        "CDP host": (("Host",), None),
        "CDP AP": (("Trans-Bridge", "IGMP"), "cisco AIR-AP1252AG-A-K9"),
        "CDP AP told nothing": ((), "cisco AIR-CAP1602I-C-K9"),
        "wireless controller": ((), "AIR-CT5508-K9"),
    }
    kinds = {}
    for label, (caps, platform) in told.items():
        cs = normalized(switch(neighbours=(neighbour(
            remote_name="far-01", remote_port="Gi0/1", remote_chassis_mac="02:00:00:00:00:09",
            remote_capabilities=caps, remote_platform=platform),)))  # fmt: skip
        kinds[label] = [a["endpoint_kind"] for a in cis_of(cs, "Endpoint").values()]
        if not kinds[label]:  # as before: the far port on a network device, maybe pending
            (link,) = cs.links
            assert link.target.parent is not None
            assert link.target.parent.class_ == "NetworkDevice"
    assert kinds == {"bridge and router": [], "bridge": [], "nothing": [],
                     "access point": ["access_point"], "station": ["station"],
                     "CDP host": ["station"], "CDP AP": ["access_point"],
                     "CDP AP told nothing": ["access_point"], "wireless controller": []}  # fmt: skip


def test_a_neighbour_on_a_port_missing_from_the_interfaces_is_kept_on_its_ifindex() -> None:
    far = neighbour(local_port=77, remote_name="core-01", remote_port="Gi0/1",
                    remote_capabilities=("bridge",))  # fmt: skip
    cs = normalized(switch(neighbours=(far,)))
    (link,) = cs.links
    assert (link.source.class_, link.source.identifiers) == ("Interface", {"if_index": 77})
    assert link.source.parent == CIRef(ref="dev")


def test_a_camera_is_told_by_its_name_or_platform_and_named_by_host_without_a_mac() -> None:
    camera = neighbour(remote_name="cam-gate.example.net", remote_port="eth0",
                       remote_platform="Hikvision DS-2CD2143G0-I")  # fmt: skip
    cs = normalized(switch(neighbours=(camera,)))
    ((key, attrs),) = cis_of(cs, "Endpoint").items()
    assert key == "ep:cam-gate"
    assert (attrs["hostname"], attrs["endpoint_kind"]) == ("cam-gate", "camera")
    assert links_of(cs, "CONNECTED_TO") == {("GigabitEthernet1/0/1", "eth0", ())}


def test_an_fdb_host_the_arp_table_resolves_is_an_endpoint_with_its_address() -> None:
    fdb = (FdbEntry(HOST_MAC, 2, True), FdbEntry("52:54:00:00:00:77", 3, True))
    arp = (ArpEntry("10.9.0.50", HOST_MAC, 5), ArpEntry("10.9.0.51", HOST_MAC, 5, "blue"),
           ArpEntry("10.9.0.50", HOST_MAC, 5), ArpEntry("10.9.0.60", None, 5))  # fmt: skip
    cs = normalized(switch(fdb=fdb, arp=arp))
    assert list(cis_of(cs, "Endpoint").values()) == [
        {"primary_mac": HOST_MAC, "management_ip": "10.9.0.50"}]
    assert links_of(cs, "CONNECTED_TO") == {
        ("GigabitEthernet1/0/2", HOST_MAC, ()),
        # no ARP row: the MAC's interface, wherever it is, as before
        ("GigabitEthernet1/0/3", ("Interface", (("mac", "52:54:00:00:00:77"),)), ()),
    }  # fmt: skip
    assert links_of(cs, "HAS_ADDRESS") == {(HOST_MAC, "10.9.0.50", ()),
                                           (HOST_MAC, "10.9.0.51", ())}  # fmt: skip
    assert sorted((a["address"], a.get("vrf")) for a in cis_of(cs, "IPAddress").values()) == [
        ("10.9.0.50", None), ("10.9.0.51", "blue")]  # fmt: skip


def test_a_second_identical_run_gives_the_same_change_set() -> None:
    facts = switch(components=STACK, neighbours=(PHONE,), lags=(LagMember(5, 1, "lacp", True),),
                   fdb=(FdbEntry(HOST_MAC, 2, True),), arp=(ArpEntry("10.9.0.50", HOST_MAC, 5),))
    assert normalized(facts) == normalized(facts)


# -- coverage ----------------------------------------------------------------------------
def certified(incomplete: frozenset[Getter]) -> tuple[set[str], set[str]]:
    facts = dataclasses.replace(switch(), coverage=Coverage(
        getters=ALL_GETTERS, failed=("some table",), incomplete=incomplete))  # fmt: skip
    cs = normalized(facts)
    assert cs.certified_classes is not None and cs.certified_links is not None
    return set(cs.certified_classes), set(cs.certified_links)


def test_what_a_failed_depth_getter_leaves_uncertified() -> None:
    classes, links = certified(frozenset({"components"}))
    assert not {"SerializedComponent", "LocalComponent"} & classes
    assert not {"HAS_COMPONENT", "CONTAINS", "CARRIES"} & links
    assert {"Endpoint", "Interface", "LAG_MEMBER_OF", "IN_VLAN"} <= classes | links
    classes, links = certified(frozenset({"lags"}))
    assert "LAG_MEMBER_OF" not in links
    assert {"SerializedComponent", "CONTAINS"} <= classes | links
    classes, links = certified(frozenset({"arp"}))
    assert "Endpoint" not in classes
    assert "CONNECTED_TO" not in links
    classes, links = certified(frozenset({"interfaces"}))
    assert not {"LAG_MEMBER_OF", "CARRIES", "IN_VLAN"} & links
