"""History reads beyond one CI: a neighbourhood as of a time, the diff of a scope, and
concurrent creation of the same CI."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cli.sample import sample_estate
from cmdb import edit, history
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queries.history import AS_OF
from cmdb.queries.write import UPDATE_CIS
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels, count_nodes

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 4, 1, tzinfo=UTC)


def names(sub: dict[str, object]) -> set[str]:
    nodes = sub["nodes"]
    assert isinstance(nodes, dict)
    return {str(state["name"]) for state in nodes.values()}


def test_subgraph_as_of_follows_links_open_at_that_time(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    r = ing.ingest(sample_estate(T0))
    vm = r.uids["vm-erp"]
    before = history.subgraph_as_of(graph, vm, T0 + timedelta(hours=1), depth=1)
    assert names(before) == {"erp-app-01", "ERP", "erpdb", "HQ ESXi cluster"}
    # move the ERP application to the web VM: RUNS_ON to erp-app-01 closes
    move = ChangeSet.model_validate({
        "source": "sample", "actor": "t", "observed_at": T0 + timedelta(days=1), "scope": "apps",
        "cis": [{"key": "app", "class": "Application", "attributes": {"name": "ERP"}},
                {"key": "vm", "class": "VirtualMachine", "attributes": {"vm_uuid": "4211web0-0000-4000-8000-000000000003"}}],
        "links": [{"type": "RUNS_ON", "source": {"ref": "app"}, "target": {"ref": "vm"}}],
    })  # fmt: skip
    ing.ingest(move)
    # the scope 'apps' reported only the new link; close the old one by hand as a change would
    graph.execute_query(
        "MATCH (:Application {name: 'ERP'})-[r:RUNS_ON]->(:VirtualMachine {hostname: 'erp-app-01'}) "
        "SET r.until = $t",
        t=T0 + timedelta(days=1),
    )
    now = history.subgraph_as_of(graph, vm, None, depth=1)
    assert names(now) == {"erp-app-01", "erpdb", "HQ ESXi cluster"}
    then = history.subgraph_as_of(graph, vm, T0 + timedelta(hours=1), depth=2)
    assert {"ERP", "Order to cash", "Application Support"} <= names(then)
    assert not then["truncated"]
    small = history.subgraph_as_of(graph, vm, None, depth=3, limit=5)
    assert small["truncated"] and len(small["nodes"]) == 5


def test_diff_of_a_scope_between_two_times(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    r = ing.ingest(sample_estate(T0))
    t1 = T0 + timedelta(hours=1)
    edit.set_attributes(graph, schema, config, r.uids["core-HQ"], {"os_version": "17.12.1"},
                        "upgrade", "alice", at=T0 + timedelta(hours=2))  # fmt: skip
    edit.set_attributes(graph, schema, config, r.uids["srv-DC2-1"], {"memory_bytes": "1099511627776"},
                        "RAM upgrade", "bob", at=T0 + timedelta(hours=3))  # fmt: skip
    t2 = T0 + timedelta(hours=4)
    everything = history.diff_scope(graph, t1, t2)
    assert {(d["name"], tuple(d["changes"])) for d in everything} == {
        ("hq-core-01", ("os_version",)),
        ("dc2-esx-01", ("memory_bytes",)),
    }
    servers = history.diff_scope(graph, t1, t2, class_name="Server")
    assert [(d["name"], d["changes"]["memory_bytes"]) for d in servers] == [
        ("dc2-esx-01", [512 * 2**30, 2**40])
    ]
    assert history.diff_scope(graph, t2, t2 + timedelta(days=1)) == []


def test_two_writers_creating_the_same_device_make_one_ci(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    def device(run: str) -> ChangeSet:
        return ChangeSet.model_validate({
            # two runs discovering one target: one scope (two scopes claiming one device
            # are a duplicate identity, tests/integration/cmdb/test_coverage.py)
            "source": "snmp", "actor": run, "observed_at": T0, "scope": "snmp:127.0.0.1",
            "cis": [{"key": "d", "class": "NetworkDevice", "attributes": {"serial_number": "RACE1", "hostname": "race"}}]
                   + [{"key": f"i{n}", "class": "Interface", "parent": {"ref": "d"}, "attributes": {"name": f"Gi0/{n}"}}
                      for n in range(50)],
        })  # fmt: skip

    ing = Ingestor(graph, schema, config)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(name: str) -> None:
        barrier.wait()
        try:
            ing.ingest(device(name))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("run-a", "run-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [(uid,)] = check_nodes(graph, "NetworkDevice", ["uid"], {"serial_number": "RACE1"})
    ports = check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface", ["a.uid", "b.name"])
    assert ports == {(uid, f"Gi0/{n}") for n in range(50)}
    assert count_nodes(graph, "Interface") == 50  # no port made twice


def operators(plan: Any) -> list[tuple[str, str]]:
    """(operator type, details) of every operator of a plan or profile, depth first."""
    args = plan.get("args") or {}
    own = (str(plan.get("operatorType", "")), str(args.get("Details", "")))
    return [own, *(op for child in plan.get("children") or [] for op in operators(child))]


def test_an_as_of_read_reads_a_handful_of_states_however_long_the_history(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """The plan of history.AS_OF: one index seek in descending order, first row; its db
    hits do not grow with the versions (a filter on `_to` once let the planner read them
    all). Ties at one instant (zero-length versions) resolve to the state that lasts."""
    t0 = datetime(2026, 2, 1, tzinfo=UTC)
    cis = [{"key": f"s{i}", "class": "Server", "attributes": {"serial_number": f"SN{i}",
            "hostname": f"h{i}", "cpu_count": 0}} for i in range(50)]  # fmt: skip
    result = Ingestor(graph, schema, config).ingest(ChangeSet.model_validate(
        {"source": "ssh", "actor": "t", "observed_at": t0, "cis": cis}))  # fmt: skip
    uid = result.uids["s3"]
    versions = 300
    with graph.session() as session:
        for v in range(1, versions + 1):
            at = t0 + timedelta(minutes=v // 2)  # two change sets an instant: zero-length ones
            session.run(UPDATE_CIS, rows=[{"uid": uid, "set": {"cpu_count": v},
                        "changed": ["cpu_count"]}], at=at, cs=f"v{v}").consume()  # fmt: skip
        for minute in (0, 37, versions // 2):
            t = t0 + timedelta(minutes=minute)
            [record] = list(session.run(AS_OF, uids=[uid], t=t))
            # at each instant the last of its change sets holds: v = 2 * minute + 1
            assert record["state"]["cpu_count"] == min(2 * minute + 1, versions), minute
            profile = session.run("PROFILE " + AS_OF, uids=[uid], t=t).consume().profile
            assert profile is not None

            def hits(op: dict[str, object]) -> int:
                children = op.get("children") or []
                assert isinstance(children, list)
                return int(str(op.get("dbHits", 0))) + sum(hits(c) for c in children)

            assert hits(profile) < 50, (minute, hits(profile))
            # the seek is on the (uid, _vfrom) :State index; no label or node scan
            ops = operators(profile)
            assert any(kind.startswith("NodeIndexSeek") and "State(uid, _vfrom)" in details
                       for kind, details in ops), ops  # fmt: skip
            assert not any("Scan" in kind for kind, _ in ops), ops
