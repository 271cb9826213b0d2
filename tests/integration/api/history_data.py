"""Data for the history, mutation and run tests, written by the real ingest: two servers
observed by ssh at T0, one of them changed a day later by a second observation, and the
GraphQL call the tests make (`gql`: the answer's data, or its errors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)  # the second observation: db1 gets 16 CPUs and OS 9.2


def observation(at: datetime, cis: list[dict[str, Any]], **extra: Any) -> ChangeSet:
    return ChangeSet.model_validate(
        {"source": "ssh", "actor": "discovery", "observed_at": at, "cis": cis, **extra}
    )


def server(key: str, **attrs: Any) -> dict[str, Any]:
    return {"key": key, "class": "Server", "attributes": attrs}


def two_servers(driver: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    """db1 and app1 at T0 and db1 changed at T1 (reason and change request CR-7 on that
    change set); their uids by name."""
    ing = Ingestor(driver, schema, config)
    first = ing.ingest(observation(T0, [
        server("db1", serial_number="SN-DB1", name="db1", hostname="db1", cpu_count=8,
               os_version="8.8"),
        server("app1", serial_number="SN-APP1", name="app1", hostname="app1", cpu_count=4),
    ]))  # fmt: skip
    ing.ingest(observation(T1, [
        server("db1", serial_number="SN-DB1", name="db1", hostname="db1", cpu_count=16,
               os_version="9.2"),
    ], reason="memory upgrade", change_request="CR-7"))  # fmt: skip
    return {"db1": first.uids["db1"], "app1": first.uids["app1"]}


def gql(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The JSON answer of one GraphQL request (HTTP 200 asserted)."""
    response = http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def data(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The answer's data; a GraphQL error fails the test with its message."""
    answer = gql(http, query, **variables)
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


def error(http: httpx.Client, query: str, **variables: Any) -> str:
    """The one error message of a refused request."""
    answer = gql(http, query, **variables)
    assert len(answer.get("errors") or []) == 1, answer
    message: str = answer["errors"][0]["message"]
    return message
