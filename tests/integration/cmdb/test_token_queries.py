"""The token queries' plans (EXPLAIN on a real Neo4j, a few tokens stored): a request's
lookup by the secret's hash and a revoke by name are one unique-index seek each, and
listing the tokens walks the name index, not the label."""

from __future__ import annotations

import neo4j
import pytest

from cmdb.queries import tokens
from cmdb.tokens import create_token
from tests.integration.cmdb.test_query_plans import explain, indexes_read, scans

pytestmark = pytest.mark.neo4j


@pytest.fixture
def stored(graph: neo4j.Driver) -> neo4j.Driver:
    for n in range(30):
        create_token(graph, f"token-{n}", "reader", None)
    return graph


@pytest.mark.parametrize(
    ("query", "index"),
    [(tokens.FIND_TOKEN, "ApiToken(hash)"), (tokens.REVOKE_TOKEN, "ApiToken(name)")],
    ids=["find by hash", "revoke by name"],
)
def test_a_token_is_one_unique_index_seek(stored: neo4j.Driver, query: str, index: str) -> None:
    ops = explain(stored, query)
    assert indexes_read(ops, ("NodeUniqueIndexSeek",)) == [index], ops
    assert not any("Scan" in kind for kind, _ in ops), ops


def test_the_list_reads_the_name_index_not_the_label(stored: neo4j.Driver) -> None:
    ops = explain(stored, tokens.LIST_TOKENS)
    assert scans(ops) == [], ops
    assert any(kind.startswith("NodeIndexScan") and "ApiToken(name)" in d for kind, d in ops), ops
