"""The examples of README's section "GraphQL API: history, changes by hand, runs", run
as written against the served app, on data the real ingest and discovery's run record
wrote."""

from __future__ import annotations

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.schema import Schema
from tests.integration.api.history_data import data, two_servers
from tests.integration.api.test_runs_api import lab_runs
from tests.readme_blocks import section_blocks

pytestmark = pytest.mark.neo4j
SECTION = "## GraphQL API: history, changes by hand, runs"


def examples() -> list[str]:
    return section_blocks(SECTION)


def test_the_readme_examples_answer_as_described(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    uids = two_servers(graph, schema, config)
    lab_runs(graph)
    history, create, runs = examples()
    events = data(http, history)["history"]["events"]
    assert {(e["ciUid"], e["attribute"], e["changeSet"]["reason"]) for e in events} == {
        (uids["db1"], "cpu_count", "memory upgrade"),
        (uids["db1"], "os_version", "memory upgrade"),
    }
    made = data(http, create)["createCI"]
    assert made["created"] is True and made["ci"]["name"] == "db9"
    found = data(http, runs)["discoveryRuns"]["runs"]
    assert [r["id"] for r in found] == ["run-3", "run-1", "run-0"]
