"""Coverage, lifecycle and pending links: absence counts only inside a scoped change set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb import edit, history
from cmdb.config import Config, Lifecycle
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from tests.graph_checks import check_nodes, check_rels, count_nodes, count_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def switch(at: datetime, ports: list[str], neighbours: dict[str, tuple[str, str]] | None = None,
           serial: str = "SW1", scope: str = "snmp:127.0.0.9") -> ChangeSet:  # fmt: skip
    cis: list[dict[str, Any]] = [{"key": "d", "class": "NetworkDevice",
                                  "attributes": {"serial_number": serial, "hostname": serial.lower()}}]  # fmt: skip
    cis += [
        {"key": p, "class": "Interface", "parent": {"ref": "d"}, "attributes": {"name": p}}
        for p in ports
    ]
    links = [
        {"type": "CONNECTED_TO", "source": {"ref": port}, "evidence": "lldp",
         "target": {"class": "Interface", "identifiers": {"name": rport},
                    "parent": {"class": "NetworkDevice", "identifiers": {"hostname": rhost}}}}
        for port, (rhost, rport) in (neighbours or {}).items()
    ]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": at,
                                     "scope": scope, "cis": cis, "links": links})  # fmt: skip


def status_of(driver: neo4j.Driver) -> dict[str, str]:
    return dict(check_nodes(driver, "Interface", ["name", "status"]))


def test_missed_runs_make_a_ci_absent_and_reappearing_makes_it_active(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=2))
    ing = Ingestor(graph, schema, config)
    ing.ingest(switch(T0, ["Gi1", "Gi2"]))
    r1 = ing.ingest(switch(T0 + timedelta(hours=1), ["Gi1"]))
    assert status_of(graph) == {"Gi1": "active", "Gi2": "active"} and r1.links_closed == 1
    r2 = ing.ingest(switch(T0 + timedelta(hours=2), ["Gi1"]))
    assert status_of(graph) == {"Gi1": "active", "Gi2": "absent"} and r2.went_absent == 1
    r3 = ing.ingest(switch(T0 + timedelta(hours=3), ["Gi1", "Gi2"]))
    assert status_of(graph) == {"Gi1": "active", "Gi2": "active"} and r3.updated == 1
    # its history is intact: active, absent, active again, and the link closed then reopened
    uid = r3.uids["Gi2"]
    events, _ = history.history(graph, uid)
    statuses = [(e.before, e.after) for e in events if e.attribute == "status"]
    assert statuses == [("absent", "active"), ("active", "absent")]
    kinds = sorted(e.kind for e in events)
    assert kinds.count("link_open") == 2 and kinds.count("link_close") == 1


def test_a_target_outside_coverage_proves_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=1))
    ing = Ingestor(graph, schema, config)
    ing.ingest(switch(T0, ["Gi1", "Gi2"]))
    # another target's change sets (another scope) never make this switch's ports absent
    for h in range(1, 4):
        ing.ingest(switch(T0 + timedelta(hours=h), ["Eth1"], serial="SW2", scope="snmp:127.0.0.10"))
    assert status_of(graph) == {"Gi1": "active", "Gi2": "active", "Eth1": "active"}


def test_pending_link_resolves_when_the_neighbour_appears(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    r1 = ing.ingest(switch(T0, ["Gi1"], {"Gi1": ("sw2", "Eth7")}))
    assert r1.pending == 1 and r1.links_opened == 1  # only HAS_INTERFACE so far
    assert check_nodes(graph, "PendingLink", ["key", "type"]) == {
        ("Interface|NetworkDevice||hostname=sw2|name=Eth7", "CONNECTED_TO")
    }
    assert count_nodes(graph, "PendingLink") == 1
    # re-reporting the same neighbour does not park it twice
    ing.ingest(switch(T0 + timedelta(hours=1), ["Gi1"], {"Gi1": ("sw2", "Eth7")}))
    ing.ingest(switch(T0 + timedelta(hours=2), ["Eth7"], serial="SW2", scope="snmp:127.0.0.10"))
    ports = check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface",
                       ["b.uid", "a.serial_number", "b.name"])  # fmt: skip
    port = {uid: (serial, name) for uid, serial, name in ports}
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface", ["a.uid", "b.uid"],
                       open_only=True)  # fmt: skip
    assert {frozenset((port[a], port[b])) for a, b in links} == {
        frozenset({("SW1", "Gi1"), ("SW2", "Eth7")})
    }
    assert count_rels(graph, "Interface", "CONNECTED_TO", "Interface", open_only=True) == 1
    assert check_nodes(graph, "PendingLink", ["key"]) == set()


def test_lldp_seen_from_both_ends_is_one_link(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(switch(T0, ["Gi1"], {"Gi1": ("sw2", "Eth7")}))
    ing.ingest(
        switch(T0, ["Eth7"], {"Eth7": ("sw1", "Gi1")}, serial="SW2", scope="snmp:127.0.0.10")
    )
    ports = dict(check_nodes(graph, "Interface", ["uid", "name"]))
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface", ["a.uid", "b.uid"])
    assert {frozenset((ports[a], ports[b])) for a, b in links} == {frozenset({"Gi1", "Eth7"})}
    assert count_rels(graph, "Interface", "CONNECTED_TO", "Interface") == 1


def test_time_based_lifecycle_and_manual_retire(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(
        lifecycle=Lifecycle(absent_after=timedelta(days=7), retire_after_absent=timedelta(days=30))
    )
    ing = Ingestor(graph, schema, config)
    r = ing.ingest(switch(T0, ["Gi1"]))
    assert edit.sweep(graph, config, T0 + timedelta(days=6)) == {"absent": 0, "retired": 0}
    assert edit.sweep(graph, config, T0 + timedelta(days=8)) == {"absent": 2, "retired": 0}
    assert edit.sweep(graph, config, T0 + timedelta(days=40)) == {"absent": 0, "retired": 2}
    uid = r.uids["d"]
    assert history.as_of(graph, uid, T0 + timedelta(days=7))["status"] == "active"  # type: ignore[index]
    assert history.as_of(graph, uid, T0 + timedelta(days=9))["status"] == "absent"  # type: ignore[index]
    with pytest.raises(Exception, match="needs a reason"):
        edit.set_attributes(graph, schema, config, uid, {"status": "retired"}, "", "me")
    # a retired CI seen again by discovery is live: back to active, history kept
    ing.ingest(switch(T0 + timedelta(days=41), ["Gi1"]))
    assert history.as_of(graph, uid, None)["status"] == "active"  # type: ignore[index]


def test_partial_coverage_keeps_what_did_not_answer(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=1))
    ing = Ingestor(graph, schema, config)
    ing.ingest(switch(T0, ["Gi1", "Gi2"]))
    ing.ingest(switch(T0, ["Eth7"], serial="SW2", scope="snmp:127.0.0.10"))
    ing.ingest(switch(T0 + timedelta(hours=1), ["Gi1", "Gi2"], {"Gi1": ("sw2", "Eth7")}))
    # the next poll got the device but the interface and LLDP tables timed out
    partial = switch(T0 + timedelta(hours=2), []).model_copy(
        update={"certified_links": [], "certified_classes": ["NetworkDevice"]}
    )
    r = ing.ingest(partial)
    assert r.links_closed == 0 and r.went_absent == 0
    assert status_of(graph) == {"Gi1": "active", "Gi2": "active", "Eth7": "active"}
    ports = dict(check_nodes(graph, "Interface", ["uid", "name"]))
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface", ["a.uid", "b.uid"],
                       open_only=True)  # fmt: skip
    assert {frozenset((ports[a], ports[b])) for a, b in links} == {frozenset({"Gi1", "Eth7"})}
    assert count_rels(graph, "Interface", "CONNECTED_TO", "Interface", open_only=True) == 1


def test_fdb_placement_finds_a_nic_by_mac_alone(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    # the switch learned one MAC on Gi1: link to whatever Interface carries that MAC
    data = switch(T0, ["Gi1"]).model_dump(by_alias=True)
    data["links"] = [
        {"type": "CONNECTED_TO", "evidence": "fdb", "source": {"ref": "Gi1"},
         "target": {"class": "Interface", "identifiers": {"mac": "52:54:00:12:34:56"}}}
    ]  # fmt: skip
    fdb = ChangeSet.model_validate(data)
    r1 = ing.ingest(fdb)
    assert r1.pending == 1
    host = ChangeSet.model_validate({"source": "ssh", "actor": "t", "observed_at": T0 + timedelta(hours=1),
        "cis": [{"key": "h", "class": "Server", "attributes": {"machine_id": "f" * 32, "hostname": "web1"}},
                {"key": "n", "class": "Interface", "parent": {"ref": "h"},
                 "attributes": {"name": "ens3", "mac": "52:54:00:12:34:56"}}]})  # fmt: skip
    ing.ingest(host)
    nics = check_rels(graph, "Server", "HAS_INTERFACE", "Interface", ["b.uid", "a.hostname", "b.name"])
    ports = check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface",
                       ["b.uid", "a.serial_number", "b.name"])  # fmt: skip
    port = {uid: (owner, name) for uid, owner, name in nics | ports}
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface", ["a.uid", "b.uid", "r.evidence"])
    assert {(frozenset((port[a], port[b])), evidence) for a, b, evidence in links} == {
        (frozenset({("SW1", "Gi1"), ("web1", "ens3")}), "fdb")
    }
    assert count_rels(graph, "Interface", "CONNECTED_TO", "Interface") == 1


def apps(at: datetime, links: list[tuple[str, str, str]]) -> ChangeSet:
    """Two applications in one scope, and the links (type, source, target) between them."""
    cis = [{"key": k, "class": "Application", "attributes": {"name": k}} for k in ("app-a", "app-b")]
    return ChangeSet.model_validate({
        "source": "register", "actor": "t", "observed_at": at, "scope": "apps:cluster-1",
        "cis": cis,
        "links": [{"type": t, "source": {"ref": s}, "target": {"ref": d}} for t, s, d in links],
    })  # fmt: skip


def open_links(driver: neo4j.Driver) -> set[tuple[str, str, str]]:
    return {(rel_type, a, b) for rel_type in sorted(load_schema().relationships)
            for a, b in check_rels(driver, "Application", rel_type, "Application",
                                   ["a.name", "b.name"], open_only=True)}  # fmt: skip


def test_a_link_no_longer_reported_closes_whatever_else_joins_the_pair(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """Only the same type in the same direction keeps a link open: another type between the
    same two CIs does not, and neither does the reverse of a directed link."""
    ing = Ingestor(graph, schema, config)
    ing.ingest(apps(T0, [("DEPENDS_ON", "app-a", "app-b"), ("RUNS_ON", "app-a", "app-b")]))
    r1 = ing.ingest(apps(T0 + timedelta(hours=1), [("RUNS_ON", "app-a", "app-b")]))
    assert open_links(graph) == {("RUNS_ON", "app-a", "app-b")} and r1.links_closed == 1
    r2 = ing.ingest(apps(T0 + timedelta(hours=2), [("RUNS_ON", "app-b", "app-a")]))
    assert open_links(graph) == {("RUNS_ON", "app-b", "app-a")} and r2.links_closed == 1
    r3 = ing.ingest(apps(T0 + timedelta(hours=3), [("RUNS_ON", "app-b", "app-a")]))
    assert r3.links_closed == 0 and r3.links_opened == 0
