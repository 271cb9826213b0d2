"""The plans of the changes check's reads (cmdb/queries/authorized.py) on the layer's
plan estate: the period's versions seek version_to, each relationship type's links its
since/until indexes, change sets and requests their unique id, nothing scans a label."""

from __future__ import annotations

import neo4j
import pytest

from cmdb.queries import authorized as q
from tests.integration.cmdb.test_query_plans import SCHEMA, estate, explain, indexes_read, scans

pytestmark = pytest.mark.neo4j
__all__ = ["estate"]  # the fixture, shared


def test_the_periods_versions_seek_version_to(estate: neo4j.Driver) -> None:
    ops = explain(estate, q.OBSERVED_CHANGES)
    seeks = indexes_read(ops, ("NodeIndex", "NodeUniqueIndex"))
    assert "CIVersion(_to)" in seeks and "ChangeSet(id)" in seeks, ops
    assert scans(ops) == [], ops


@pytest.mark.parametrize("rel", sorted(SCHEMA.relationships))
def test_each_types_links_seek_its_since_and_until(estate: neo4j.Driver, rel: str) -> None:
    ops = explain(estate, q.observed_links_query(SCHEMA.relationships[rel]))
    kinds = " ".join(kind for kind, _ in ops)
    assert "RelationshipIndex" in kinds, ops
    assert scans(ops) == [], ops


@pytest.mark.parametrize("name", ["REQUESTS_IN_PERIOD", "CLOSED_IN_PERIOD", "REQUEST_WINDOW",
                                  "RECORD_MATCHES", "FINDINGS_IN_PERIOD", "PARENTS"])  # fmt: skip
def test_the_request_and_finding_reads_seek(estate: neo4j.Driver, name: str) -> None:
    ops = explain(estate, getattr(q, name))
    assert indexes_read(ops, ("NodeIndex", "NodeUniqueIndex")), ops
    assert scans(ops) == [], ops
