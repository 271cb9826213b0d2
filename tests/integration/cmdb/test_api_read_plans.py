"""The plans of the API's CI reads (cmdb/queries/api_reads.py), as a real Neo4j makes them
on the sample estate (test_query_plans.py's `estate`): each seeks the index of what it
looks up, none scans a label, a location's chain is the pruning var-length expand."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from cmdb.queries import api_reads as q
from tests.integration.cmdb.test_query_plans import T0, estate, indexes_read, operators, scans

pytestmark = pytest.mark.neo4j
__all__ = ["estate"]  # the fixture, shared with test_query_plans.py

FILTER_OFF: dict[str, Any] = {
    "classes": None, "statuses": None, "name": None, "name_contains": None, "name_regex": None,
    "seen_before": None, "seen_after": None, "source": None, "attributes": [], "located": None,
    "owner": None, "order": "name", "after_key": None, "after_uid": None, "limit": 20, "t": T0,
}  # fmt: skip
PARAMS: dict[str, Any] = {
    "uids": ["u1", "u2"], "t": T0, "from": T0, "to": T0, "types": ["HAS_INTERFACE"],
    "outgoing": True, "runs": 20, "name": "hq-core-01", "limit": 20, "location": "HQ",
    "query": '"hq"',
}  # fmt: skip

READS = {
    "states as of a time": (q.STATES, {"CI(uid)", "State(uid, _vfrom)"}),
    "links with their other ends": (q.LINKS, {"CI(uid)", "State(uid, _vfrom)"}),
    "discovery coverage": (q.COVERAGE, {"CI(uid)"}),
    "CIs by name": (q.UIDS_BY_NAME, {"CI(name)"}),
    "a page of CIs now": (q.CIS_PAGE_NOW, {"CI(first_seen)"}),
    "a page of CIs now, descending": (q.CIS_PAGE_NOW_DESC, {"CI(first_seen)"}),
    "a page of CIs as of a time": (q.CIS_PAGE_AS_OF, {"CI(first_seen)", "State(uid, _vfrom)"}),
    "the count of a page now": (q.CIS_COUNT_NOW, {"CI(first_seen)"}),
    "the count of a page then": (q.CIS_COUNT_AS_OF, {"CI(first_seen)", "State(uid, _vfrom)"}),
    "search": (q.SEARCH, {"State(uid, _vfrom)"}),
}


def explain(driver: neo4j.Driver, query: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    with driver.session() as session:
        return operators(session.run("EXPLAIN " + query, params).consume().plan)


@pytest.mark.parametrize("read", list(READS))
def test_the_api_reads_seek_their_indexes(estate: neo4j.Driver, read: str) -> None:
    query, indexes = READS[read]
    ops = explain(estate, query, PARAMS | FILTER_OFF if "$order" in query else PARAMS)
    assert indexes <= set(
        indexes_read(ops, ("NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexSeekByRange"))
    ), ops
    assert scans(ops) == [], ops


def test_a_locations_chain_is_the_pruning_expand(estate: neo4j.Driver) -> None:
    ops = explain(estate, q.LOCATED_IN_PLACE, PARAMS)
    assert {"CI(uid)", "Location(name)", "Location(code)"} <= set(indexes_read(ops)), ops
    assert scans(ops) == [], ops
    assert [kind for kind, _ in ops if "VarLengthExpand" in kind] == [
        "VarLengthExpand(Pruning,BFS,All)"
    ], ops
