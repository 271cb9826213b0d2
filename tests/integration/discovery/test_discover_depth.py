"""Issue 11's depth through the normalizer into Neo4j: a module moved from one chassis to
another is one CI whose containment moves (both chassis' links kept, one closed); a
switch's components, LAG, VLAN members and endpoints ingested twice alike change
nothing; an endpoint that vanishes goes absent like any CI its scope no longer reports.

The devices are DeviceFacts written here, as a driver would fill them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cmdb.config import Config, Lifecycle
from cmdb.ingest import Ingestor
from cmdb.ingest.result import IngestResult
from cmdb.schema import Schema
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
from tests.graph_checks import check_nodes, check_rels

pytestmark = pytest.mark.neo4j

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
GETTERS: frozenset[Getter] = frozenset({"system", "interfaces", "neighbours", "fdb", "vlans",
                                        "components", "lags", "arp"})  # fmt: skip
PORTS = ("GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3",
         "Port-channel1")  # fmt: skip
MODULE = "FDO4242MOD"
PHONE_MAC = "00:1b:54:aa:bb:01"
HOST_MAC = "52:54:00:12:34:56"


def chassis(serial: str, *, module: bool, **rows: object) -> DeviceFacts:
    """A switch whose chassis has one slot, holding the module MODULE when `module`."""
    components = [ComponentFacts("1", "chassis", "Chassis", serial=serial),
                  ComponentFacts("2", "slot", "Slot 1", contained_in="1", position=1)]  # fmt: skip
    if module:
        components.append(ComponentFacts("3", "module", "Uplink module", serial=MODULE,
                                         contained_in="2", model="C3850-NM-4-10G"))  # fmt: skip
    return DeviceFacts(
        source="snmp",
        system=SystemFacts(kind="switch", name=f"sw-{serial.lower()}", serial=serial),
        coverage=Coverage(getters=GETTERS),
        interfaces=tuple(InterfaceFacts(name, if_index=i) for i, name in enumerate(PORTS, 1)),
        components=tuple(components),
        **rows,  # type: ignore[arg-type]
    )


def ingest(ingestor: Ingestor, facts: DeviceFacts, target: str, at: datetime) -> IngestResult:
    return ingestor.ingest(normalize_device(facts, target=target, observed_at=at, run_id=None))


@pytest.mark.parametrize("b_first", [True, False], ids=["new-chassis-first", "old-first"])
def test_a_module_moved_to_another_chassis_is_one_ci_in_both_chassis_history(
    graph: neo4j.Driver, schema: Schema, config: Config, b_first: bool
) -> None:
    ingestor = Ingestor(graph, schema, config)
    ingest(ingestor, chassis("CHA", module=True), "192.0.2.31", T0)
    ingest(ingestor, chassis("CHB", module=False), "192.0.2.32", T0)
    moved = [(chassis("CHB", module=True), "192.0.2.32"),
             (chassis("CHA", module=False), "192.0.2.31")]  # fmt: skip
    for facts, target in moved if b_first else moved[::-1]:
        ingest(ingestor, facts, target, T0 + timedelta(hours=1))
    assert check_nodes(graph, "SerializedComponent", ["serial_number", "status"]) == {
        ("CHA", "active"), ("CHB", "active"), (MODULE, "active")}  # fmt: skip
    held = check_rels(graph, "NetworkDevice", "HAS_COMPONENT", "SerializedComponent",
                      ["a.serial_number", "r.since", "r.until"],
                      match_to={"serial_number": MODULE})  # fmt: skip
    assert held == {("CHA", T0, T0 + timedelta(hours=1)), ("CHB", T0 + timedelta(hours=1), None)}
    slots = check_rels(graph, "LocalComponent", "CONTAINS", "SerializedComponent",
                       ["a.uid", "r.until"], match_to={"serial_number": MODULE})  # fmt: skip
    slot_of = dict(check_rels(graph, "NetworkDevice", "HAS_COMPONENT", "LocalComponent",
                              ["b.uid", "a.serial_number"], match_to={"name": "Slot 1"}))
    assert {(slot_of[uid], until is None) for uid, until in slots} == {("CHA", False),
                                                                      ("CHB", True)}


def access_switch(*, phone: bool) -> DeviceFacts:
    phone_row = NeighbourFacts(
        "lldp", 1, "SEP001B54AABB01", "port 1", remote_chassis_mac=PHONE_MAC,
        remote_platform="Cisco IP Phone 8841", remote_addresses=("10.9.0.31",),
        remote_capabilities=("bridge", "telephone"))  # fmt: skip
    return chassis(
        "ACC1", module=True,
        neighbours=(phone_row,) if phone else (),
        fdb=(FdbEntry(HOST_MAC, 2, True),),
        arp=(ArpEntry("10.9.0.50", HOST_MAC, 4),),
        lags=(LagMember(4, 3, "lacp", True),),
        vlans=(VlanFacts(10, "users", (VlanMember(1, False), VlanMember(3, True))),),
    )  # fmt: skip


def test_a_second_identical_run_changes_nothing_and_a_vanished_endpoint_goes_absent(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=1))
    ingestor = Ingestor(graph, schema, config)
    first = ingest(ingestor, access_switch(phone=True), "192.0.2.40", T0)
    assert first.changeset_id is not None and not first.duplicates
    again = ingest(ingestor, access_switch(phone=True), "192.0.2.40", T0 + timedelta(minutes=10))
    assert again.changeset_id is None, again.diff[:3]
    assert check_nodes(graph, "Endpoint", ["primary_mac", "endpoint_kind", "management_ip"]) == {
        (PHONE_MAC, "phone", "10.9.0.31"), (HOST_MAC, None, "10.9.0.50")}  # fmt: skip
    assert check_rels(graph, "Interface", "LAG_MEMBER_OF", "Interface", ["a.name", "b.name"]) == {
        ("GigabitEthernet1/0/3", "Port-channel1")}  # fmt: skip
    gone = ingest(ingestor, access_switch(phone=False), "192.0.2.40", T0 + timedelta(hours=2))
    assert gone.went_absent >= 1
    assert check_nodes(graph, "Endpoint", ["primary_mac", "status"]) == {
        (PHONE_MAC, "absent"), (HOST_MAC, "active")}  # fmt: skip
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface",
                       ["a.name", "b.name", "r.until"])  # fmt: skip
    # stored once, its ends in uid order: read both ways
    assert {(frozenset({a, b}), until is None) for a, b, until in links} == {
        (frozenset({"GigabitEthernet1/0/1", "port 1"}), False),
        (frozenset({"GigabitEthernet1/0/2", HOST_MAC}), True),
    }  # fmt: skip
