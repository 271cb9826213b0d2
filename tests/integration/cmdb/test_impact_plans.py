"""The impact reads as Neo4j plans them (EXPLAIN) on a loaded topology: candidate
collection is one bounded variable-length expand with DISTINCT ends, so the planner
uses the pruning expand (one visit per node and depth, not one per path; at depth 1
there is nothing to prune and the planner expands plainly); the network,
by-uid and as-of reads seek indexes and scan no label."""

from __future__ import annotations

import neo4j
import pytest

from cmdb.config import Config
from cmdb.impact.propagate import impact_types
from cmdb.ingest import Ingestor
from cmdb.queries import impact as q
from cmdb.schema import Schema
from tests.impact_estates import campus
from tests.integration.cmdb.test_query_plans import explain, indexes_read, scans

pytestmark = pytest.mark.neo4j


@pytest.fixture
def loaded(graph: neo4j.Driver, schema: Schema, config: Config) -> neo4j.Driver:
    Ingestor(graph, schema, config).ingest(campus().changeset())
    with graph.session() as session:
        session.run("CALL db.prepareForReplanning(120)").consume()
    return graph


@pytest.mark.parametrize("depth", [2, 8, 32])
def test_candidates_are_one_pruning_var_length_expand(
    loaded: neo4j.Driver, schema: Schema, depth: int
) -> None:
    ops = explain(loaded, q.candidates(impact_types(schema), depth))
    expands = [kind for kind, _ in ops if "VarLengthExpand" in kind]
    # Neo4j 5 names its breadth-first pruning expand VarLengthExpand(Pruning,BFS,All)
    assert len(expands) == 1 and expands[0].startswith("VarLengthExpand(Pruning"), ops
    assert "CI(uid)" in indexes_read(ops) and scans(ops) == [], ops


def test_the_other_impact_reads_scan_no_label(loaded: neo4j.Driver, schema: Schema) -> None:
    types = impact_types(schema)
    for query in (q.links_among(types), q.NODES, q.NODES_AS_OF, q.RESOLVE, q.RESPONSIBLE,
                  q.shortest_path(types, 16)):  # fmt: skip
        ops = explain(loaded, query)
        assert scans(ops) == [], (query, ops)
    ops = explain(loaded, q.NETWORK)
    assert not any(kind in ("AllNodesScan", "NodeByLabelScan") for kind, _ in ops), ops


def test_depth_is_checked_before_it_is_written_into_the_query(schema: Schema) -> None:
    for bad in (-1, 33, True):
        with pytest.raises(ValueError, match="depth"):
            q.candidates(impact_types(schema), bad)
    with pytest.raises(ValueError, match="schema names"):
        q.candidates(("HOSTED_ON|x]-() DETACH DELETE",), 2)


def test_the_graph_version_is_counted_from_the_count_store_and_the_newest_by_index(
    loaded: neo4j.Driver,
) -> None:
    """GRAPH_VERSION, asked before every kept-topology analysis, reads no CI, change set
    or link one by one: counts from the count store, the newest change set by the index
    on `at` (a bounded ordered seek, no sort of all change sets)."""
    kinds = [kind.split("@")[0] for kind, _ in explain(loaded, q.GRAPH_VERSION)]
    assert "NodeCountFromCountStore" in kinds and "RelationshipCountFromCountStore" in kinds
    assert any(k.startswith("NodeIndexScan") for k in kinds), kinds  # `at`, ordered
    assert not {"NodeByLabelScan", "AllNodesScan", "Sort", "Top"} & set(kinds), kinds
