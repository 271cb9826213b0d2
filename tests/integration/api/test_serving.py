"""The app over HTTP: health and readiness, a GraphQL query through the real server, the
metrics a scrape shows after requests, and the request log's one line per request."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import neo4j
import pytest

from cmdb import dbms
from cmdb.config import Config
from cmdb.schema import Schema
from cmdb.tokens import create_token
from tests.integration.api.conftest import Served, bearer
from tests.integration.api.probe import probe_part
from tests.integration.api.tcp_relay import TcpRelay

pytestmark = pytest.mark.neo4j


def test_healthz(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_graphql_answers_the_model_version(http: httpx.Client, schema: Schema) -> None:
    response = http.post("/graphql", json={"query": "{ modelVersion }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"modelVersion": schema.version}}


def test_readyz_when_the_schema_is_applied(http: httpx.Client) -> None:
    response = http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_when_the_graph_lacks_this_codes_schema(
    dbms_config: Config, schema: Schema, driver: object
) -> None:
    # code of another schema than the one applied to the graph: not ready to serve it
    other = dataclasses.replace(schema, checksum="0" * len(schema.checksum))
    with Served(dbms_config, other) as app, httpx.Client(base_url=app.url) as client:
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # the process is up all the same
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["reason"].startswith(
        f"the graph is not at schema version {schema.version} ({'0' * len(schema.checksum)}): "
        "derived:"
    )


def test_readyz_when_neo4j_goes_away(dbms_config: Config, schema: Schema, driver: object) -> None:
    # the server talks to the test run's Neo4j through a relay the test then cuts
    external = urlsplit(dbms_config.neo4j_uri) if dbms_config.neo4j_uri else None
    relay = TcpRelay(external.port or 7687 if external else dbms_config.port)
    relayed = dbms_config.with_overrides(
        neo4j_uri=f"bolt://127.0.0.1:{relay.port}",
        neo4j_password=dbms_config.neo4j_password
        if external
        else dbms.read_password(dbms_config.data_dir),
    )
    with Served(relayed, schema) as app, httpx.Client(base_url=app.url, timeout=60) as client:
        assert client.get("/readyz").status_code == 200
        relay.close()
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["reason"].startswith(
        f"Neo4j at bolt://127.0.0.1:{relay.port} cannot be used: "
    )


def test_a_token_cannot_be_checked_while_neo4j_is_away(
    dbms_config: Config, schema: Schema, graph: neo4j.Driver
) -> None:
    """With Neo4j cut off, a request with a good token is one JSON error (503, retry),
    never a traceback or the driver's message."""
    secret, _info = create_token(graph, "relay-admin", "admin", None)
    external = urlsplit(dbms_config.neo4j_uri) if dbms_config.neo4j_uri else None
    relay = TcpRelay(external.port or 7687 if external else dbms_config.port)
    relayed = dbms_config.with_overrides(
        neo4j_uri=f"bolt://127.0.0.1:{relay.port}",
        neo4j_password=dbms_config.neo4j_password
        if external
        else dbms.read_password(dbms_config.data_dir),
    )
    headers = {"Authorization": f"Bearer {secret}"}
    query = {"query": "{ modelVersion }"}
    with Served(relayed, schema) as app, httpx.Client(base_url=app.url, timeout=120) as client:
        assert client.post("/graphql", json=query, headers=headers).status_code == 200
        relay.close()
        response = client.post("/graphql", json=query, headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"errors": [{
        "message": "the API token cannot be checked now: Neo4j does not answer (see /readyz)",
        "extensions": {"code": "UNAVAILABLE"}}]}  # fmt: skip


def sample(text: str, name: str, **labels: str) -> float:
    """A sample's value from a Prometheus text exposition (0 when it is absent)."""
    for line in text.splitlines():
        found = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if found is None or found[1] != name:
            continue
        pairs = dict(re.findall(r'(\w+)="([^"]*)"', found[2] or ""))
        if pairs == labels:
            return float(found[3])
    return 0.0


@pytest.fixture(scope="module")
def probed(dbms_config: Config, schema: Schema, driver: object) -> Iterator[Served]:
    with probe_part():
        app = Served(dbms_config, schema)
    with app:
        yield app


def test_metrics_after_requests(probed: Served, graph: neo4j.Driver) -> None:
    with httpx.Client(base_url=probed.url, headers=bearer(graph, "reader")) as client:
        for _ in range(2):
            client.post("/graphql", json={"query": "query Version { modelVersion }"})
        client.post("/graphql", json={"query": "query Counted { ciCount }"})
        client.post("/graphql", json={"query": "query Broken { noSuchField }"})
        client.post("/graphql", json={"query": "{ modelVersion }"})
        unauthorized = client.post(
            "/graphql", json={"query": "query Version { modelVersion }"},
            headers={"Authorization": "Bearer not-a-token"},
        )  # fmt: skip
        scraped = client.get("/metrics")
    assert unauthorized.status_code == 401
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert sample(text, "cmdb_api_requests_total", operation="Version", status="200") == 2
    assert sample(text, "cmdb_api_requests_total", operation="anonymous", status="200") == 1
    assert sample(text, "cmdb_api_requests_total", operation="anonymous", status="401") == 1
    assert sample(text, "cmdb_api_request_duration_seconds_count", operation="Version") == 2
    assert sample(text, "cmdb_api_errors_total", operation="Broken") == 1
    assert sample(text, "cmdb_api_errors_total", operation="Version") == 0
    assert sample(text, "cmdb_api_db_queries_total", operation="Counted") == 1
    assert sample(text, "cmdb_api_db_queries_total", operation="Version") == 0
    assert sample(text, "cmdb_api_db_query_duration_seconds_count") >= 1


def test_request_log_one_json_line_per_request_and_no_secret(
    probed: Served, graph: neo4j.Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cmdb.api")
    headers = bearer(graph, "reader", "log-reader")
    token = headers["Authorization"].removeprefix("Bearer ")
    query = "query Counted($secret: String) { ciCount(label: $secret) }"
    with httpx.Client(base_url=probed.url, headers=headers) as client:
        client.post("/graphql", json={"query": query, "variables": {"secret": "hunter2-value"}})
        client.get("/graphql", params={"query": "{ modelVersion }", "variables": '{"x": "qs-42"}'})
        client.post(
            "/graphql", json={"query": "{ modelVersion }"},
            headers={"Authorization": "Bearer cmdb_wrong-4f9a1c"},
        )  # fmt: skip
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cmdb.api"]
    assert [(line["operation"], line["status"], line["user"]) for line in lines] == [
        ("Counted", 200, "log-reader"), ("anonymous", 200, "log-reader"),
        ("anonymous", 401, None),
    ]  # fmt: skip
    counted = lines[0]
    assert set(counted) == {
        "operation", "status", "duration_ms", "db_queries", "db_ms", "errors", "user"
    }  # fmt: skip
    assert counted["db_queries"] == 1 and counted["db_ms"] > 0 and counted["errors"] == 0
    assert lines[1]["db_queries"] == 0
    for secret in (token, token[-12:], "wrong-4f9a1c", "hunter2", "qs-42"):
        assert secret not in caplog.text
