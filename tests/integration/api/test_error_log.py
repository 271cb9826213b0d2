"""GraphQL errors in the served app's log: each one JSON line on `cmdb.api` (operation,
error, path, code), never the query text, its values or variables; an expected error
(bad input, permission, limit, query timeout) without a traceback, an unexpected
exception with its own."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import neo4j
import pytest
import strawberry
from strawberry.types import Info

from api import schema as api_schema
from api.context import RequestContext
from api.parts import ApiPart
from cmdb.config import ApiSettings, Config
from cmdb.schema import Schema
from tests.integration.api.conftest import Served, bearer
from tests.integration.api.probe import SLOW

pytestmark = pytest.mark.neo4j
SECRET = "sk-live-7f3a9c2e"  # what a query or its variables may carry, never logged


@strawberry.type
class FailingQuery:
    @strawberry.field
    async def slow_count(self, info: Info[RequestContext, None]) -> int:
        rows = await info.context.db.read(SLOW)
        return int(rows[0]["n"])

    @strawberry.field
    def broken(self, label: str) -> int:
        raise RuntimeError("the disk is on fire")


@contextmanager
def failing_app(dbms_config: Config, schema: Schema) -> Iterator[Served]:
    settings = ApiSettings(query_timeout_seconds=1.0, max_page_size=50)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api_schema, "PARTS", (*api_schema.PARTS, ApiPart(query=FailingQuery)))
        served = Served(dbms_config.with_overrides(api=settings), schema)
    with served:
        yield served


@pytest.fixture(scope="module")
def failing(dbms_config: Config, schema: Schema, driver: object) -> Iterator[Served]:
    with failing_app(dbms_config, schema) as app:
        yield app


@pytest.fixture
def client(
    failing: Served, graph: neo4j.Driver, caplog: pytest.LogCaptureFixture
) -> Iterator[httpx.Client]:
    headers = bearer(graph, "reader")
    with httpx.Client(base_url=failing.url, headers=headers, timeout=60) as http:
        http.post("/graphql", json={"query": "{ modelVersion }"})  # the token's first use
        caplog.clear()
        caplog.set_level(logging.INFO)
        yield http


def server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the served app logged (the test's own client logs left out)."""
    return [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]


def post(client: httpx.Client, query: str, **variables: Any) -> list[dict[str, Any]]:
    answer = client.post("/graphql", json={"query": query, "variables": variables}).json()
    errors: list[dict[str, Any]] = answer["errors"]
    return errors


def error_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The error lines of `cmdb.api` (the request lines left out)."""
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cmdb.api"]
    return [line for line in lines if "error" in line]


def test_bad_documents_and_arguments_log_one_line_each_without_their_text(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    assert post(client, f'query Typo {{ ci(uid: "{SECRET}") {{ nme }} }}')  # validation
    assert post(client, f'query Syntax {{ ci(uid: "{SECRET}" }}')  # syntax
    assert post(client, f'query Wrong {{ cis(first: "{SECRET}") {{ totalCount }} }}')
    assert post(client, "query Vars($n: Int!) { cis(first: $n) { totalCount } }", n=SECRET)
    cursor = post(client, "query Page($a: String) { history(after: $a) { hasNextPage } }",
                  a=SECRET)  # fmt: skip
    assert cursor[0]["message"] == "after: not a cursor this list handed out"
    lines = error_lines(caplog)
    assert [(line["operation"], line["code"]) for line in lines] == [
        ("Typo", "GRAPHQL_VALIDATION_FAILED"), ("anonymous", "GRAPHQL_PARSE_FAILED"),
        ("Wrong", "GRAPHQL_VALIDATION_FAILED"), ("Vars", "GRAPHQL_VALIDATION_FAILED"),
        ("Page", "BAD_USER_INPUT"),
    ]  # fmt: skip
    assert lines[0]["error"] == 'Cannot query field "…" on type "…". Did you mean "…"?'
    assert lines[-1] == {"operation": "Page", "error": "after: not a cursor this list handed out",
                         "path": "history", "code": "BAD_USER_INPUT"}  # fmt: skip
    assert all(r.exc_info is None for r in caplog.records)
    assert not [r for r in caplog.records if r.name.startswith("strawberry")]
    assert SECRET not in caplog.text
    for text in ("query Typo", "ci(uid", "cis(first", "$n: Int!", "history(after"):
        assert text not in caplog.text  # no query text


def test_a_permission_refused_and_a_page_over_the_cap_are_one_line_each(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    [refused] = post(client, "query Tokens { apiTokens { name } }")  # a reader's token
    assert refused["extensions"]["code"] == "FORBIDDEN"
    post(client, "query Big { cis(first: 51) { totalCount } }")
    lines = error_lines(caplog)
    assert len(lines) == 2, lines
    # every quoted part elided, ours too: they may echo what the query said
    assert refused["message"] == "permission 'manage_tokens' needed (role reader has: read)"
    assert lines[0] == {"operation": "Tokens", "error": 'permission "…" needed (role reader has: read)',
                        "path": "apiTokens", "code": "FORBIDDEN"}  # fmt: skip
    assert lines[1]["operation"] == "Big" and lines[1]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "api.max_page_size=50" in lines[1]["error"]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_query_timeout_logs_one_line_and_no_traceback(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    [err] = post(client, "query Slow { slowCount }")
    assert err["message"].startswith("the query ran over the Neo4j transaction timeout")
    assert error_lines(caplog) == [{
        "operation": "Slow", "error": err["message"], "path": "slowCount",
        "code": "QUERY_TIMEOUT"}]  # fmt: skip
    # nothing else but the request's own line, at any level, from any logger
    assert len(server_records(caplog)) == 2, [r.getMessage() for r in server_records(caplog)]
    assert all(r.exc_info is None for r in caplog.records)


def test_an_unexpected_exception_logs_one_line_and_its_traceback_without_the_query(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    [err] = post(client, "query Boom($l: String!) { broken(label: $l) }", l=SECRET)
    assert err["message"] == "the disk is on fire"
    [line] = error_lines(caplog)
    assert line == {"operation": "Boom", "error": "the disk is on fire", "path": "broken",
                    "code": "INTERNAL_SERVER_ERROR"}  # fmt: skip
    [record] = [r for r in caplog.records if r.exc_info is not None]
    assert record.name == "cmdb.api" and record.levelno == logging.ERROR
    assert "RuntimeError: the disk is on fire" in caplog.text  # the traceback
    assert SECRET not in caplog.text and "broken(label" not in caplog.text
