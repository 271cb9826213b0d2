"""`attributes` on a CI over HTTP: each attribute of its class with its value, the source
that owns it and when that source last reported the CI, after an ssh observation, an
snmp one that adds an attribute, and a manual edit; values as of a time, owners as now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.integration.api.cis_data import gql

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)

QUERY = """query($name: String!, $asOf: DateTime) { ci(name: $name, asOf: $asOf) {
  uid attributes { name value source lastSeen } } }"""
EDIT = """mutation($uid: String!, $attributes: JSON!) {
  updateAttributes(uid: $uid, attributes: $attributes, reason: "label fix") { changed } }"""


def observed(source: str, at: datetime, **attrs: Any) -> ChangeSet:
    server = {"key": "db1", "class": "Server", "attributes": {
        "serial_number": "SN-DB1", "name": "db1", "hostname": "db1", **attrs}}  # fmt: skip
    return ChangeSet.model_validate(
        {"source": source, "actor": "discovery", "observed_at": at, "cis": [server]}
    )


def by_name(answer: dict[str, Any]) -> dict[str, tuple[Any, str | None, datetime | None]]:
    """attribute -> (value, source, last seen)."""
    return {
        a["name"]: (a["value"], a["source"],
                    datetime.fromisoformat(a["lastSeen"]) if a["lastSeen"] else None)
        for a in answer["ci"]["attributes"]
    }  # fmt: skip


@pytest.fixture
def observed_server(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config
) -> str:
    """db1 reported by ssh at T0 (CPUs, OS), then by snmp at T1 (its vendor); its uid."""
    ingest = Ingestor(graph, schema, dbms_config).ingest
    first = ingest(observed("ssh", T0, cpu_count=8, os_version="8.8"))
    ingest(observed("snmp", T1, vendor="Dell"))
    return first.uids["db1"]


def test_each_attribute_with_its_owning_source_and_when_that_source_saw_it(
    observed_server: str, http: httpx.Client, schema: Schema
) -> None:
    found = by_name(gql(http, QUERY, name="db1"))
    assert list(found) == list(schema.classes["Server"].attributes)  # the model's, in order
    assert not any(name.startswith("_") for name in found)
    assert found["cpu_count"] == (8, "ssh", T0)
    assert found["os_version"] == ("8.8", "ssh", T0)
    assert found["vendor"] == ("Dell", "snmp", T1)
    assert found["asset_tag"] == (None, None, None)  # never set: no source owns it


def test_a_manual_edit_is_owned_by_manual_and_is_no_sighting(
    observed_server: str, http: httpx.Client
) -> None:
    changed = gql(http, EDIT, uid=observed_server, attributes={"os_version": "9.1"})
    assert changed["updateAttributes"]["changed"] == ["os_version"]
    found = by_name(gql(http, QUERY, name="db1"))
    assert found["os_version"] == ("9.1", "manual", None)
    assert found["cpu_count"] == (8, "ssh", T0)  # the others keep their owners


def test_as_of_a_time_values_then_and_owners_as_stored_now(
    observed_server: str, http: httpx.Client
) -> None:
    then = by_name(gql(http, QUERY, name="db1", asOf=(T0 + timedelta(hours=1)).isoformat()))
    assert then["vendor"] == (None, "snmp", T1)  # not reported yet; its owner is today's
    assert then["cpu_count"] == (8, "ssh", T0)
