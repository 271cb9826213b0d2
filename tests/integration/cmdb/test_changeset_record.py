"""One definition of what a (:ChangeSet) node holds (cmdb.write.ChangeSetRecord): ingest,
manual edits and the lifecycle sweep write the same keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cmdb import edit
from cmdb.config import Config, Lifecycle
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_keys, check_nodes

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def changeset_keys(driver: neo4j.Driver) -> dict[str, set[str]]:
    """source -> the property keys of that source's change sets (all alike)."""
    out: dict[str, set[str]] = {}
    for source, keys in check_keys(driver, "ChangeSet", "source"):
        assert out.setdefault(source, set(keys)) == set(keys), source
    return out


def test_a_manual_edit_writes_the_change_set_an_ingest_writes(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(ChangeSet.model_validate({
        "source": "ssh", "actor": "job", "observed_at": T0, "reason": "weekly sweep",
        "change_request": "CR-1",
        "cis": [{"key": "s", "class": "Server",
                 "attributes": {"serial_number": "SN-CS-1", "hostname": "cs1"}}],
    })).uids["s"]  # fmt: skip
    when = T0 + timedelta(hours=1)
    changed = edit.set_attributes(graph, schema, config, uid, {"os_version": "12"},
                                  "fixed by hand", "alice", change_request="CR-1", at=when)  # fmt: skip
    assert changed == ["os_version"]
    keys = changeset_keys(graph)
    assert keys["manual"] == keys["ssh"]
    assert {"id", "source", "actor", "at", "observed_at", "recorded_at", "reason",
            "change_request"} == keys["manual"]  # fmt: skip
    assert check_nodes(graph, "ChangeSet", ["source", "actor", "reason", "at", "observed_at"]) == {
        ("ssh", "job", "weekly sweep", T0, T0),
        ("manual", "alice", "fixed by hand", when, when),
    }


def test_the_lifecycle_sweep_writes_the_same_change_set(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after=timedelta(days=7)))
    ing = Ingestor(graph, schema, config)
    ing.ingest(ChangeSet.model_validate({
        "source": "ssh", "actor": "job", "observed_at": T0, "scope": "ssh:cs2",
        "reason": "weekly sweep", "discovery_run": "run-1",
        "cis": [{"key": "s", "class": "Server",
                 "attributes": {"serial_number": "SN-CS-2", "hostname": "cs2"}}],
    }))  # fmt: skip
    later = T0 + timedelta(days=8)
    assert edit.sweep(graph, config, later) == {"absent": 1, "retired": 0}
    keys = changeset_keys(graph)
    assert keys["manual"] == {"id", "source", "actor", "at", "observed_at", "recorded_at",
                              "reason"}  # fmt: skip
    assert keys["manual"] < keys["ssh"]  # the ingest also names its run and scope
    assert check_nodes(graph, "ChangeSet", ["source", "actor", "at", "observed_at"]) == {
        ("ssh", "job", T0, T0),
        ("manual", "lifecycle", later, later),
    }
