"""The eight recordings, normalized and ingested into a real Neo4j: devices, their
interfaces, neighbours parked as pending links, and a re-run that changes nothing; and
one of them as a device that no classification rule recognises."""

from __future__ import annotations

import dataclasses
from collections import Counter
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
from tests.graph_checks import check_nodes, check_rels, count_rels
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.neo4j,
]


# The project's first eight walks: what this scenario (neighbours parked, a re-run, an
# unrecognised device) is written against. Every walk of the lab is normalized in
# tests/unit/discovery/snmp/test_snmp_normalize.py and discovered and ingested twice by
# tests/integration/discovery/test_discover_lab.py.
EIGHT = ("arista_eos", "ios_2960x", "jetdirect_m252dw", "junos_mx5t-isis", "linux_icecast",
         "nxos_n3k-3064pq", "routeros", "windows_svr_2019_1809")  # fmt: skip


def changesets(at: datetime) -> list[ChangeSet]:
    """One change set per recording, each recording at its own address."""
    paths = [LAB / f"{name}.snmprec" for name in EIGHT]
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
    # the devices, and the endpoints (phones, access points) their neighbour tables told of
    want_devices = {
        (d.class_, d.attributes.get("management_ip"), d.attributes.get("serial_number"))
        for cs in first for d in cs.cis if d.key == "dev" or d.class_ == "Endpoint"
    }  # fmt: skip
    got_devices = check_nodes(
        graph, "Device", ["_class", "management_ip", "serial_number"], {"status": "active"}
    )
    assert got_devices == want_devices
    assert sum(1 for _c, _ip, serial in got_devices if serial) >= 5

    def owner_ip(cs: ChangeSet, ref: str | None) -> object:
        return next(ci.attributes.get("management_ip") for ci in cs.cis if ci.key == ref)

    want_interfaces = {
        (owner_ip(cs, ci.parent.ref if ci.parent else None), ci.attributes["name"])
        for cs in first
        for ci in cs.cis
        if ci.class_ == "Interface"
    }
    got_interfaces = check_rels(graph, "Device", "HAS_INTERFACE", "Interface",
                                ["a.management_ip", "b.name"], open_only=True)  # fmt: skip
    assert got_interfaces == want_interfaces

    # no recording is a neighbour of another: every LLDP/CDP far end is waiting, parked
    # under the scope that reported it, from the port that saw it
    waiting: Counter[tuple[str | None, object]] = Counter()
    for cs in first:
        name = {ci.key: ci.attributes.get("name") for ci in cs.cis}
        waiting.update((cs.scope, name[lk.source.ref]) for lk in cs.links
                       if lk.type == "CONNECTED_TO" and lk.source.ref and not lk.target.ref)  # fmt: skip
    pending = check_nodes(graph, "PendingLink", ["key", "scope", "known_uid"],
                          {"type": "CONNECTED_TO"})  # fmt: skip
    port = dict(check_nodes(graph, "Interface", ["uid", "name"]))
    assert Counter((scope, port[uid]) for _key, scope, uid in pending) == waiting and pending

    software = check_rels(graph, "Software", "INSTALLED_ON", "Device",
                          ["a.uid", "b.management_ip"], open_only=True)  # fmt: skip
    assert Counter(ip for _uid, ip in software) == Counter(
        cs.cis[0].attributes["management_ip"]
        for cs in first for lk in cs.links if lk.type == "INSTALLED_ON"
    )  # fmt: skip
    assert count_rels(graph, "Software", "INSTALLED_ON", "Device", open_only=True) == len(software)

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
    got = check_rels(graph, "CI:Device:UnclassifiedDevice", "HAS_INTERFACE", "Interface",
                     ["a.uid", "a.sys_object_id", "a.sys_descr", "b.name"], open_only=True)  # fmt: skip
    assert got == {
        (result.uids["dev"], dev.attributes["sys_object_id"], dev.attributes["sys_descr"],
         ci.attributes["name"])
        for ci in first.cis if ci.class_ == "Interface"
    }  # fmt: skip
    assert ingestor.ingest(unclassified(AT + timedelta(minutes=10))).changeset_id is None
