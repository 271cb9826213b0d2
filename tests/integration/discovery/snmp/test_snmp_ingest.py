"""The eight recordings, normalized and ingested into a real Neo4j: devices, their
interfaces, neighbours parked as pending links, and a re-run that changes nothing; and
one of them as a device that no classification rule recognises."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.neo4j,
]


def changesets(at: datetime) -> list[ChangeSet]:
    """One change set per recording, each recording at its own address."""
    paths = sorted(LAB.glob("*.snmprec"))
    return [
        normalize_snmp(
            parse_device(load_snmprec(path).varbinds),
            target=f"192.0.2.{n}",
            observed_at=at,
            coverage=None,
            run_id=f"run-{at:%H%M}",
        )
        for n, path in enumerate(paths, start=1)
    ]


def rows(driver: neo4j.Driver, query: str) -> set[tuple[object, ...]]:
    records, _, _ = driver.execute_query(query)
    return {tuple(r.values()) for r in records}


def test_recordings_ingest_and_rerun_changes_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ingestor = Ingestor(graph, schema, config)
    first = changesets(AT)
    assert len(first) == 8
    for cs in first:
        assert ingestor.ingest(cs).changeset_id is not None, cs.label()

    devices = [cs.cis[0] for cs in first]
    assert {d.key for d in devices} == {"dev"}
    want_devices = {
        (d.class_, d.attributes["management_ip"], d.attributes.get("serial_number"))
        for d in devices
    }
    got_devices = rows(
        graph,
        "MATCH (d:Device) WHERE d.status = 'active' "
        "RETURN d._class, d.management_ip, d.serial_number",
    )
    assert got_devices == want_devices
    assert sum(1 for _c, _ip, serial in got_devices if serial) >= 5

    want_interfaces = {
        (cs.cis[0].attributes["management_ip"], ci.attributes["name"])
        for cs in first
        for ci in cs.cis
        if ci.class_ == "Interface"
    }
    got_interfaces = rows(
        graph,
        "MATCH (d:Device)-[r:HAS_INTERFACE]->(i:Interface) WHERE r.until IS NULL "
        "RETURN d.management_ip, i.name",
    )
    assert got_interfaces == want_interfaces

    # no recording is a neighbour of another: every LLDP/CDP far end is waiting
    ((pending,),) = rows(graph, "MATCH (p:PendingLink {type: 'CONNECTED_TO'}) RETURN count(p)")
    assert isinstance(pending, int) and pending > 0

    ((software,),) = rows(
        graph, "MATCH (:Software)-[r:INSTALLED_ON]->(:Device) WHERE r.until IS NULL "
        "RETURN count(r)"
    )  # fmt: skip
    assert software == sum(1 for cs in first for lk in cs.links if lk.type == "INSTALLED_ON")

    for cs in changesets(AT + timedelta(minutes=10)):
        result = ingestor.ingest(cs)
        assert result.changeset_id is None, (cs.label(), result.diff[:3])


def test_a_device_no_rule_classifies_is_on_record_as_unclassified(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """A recording whose kind is taken away, as when no classification rule matches: the
    device and its interfaces are in the graph, the device as a Device of its own class
    with the sysDescr to write a rule from, and a re-run changes nothing."""
    ingestor = Ingestor(graph, schema, config)
    path = LAB / "nxos_n3k-3064pq.snmprec"

    def unclassified(at: datetime) -> ChangeSet:
        snap = parse_device(load_snmprec(path).varbinds)
        found = dataclasses.replace(snap.classification, kind=None)
        return normalize_snmp(dataclasses.replace(snap, classification=found),
                              target="192.0.2.1", observed_at=at, coverage=None)  # fmt: skip

    first = unclassified(AT)
    result = ingestor.ingest(first)
    dev = first.cis[0]
    assert dev.class_ == "UnclassifiedDevice"
    got = rows(
        graph,
        "MATCH (d:CI:Device:UnclassifiedDevice)-[r:HAS_INTERFACE]->(i:Interface) "
        "WHERE r.until IS NULL RETURN d.uid, d.sys_object_id, d.sys_descr, i.name",
    )
    assert got == {
        (result.uids["dev"], dev.attributes["sys_object_id"], dev.attributes["sys_descr"],
         ci.attributes["name"])
        for ci in first.cis if ci.class_ == "Interface"
    }  # fmt: skip
    assert ingestor.ingest(unclassified(AT + timedelta(minutes=10))).changeset_id is None
