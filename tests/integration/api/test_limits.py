"""Every limit of `api:` over HTTP, on an app served with small limits: over one, the
answer is one GraphQL error naming the limit and its value, and nothing ran (the probe's
resolvers count their calls); under it, the query answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import ApiSettings, Config
from cmdb.schema import Schema
from tests.integration.api.conftest import Served, bearer
from tests.integration.api.probe import CALLS, probe_part

pytestmark = pytest.mark.neo4j

LIMITS = ApiSettings(
    max_depth=4,
    max_aliases=3,
    max_tokens=60,
    max_cost=50,
    max_page_size=10,
    max_result_bytes=2000,
    max_body_bytes=1500,
    query_timeout_seconds=2.0,
    introspection=True,
)


def serve(dbms_config: Config, schema: Schema, limits: ApiSettings) -> Served:
    with probe_part():
        return Served(dbms_config.with_overrides(api=limits), schema)


@pytest.fixture(scope="module")
def limited_app(dbms_config: Config, schema: Schema, driver: object) -> Iterator[Served]:
    with serve(dbms_config, schema, LIMITS) as app:
        yield app


@pytest.fixture
def limited(limited_app: Served, graph: neo4j.Driver) -> Iterator[httpx.Client]:
    """A client of the app with small limits, with a reader's token (every limit holds
    for every role)."""
    headers = bearer(graph, "reader")
    with httpx.Client(base_url=limited_app.url, headers=headers, timeout=60) as client:
        yield client


def ask(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    CALLS.clear()
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def refused(answer: dict[str, Any]) -> str:
    """The one error of an answer that ran nothing."""
    assert answer.get("data") is None, answer
    assert len(answer["errors"]) == 1, answer
    assert CALLS == [], CALLS
    message: str = answer["errors"][0]["message"]
    return message


def test_depth(limited: httpx.Client) -> None:
    deep = "{ tree { children { children { children { children { name } } } } } }"
    assert "exceeds maximum operation depth of 4" in refused(ask(limited, deep))
    answer = ask(limited, "{ tree { children { children { children { name } } } } }")
    assert len(answer["data"]["tree"]["children"]) == 2


def test_aliases(limited: httpx.Client) -> None:
    four = "{ a: modelVersion b: modelVersion c: modelVersion d: modelVersion }"
    assert refused(ask(limited, four)) == "4 aliases found. Allowed: 3"
    assert set(ask(limited, "{ a: modelVersion b: modelVersion c: modelVersion }")["data"]) == {
        "a", "b", "c"
    }  # fmt: skip


def test_tokens(limited: httpx.Client) -> None:
    many = "{ " + " ".join(["modelVersion"] * 70) + " }"
    assert "more than 60 tokens" in refused(ask(limited, many))
    assert "modelVersion" in ask(limited, "{ " + " ".join(["modelVersion"] * 50) + " }")["data"]


def test_cost(limited: httpx.Client) -> None:
    # tree 1 + children 1 + children 10 + name 100
    wide = "{ tree { children(first: 10) { children(first: 10) { name } } } }"
    assert "cost limit api.max_cost=50" in refused(ask(limited, wide))
    # tree 1 + children 1 + children 5 + name 25
    answer = ask(limited, "{ tree { children(first: 5) { children(first: 5) { name } } } }")
    assert sum(len(c["children"]) for c in answer["data"]["tree"]["children"]) == 25


def test_cost_of_a_page_not_asked_for_is_the_default_page(limited: httpx.Client) -> None:
    # siblings' page is the cap (10) when not given: tree 1 + siblings 1 + siblings 10
    # + name 100
    unpaged = "{ tree { siblings { siblings { name } } } }"
    assert "cost limit api.max_cost=50" in refused(ask(limited, unpaged))
    # tree 1 + siblings 1 + name 10, and children's default page of 2 counted too:
    # + children 10 + name 20
    answer = ask(limited, "{ tree { siblings { name children { name } } } }")
    assert len(answer["data"]["tree"]["siblings"]) == 10
    assert "api.max_cost=50" in refused(
        ask(limited, "{ tree { siblings { name children { name children { name } } } } }")
    )  # + children 20 + name 40


def test_cost_through_fragments_and_variables(limited: httpx.Client) -> None:
    query = (
        "query Q($n: Int!) { tree { children(first: $n) { ...F } } } "
        "fragment F on Branch { children(first: $n) { name } }"
    )
    assert "api.max_cost=50" in refused(ask(limited, query, n=10))
    assert len(ask(limited, query, n=3)["data"]["tree"]["children"]) == 3


def test_page_size(limited: httpx.Client) -> None:
    over = "children(first: 11) is over the page-size cap api.max_page_size=10"
    assert refused(ask(limited, "{ tree { children(first: 11) { name } } }")) == over
    query = "query Q($n: Int!) { tree { children(first: $n) { name } } }"
    assert refused(ask(limited, query, n=11)) == over
    assert len(ask(limited, query, n=10)["data"]["tree"]["children"]) == 10


def test_result_size(limited: httpx.Client) -> None:
    big = ask(limited, "{ __schema { types { name fields { name } } } }")
    assert big["data"] is None
    assert "result-size cap api.max_result_bytes=2000" in big["errors"][0]["message"]
    assert ask(limited, "{ __schema { queryType { name } } }")["data"] == {
        "__schema": {"queryType": {"name": "Query"}}
    }


def test_request_body_size(limited: httpx.Client) -> None:
    padded = {"query": "{ modelVersion }" + " " * 1600}
    response = limited.post("/graphql", json=padded)
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == (
        "the request body is larger than the cap api.max_body_bytes=1500"
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"query": "{ modelVersion }'
        yield b" " * 1600
        yield b'"}'

    streamed = limited.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert "api.max_body_bytes=1500" in streamed.json()["errors"][0]["message"]
    assert limited.post("/graphql", json={"query": "{ modelVersion }"}).status_code == 200


def test_neo4j_transaction_timeout(limited: httpx.Client) -> None:
    answer = ask(limited, "{ slow }")
    assert answer["data"] is None
    assert answer["errors"][0]["message"] == (
        "the query ran over the Neo4j transaction timeout api.query_timeout_seconds=2: "
        "ask for less (smaller pages, fewer levels)"
    )
    assert ask(limited, "{ ciCount }")["data"] == {"ciCount": 0}  # the server goes on
    # (the wiped graph holds no CI: the token is an ApiToken node)


def test_introspection_off(dbms_config: Config, schema: Schema, graph: neo4j.Driver) -> None:
    closed = ApiSettings(introspection=False)
    headers = bearer(graph, "admin")
    with (
        serve(dbms_config, schema, closed) as app,
        httpx.Client(base_url=app.url, headers=headers) as client,
    ):
        answer = ask(client, "{ __schema { queryType { name } } }")
        assert answer["data"] is None and CALLS == []
        assert {e["message"] for e in answer["errors"]} == {
            "GraphQL introspection has been disabled, but the requested query contained "
            f"the field {field!r}."
            for field in ("__schema", "queryType")
        }
        assert ask(client, "{ modelVersion }")["data"] == {"modelVersion": schema.version}
