"""The plans of the change log, the runs page and the manual link look-up (EXPLAIN on the
sample estate of test_query_plans): each reads the index of its window or key, never a
scan; every relationship type's link read seeks that type's since and until indexes."""

from __future__ import annotations

import neo4j
import pytest

from cmdb.queries import changelog, manual, runs
from cmdb.schema import RelType, load_schema
from tests.integration.cmdb.test_query_plans import estate, explain, indexes_read, scans

__all__ = ["estate"]  # the fixture, shared with test_query_plans

pytestmark = pytest.mark.neo4j
SCHEMA = load_schema()
RELS = list(SCHEMA.relationships.values())
SEEKS = ("NodeIndexSeek", "NodeUniqueIndexSeek")

READS = {
    "changes in a window": (
        changelog.CHANGED_IN_WINDOW, {"CIVersion(_to)", "ChangeSet(id)", "State(uid, _vfrom)"}
    ),
    "creations in a window": (
        changelog.CREATED_IN_WINDOW, {"CI(first_seen)", "ChangeSet(id)", "State(uid, _vfrom)"}
    ),
    "a page of runs": (runs.READ_RUNS_PAGE, {"DiscoveryRun(started_at)"}),
}  # fmt: skip


@pytest.mark.parametrize("read", list(READS))
def test_the_change_log_and_runs_read_their_indexes(estate: neo4j.Driver, read: str) -> None:
    query, indexes = READS[read]
    ops = explain(estate, query)
    assert indexes <= set(indexes_read(ops, SEEKS)), ops
    assert scans(ops) == [], ops


@pytest.mark.parametrize("rel", RELS, ids=lambda r: r.name)
def test_each_type_s_links_in_a_window_read_its_since_and_until_indexes(
    estate: neo4j.Driver, rel: RelType
) -> None:
    """Opened links: a range seek on since. Closed links: the until index (which holds
    closed links only); the planner may scan it rather than seek where few are closed."""
    ops = explain(estate, changelog.links_in_window_query(rel))
    seeks = ("DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek")
    assert f"{rel.name}(since)" in indexes_read(ops, seeks), ops
    kinds = ("DirectedRelationshipIndex", "UndirectedRelationshipIndex")
    assert f"{rel.name}(until)" in indexes_read(ops, kinds), ops
    assert "ChangeSet(id)" in indexes_read(ops, SEEKS), ops
    assert scans(ops) == [], ops


@pytest.mark.parametrize("rel", RELS, ids=lambda r: r.name)
def test_the_open_link_a_person_closes_is_found_by_uid(estate: neo4j.Driver, rel: RelType) -> None:
    ops = explain(estate, manual.open_link_query(rel))
    assert "CI(uid)" in indexes_read(ops, SEEKS), ops
    assert scans(ops) == [], ops
