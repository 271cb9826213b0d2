"""The read queries of cmdb/queries/, by their text: values only as parameters, labels
from schema/, and the shapes their plans depend on (checked on a real DBMS in
tests/integration/cmdb/test_history_reads.py)."""

from __future__ import annotations

import re

import pytest

from cmdb.queries import history, identify, lifecycle, migrations, report, runs
from cmdb.schema import Schema, load_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def _flat(query: str) -> str:
    return " ".join(query.split())


def test_as_of_reads_the_state_index_newest_first_one_row_per_uid() -> None:
    text = _flat(history.AS_OF)
    # the (uid, _vfrom) :State index serves the seek and its order; LIMIT 1 per uid
    assert "MATCH (s:State) WHERE s.uid = u AND s._vfrom <= $t" in text
    assert "ORDER BY s.uid DESC, s._vfrom DESC, s._to DESC LIMIT 1" in text
    assert "CALL (u) {" in text
    # the tie-break is ordering, never a filter on _to (that read every version)
    assert "s._to >" not in text and "s._to IS" not in text


def test_versions_and_first_state_seek_the_same_index_in_order() -> None:
    assert "MATCH (v:State) WHERE v.uid = u AND v._vfrom >= $epoch" in _flat(history.VERSIONS)
    assert _flat(history.FIRST_STATE).endswith("ORDER BY s._vfrom LIMIT 1")


@pytest.mark.parametrize(
    "query",
    [history.AS_OF, history.CURRENT, history.CURRENT_FULL, history.LINKS_AS_OF,
     history.VERSIONS, history.LINK_EVENTS, history.REFS, history.FIRST_STATE,
     history.CHANGESETS, history.CHANGED_IN_WINDOW, lifecycle.READ_CI,
     lifecycle.STALE_ACTIVE, lifecycle.LONG_ABSENT, identify.FIND_BY_UID_OR_NAME,
     runs.WRITE_RUN, runs.READ_RUNS, runs.READ_RUN, report.CI_COUNTS,
     report.BEST_CONNECTED_DEVICE, migrations.APPLIED, migrations.RECORD_DERIVED,
     migrations.RECORD_FILE, migrations.AWAIT_INDEXES],
)  # fmt: skip
def test_every_value_is_a_parameter(query: str) -> None:
    # no quoted literal but the lifecycle statuses, no number but LIMIT 1 / LIMIT 20
    literals = set(re.findall(r"'([^']*)'", query))
    assert literals <= {"active", "absent"}, literals
    numbers = set(re.findall(r"(?<![\w$.])\d+", query))
    assert numbers <= {"1", "20"}, numbers


def test_lifecycle_moves_only_scoped_active_and_long_absent_cis() -> None:
    assert "c.status = 'active' AND c._scope IS NOT NULL AND c.last_seen < $before" in (
        _flat(lifecycle.STALE_ACTIVE)
    )
    assert "c.status = 'absent' AND c._vfrom < $before" in _flat(lifecycle.LONG_ABSENT)


def test_a_lookup_is_one_batched_match_on_the_identifier_set(schema: Schema) -> None:
    server = schema.classes["Server"]
    assert identify.lookup_query(server, 0) == (
        "UNWIND $rows AS row MATCH (n:Server {serial_number: row.v0}) "
        f"RETURN collect({identify.LOOKUP_SUMMARY}) AS found"
    )
    interface = schema.classes["Interface"]
    assert "{name: row.v0, _parent: row.p}" in identify.lookup_query(interface, 0)


def test_a_global_lookup_names_its_values_as_parameters(schema: Schema) -> None:
    server = schema.classes["Server"]
    assert identify.global_lookup_query(server, ("hostname", "domain")) == (
        "MATCH (n:Server {hostname: $v0, domain: $v1}) RETURN n.uid AS uid ORDER BY uid"
    )
