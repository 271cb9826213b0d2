"""Hostile strings through every argument and filter of the CI queries: quotes,
backticks, `})`, Cypher and Lucene syntax, control and right-to-left characters, a
string over the body limit and one just under it. Each answer is one clean error (no
internals named) or a correct empty answer, and the graph is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
T0 = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)

HOSTILE = [
    "'", '"', "`", "\\", "})", "'}) MATCH (n) DETACH DELETE n //",
    "` MATCH (n) DETACH DELETE n RETURN `", '"}) CALL db.labels() YIELD label RETURN label //',
    "$t", "MATCH (n) DETACH DELETE n", "*:*", "name:* OR serial_number:*", "\u0000\u0001\n\t",
    "\u202eevil\u200b", "ü🙂漢字", "(?:a+)+$", "[", "a" * 500_000, "x" * 10_000_000,
]  # fmt: skip

CI = "query($s: String) { ci(uid: $s) { uid } }"
CI_NAME = "query($s: String) { ci(name: $s) { uid } }"
CI_AS_OF = 'query($s: DateTime) { ci(name: "hq-core-01", asOf: $s) { uid } }'
CIS = """query($f: CIFilter, $after: String) { cis(filter: $f, after: $after, first: 5) {
  totalCount edges { node { uid } } } }"""
SEARCH = "query($s: String!) { search(text: $s) { uid } }"
RELS = """query($s: String, $after: String) { ci(name: "hq-core-01") {
  relationships(type: $s, after: $after) { totalCount } } }"""

# query, variables of the hostile string, what a correct answer holds (None: an error)
CASES: list[tuple[str, Callable[[str], dict[str, Any]]]] = [
    (CI, lambda s: {"s": s}),
    (CI_NAME, lambda s: {"s": s}),
    (CI_AS_OF, lambda s: {"s": s}),
    (SEARCH, lambda s: {"s": s}),
    (RELS, lambda s: {"s": s}),
    (RELS, lambda s: {"after": s}),
    (CIS, lambda s: {"after": s}),
    *[(CIS, lambda s, k=key: {"f": {k: s}})
      for key in ("className", "name", "nameContains", "nameRegex", "location", "owner", "source",
                  "lastSeenBefore", "lastSeenAfter")],
    (CIS, lambda s: {"f": {"status": [s]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": s, "eq": "x"}]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": "vendor", "eq": s}]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": "cpu_count", "min": s}]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": "warranty_end", "max": s}]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": "cpu_count", "eq": s}]}}),
    (CIS, lambda s: {"f": {"attributes": [{"name": "vendor", "in": [s, s]}]}}),
]  # fmt: skip
INTERNALS = ("Traceback", "neo4j", "Neo.", "Cypher", "Lucene", "lucene", "java")


def empty(data: dict[str, Any]) -> bool:
    """A correct answer to a hostile string: nothing matches it."""
    (value,) = data.values()
    if value is None or value == []:
        return True
    if "relationships" in value:  # the real CI, no relationship of a type never defined
        return bool(value["relationships"]["totalCount"] == 0)
    if "edges" in value:
        return bool(value["edges"] == [] and value["totalCount"] == 0)
    return False


def answer_is_clean(response: httpx.Response) -> str:
    if response.status_code != 200:  # refused before GraphQL (the body-size limit)
        assert 400 <= response.status_code < 500, response.status_code
        assert not any(word in response.text for word in INTERNALS), response.text[:500]
        return "refused"
    body = response.json()
    if body.get("errors"):
        assert len(body["errors"]) == 1, body["errors"]
        message = body["errors"][0]["message"]
        assert not any(word in message for word in INTERNALS), message
        return "error"
    assert empty(body["data"]), body["data"]
    return "empty"


def test_hostile_strings_through_every_argument(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, dbms_config: Config, dump: Any
) -> None:
    Ingestor(graph, schema, dbms_config).ingest(sample_estate(T0))
    assert http.post("/graphql", json={"query": "{ modelVersion }"}).status_code == 200
    before = dump(graph)
    outcomes: dict[str, int] = {}
    for query, variables in CASES:
        for text in HOSTILE:
            response = http.post("/graphql", json={"query": query, "variables": variables(text)})
            outcome = answer_is_clean(response)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert dump(graph) == before
    # all three kinds of answer were met: the cases are not all refused at the door
    assert set(outcomes) == {"refused", "error", "empty"}, outcomes
