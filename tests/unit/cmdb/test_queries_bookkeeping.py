"""The bookkeeping property names are defined once (cmdb.queries.bookkeeping); the query
texts that leave them out are built from that one list."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import neo4j.time

from cmdb.queries import bookkeeping, history, write


def _nulled(query: str) -> set[str]:
    """The properties a query's map projection sets to null (leaves out)."""
    return set(re.findall(r"(_[a-z_]+): null", query))


def test_a_version_keeps_everything_but_the_ingest_bookkeeping() -> None:
    assert _nulled(write.UPDATE_CIS) == set(bookkeeping.INGEST)
    assert "SET v = n {.*, _prov: null," in write.UPDATE_CIS
    assert not set(bookkeeping.IDENTITY) & _nulled(write.UPDATE_CIS)


def test_state_reads_ship_no_history_or_ingest_bookkeeping() -> None:
    left_out = set(bookkeeping.HISTORY) | set(bookkeeping.INGEST)
    for query in (history.AS_OF, history.CURRENT):
        assert _nulled(query) == left_out, query
        assert "{.*, _vfrom: null, _to: null," in query


def test_the_groups_are_disjoint_internal_names() -> None:
    groups = (bookkeeping.HISTORY, bookkeeping.INGEST, bookkeeping.IDENTITY)
    assert sum(len(g) for g in groups) == len(bookkeeping.INTERNAL)
    assert all(bookkeeping.is_internal(name) for name in bookkeeping.INTERNAL)


def test_public_drops_every_internal_property_and_converts_times() -> None:
    stored = {"name": "s1", "_vfrom": 1, "_class": "Server", "_split_from": "x",
              "first_seen": neo4j.time.DateTime(2026, 1, 2, tzinfo=UTC)}  # fmt: skip
    assert bookkeeping.public(stored) == {
        "name": "s1",
        "first_seen": datetime(2026, 1, 2, tzinfo=UTC),
    }
