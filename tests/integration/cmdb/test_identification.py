"""Identification: identifier sets in order, junk never identifies, conflicts recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def cs(source: str, at: datetime, cis: list[dict[str, Any]], **kw: Any) -> ChangeSet:
    return ChangeSet.model_validate(
        {"source": source, "actor": "test", "observed_at": at, "cis": cis, **kw}
    )


def server(key: str, **attrs: Any) -> dict[str, Any]:
    return {"key": key, "class": "Server", "attributes": attrs}


def servers(driver: neo4j.Driver) -> set[tuple[Any, ...]]:
    return {
        (sn, h) for _, sn, h in check_nodes(driver, "Server", ["uid", "serial_number", "hostname"])
    }


pytestmark = pytest.mark.neo4j


def test_junk_serial_falls_through_to_hostname(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    first = ing.ingest(cs("ssh", T0, [server("a", serial_number="To be filled by O.E.M.",
                                             hostname="web1", domain="example.com")]))  # fmt: skip
    second = ing.ingest(cs("ssh", T0 + timedelta(hours=2), [
        server("b", serial_number="To be filled by O.E.M.", hostname="web1", domain="example.com",
               cpu_count=8)]))  # fmt: skip
    third = ing.ingest(cs("ssh", T0 + timedelta(hours=3), [
        server("c", serial_number="To be filled by O.E.M.", hostname="web2", domain="example.com")]))  # fmt: skip
    assert first.created == 1 and second.created == 0 and second.updated == 1
    assert third.created == 1
    # two servers, the junk serial shared by both never merged them
    assert servers(graph) == {
        ("To be filled by O.E.M.", "web1"),
        ("To be filled by O.E.M.", "web2"),
    }
    assert first.uids["a"] == second.uids["b"] != third.uids["c"]


def test_only_junk_identifiers_is_rejected(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    from cmdb.errors import ObservationError

    with pytest.raises(ObservationError, match="no usable identifier") as info:
        Ingestor(graph, schema, config).ingest(
            cs("ssh", T0, [server("x", serial_number="0000000", primary_mac="00:00:00:00:00:00")])
        )
    assert "cis[0]" in str(info.value) and "'x'" in str(info.value)
    assert servers(graph) == set()


def test_later_identifier_sets_match_when_earlier_are_missing(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    a = ing.ingest(
        cs("snmp", T0, [server("a", serial_number="SN1", primary_mac="aa:bb:cc:dd:ee:01")])
    )
    # SSH knows only the MAC and the hostname: the MAC set (last) finds the same server
    b = ing.ingest(cs("ssh", T0 + timedelta(hours=1), [
        server("b", hostname="db1", domain="example.com", primary_mac="aa:bb:cc:dd:ee:01")]))  # fmt: skip
    assert a.uids["a"] == b.uids["b"]
    assert servers(graph) == {("SN1", "db1")}


def test_conflicting_identifiers_are_recorded_not_merged(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(cs("ssh", T0, [server("a", serial_number="SN-A", hostname="app1", domain="x"),
                              server("b", serial_number="SN-B", hostname="app2", domain="x")]))  # fmt: skip
    # an observation whose serial says A and whose hostname says B
    r = ing.ingest(cs("ssh", T0 + timedelta(hours=1),
                      [server("c", serial_number="SN-A", hostname="app2", domain="x")]))  # fmt: skip
    assert r.conflicts == 1
    [(cls, uids, chosen)] = check_nodes(
        graph, "IdentificationConflict", ["class", "uids", "chosen"]
    )
    assert cls == "Server"
    by_sn = dict(check_nodes(graph, "Server", ["serial_number", "uid"]))
    assert set(uids) == {by_sn["SN-A"], by_sn["SN-B"]}
    assert chosen == by_sn["SN-A"]  # the serial (first set) wins
    assert len(by_sn) == 2  # still two servers


def test_same_ci_from_two_sources(graph: neo4j.Driver, schema: Schema, config: Config) -> None:
    ing = Ingestor(graph, schema, config)
    a = ing.ingest(cs("snmp", T0, [server("s", serial_number="SN9", vendor="Dell Inc.")]))
    b = ing.ingest(cs("ssh", T0 + timedelta(minutes=5),
                      [server("s", serial_number="SN9", kernel="6.1.0", cpu_count=16)]))  # fmt: skip
    assert a.uids["s"] == b.uids["s"]
    assert check_nodes(graph, "Server", ["uid", "vendor", "kernel", "cpu_count"]) == {
        (a.uids["s"], "Dell Inc.", "6.1.0", 16)
    }


def test_interfaces_are_identified_within_their_device(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    def device(serial: str) -> list[dict[str, Any]]:
        return [
            {"key": "d", "class": "NetworkDevice", "attributes": {"serial_number": serial}},
            {
                "key": "i",
                "class": "Interface",
                "parent": {"ref": "d"},
                "attributes": {"name": "Gi0/1"},
            },
        ]

    ing = Ingestor(graph, schema, config)
    r1 = ing.ingest(cs("snmp", T0, device("S1")))
    r2 = ing.ingest(cs("snmp", T0, device("S2")))
    r3 = ing.ingest(cs("snmp", T0 + timedelta(hours=2), device("S1")))
    assert r1.uids["i"] != r2.uids["i"]  # same name, different devices
    assert r3.uids["i"] == r1.uids["i"] and r3.created == 0
    assert check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface",
                      ["a.serial_number", "b.uid", "b.name"]) == {
        ("S1", r1.uids["i"], "Gi0/1"), ("S2", r2.uids["i"], "Gi0/1")
    }  # fmt: skip


def test_a_weaker_overlapping_set_does_not_merge_different_cis(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """libc6 amd64 and libc6 i386 share [product, version] but differ on arch."""

    def pkg(key: str, arch: str) -> dict[str, Any]:
        return {
            "key": key,
            "class": "Software",
            "attributes": {"product": "libc6", "version": "2.36-9", "arch": arch},
        }

    ing = Ingestor(graph, schema, config)
    r1 = ing.ingest(cs("ssh", T0, [pkg("a", "amd64"), pkg("b", "i386")]))
    assert r1.created == 2 and r1.uids["a"] != r1.uids["b"]
    r2 = ing.ingest(cs("ssh", T0 + timedelta(hours=1), [pkg("c", "arm64")]))
    assert r2.created == 1 and r2.conflicts == 0
    # a fact without arch still finds a libc6 2.36-9 (the weaker set is its only one)
    r3 = ing.ingest(cs("snmp", T0 + timedelta(hours=2), [
        {"key": "d", "class": "Software", "attributes": {"product": "libc6", "version": "2.36-9"}}]))  # fmt: skip
    assert r3.created == 0 and r3.uids["d"] in {r1.uids["a"], r1.uids["b"], r2.uids["c"]}
    assert sorted(arch for _, arch in check_nodes(graph, "Software", ["uid", "arch"])) == [
        "amd64", "arm64", "i386"
    ]  # fmt: skip
