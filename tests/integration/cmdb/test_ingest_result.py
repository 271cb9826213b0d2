"""What an ingest reports: the diff of a dry run equals what the real run then writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
pytestmark = pytest.mark.neo4j


def server(at: datetime, os_version: str) -> ChangeSet:
    return ChangeSet.model_validate({
        "source": "ssh", "actor": "test", "observed_at": at, "scope": "ssh:s1",
        "cis": [
            {"key": "s", "class": "Server",
             "attributes": {"serial_number": "SN1", "hostname": "s1", "os_version": os_version}},
            {"key": "a", "class": "IPAddress", "parent": {"ref": "s"},
             "attributes": {"address": "10.0.0.1"}},
        ],
        "links": [{"type": "HAS_ADDRESS", "source": {"ref": "s"}, "target": {"ref": "a"}}],
    })  # fmt: skip


def ops(diff: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    out: set[tuple[Any, ...]] = set()
    for entry in diff:
        if entry["op"] == "link":
            out.add(("link", entry["type"]))
        else:
            changes = tuple(sorted((a, tuple(v)) for a, v in entry["changes"].items()))
            out.add((entry["op"], entry["class"], changes))
    return out


def test_diff_names_creates_links_and_updates(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    dry = ing.ingest(server(T0, "12"), dry_run=True)
    assert check_nodes(graph, "CI", ["uid"]) == set()
    first = ing.ingest(server(T0, "12"))
    assert ops(dry.diff) == ops(first.diff) == {
        ("create", "Server", (("hostname", (None, "s1")), ("name", (None, "s1")),
                              ("os_version", (None, "12")), ("serial_number", (None, "SN1")))),
        ("create", "IPAddress", (("address", (None, "10.0.0.1")), ("name", (None, "10.0.0.1")))),
        ("link", "HAS_ADDRESS"),
    }  # fmt: skip
    link = next(e for e in first.diff if e["op"] == "link")
    assert (link["a"], link["b"]) == (first.uids["s"], first.uids["a"])

    again = ing.ingest(server(T0 + timedelta(hours=2), "13"))
    assert ops(again.diff) == {("update", "Server", (("os_version", ("12", "13")),))}
    assert again.diff[0]["uid"] == first.uids["s"]
