"""Every state of a CI (the current :CI node and each frozen :CIVersion) is a :State, so
that an as-of read is one index seek; graphs written before that label get it from the
0002 data migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cmdb import history, migrations
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def server(at: datetime, cpus: int, source: str = "ssh", hostname: str = "st1") -> ChangeSet:
    return ChangeSet.model_validate({
        "source": source, "actor": "t", "observed_at": at,
        "cis": [{"key": "s", "class": "Server",
                 "attributes": {"serial_number": "SN-STATE-1", "hostname": hostname, "cpu_count": cpus}}],
    })  # fmt: skip


def test_every_state_is_labelled_and_as_of_picks_the_state_then(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(server(T0, 4)).uids["s"]
    ing.ingest(server(T0 + timedelta(hours=1), 8))
    ing.ingest(server(T0 + timedelta(hours=2), 16))
    # one current state (:CI), two frozen ones (:CIVersion, not :CI), all three :State
    t1, t2 = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    match = {"uid": uid}
    assert check_nodes(graph, "CI", ["_vfrom", "_to"], match) == {(t2, None)}
    assert check_nodes(graph, "CIVersion", ["_vfrom", "_to"], match) == {(T0, t1), (t1, t2)}
    assert check_nodes(graph, "CIVersion:CI", ["uid"], match) == set()
    assert check_nodes(graph, "State", ["_vfrom"], match) == {(T0,), (t1,), (t2,)}
    expect = {T0 - timedelta(seconds=1): None, T0: 4, T0 + timedelta(minutes=59): 4,
              T0 + timedelta(hours=1): 8, T0 + timedelta(hours=3): 16}  # fmt: skip
    for at, cpus in expect.items():
        state = history.as_of(graph, uid, at)
        assert (state and state["cpu_count"]) == cpus, at
        if state is not None:
            assert not [k for k in state if k.startswith("_")]


def test_a_zero_length_version_never_wins_the_seek(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    # a manual value written at T1, then an older discovery fact (a new hostname) that
    # arrives late: it is written at the instant the current state began, so the frozen
    # state [T1, T1) ties with the new current state on (uid, _vfrom)
    ing = Ingestor(graph, schema, config)
    t1 = T0 + timedelta(hours=1)
    uid = ing.ingest(server(T0, 4)).uids["s"]
    manual = server(t1, 32, source="manual")
    del manual.cis[0].attributes["hostname"]
    ing.ingest(manual)
    ing.ingest(server(T0 + timedelta(minutes=30), 6, source="ssh", hostname="st1-new"))
    states = check_nodes(graph, "State", ["_vfrom", "_to"], {"uid": uid})
    assert history.as_of(graph, uid, T0 + timedelta(minutes=45))["cpu_count"] == 4  # type: ignore[index]
    # the newest states: the zero-length version frozen at t1, then the current one
    assert {(f, t) for f, t in states if f >= t1} == {(t1, t1), (t1, None)}
    now = history.as_of(graph, uid, t1)
    assert now is not None and (now["cpu_count"], now["hostname"]) == (32, "st1-new")


def test_migration_0002_labels_states_written_before_it(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(server(T0, 4)).uids["s"]
    ing.ingest(server(T0 + timedelta(hours=1), 8))
    graph.execute_query("MATCH (n:State) REMOVE n:State")
    assert history.as_of(graph, uid, T0 + timedelta(minutes=1)) is None  # unlabelled: unseen
    graph.execute_query("MATCH (m:SchemaMigration {id: 'file:0002_state_label.cypher'}) DELETE m")
    applied = migrations.apply(graph, schema)
    assert [a.id for a in applied] == ["file:0002_state_label.cypher"]
    assert history.as_of(graph, uid, T0 + timedelta(minutes=1))["cpu_count"] == 4  # type: ignore[index]
    assert migrations.apply(graph, schema) == []
