"""The app answers over HTTP: health, and a GraphQL query through the real server."""

from __future__ import annotations

import httpx

from cmdb.schema import Schema


def test_healthz(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_graphql_answers_the_model_version(http: httpx.Client, schema: Schema) -> None:
    response = http.post("/graphql", json={"query": "{ modelVersion }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"modelVersion": schema.version}}
