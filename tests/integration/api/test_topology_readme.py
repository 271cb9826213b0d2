"""The examples of README's section "GraphQL API: topology and attribute sources", run as
written against the served app, on the sample estate as the real ingest writes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from tests.integration.api.history_data import data
from tests.readme_blocks import section_blocks

pytestmark = pytest.mark.neo4j
SECTION = "## GraphQL API: topology and attribute sources"
T0 = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)


def examples() -> list[str]:
    return section_blocks(SECTION)


def test_the_readme_examples_answer_as_described(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    Ingestor(graph, schema, config).ingest(sample_estate(T0))
    topology, attributes = examples()
    drawn = data(http, topology)["topology"]
    names = {node["name"] for node in drawn["nodes"]}
    # two links from the core: its access switches, and the servers behind them
    assert {"hq-core-01", "hq-acc-01", "hq-acc-02", "hq-esx-01"} <= names
    assert not drawn["truncated"]
    uids = {node["uid"] for node in drawn["nodes"]}
    assert all(e["source"] in uids and e["target"] in uids for e in drawn["edges"])
    assert all(e["sourcePorts"] and e["targetPorts"] for e in drawn["edges"])
    values = {a["name"]: a for a in data(http, attributes)["ci"]["attributes"]}
    assert values["os_version"]["value"] == "17.9.4"
    assert values["os_version"]["source"] == "sample"
    assert datetime.fromisoformat(values["os_version"]["lastSeen"]) == T0
