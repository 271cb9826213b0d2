"""The plans of the change-request queries (cmdb/queries/changes.py), as a real Neo4j
makes them on the sample estate with change requests and change sets written under them:
each read seeks the index of what it looks up (tests/integration/cmdb/test_query_plans.py
checks that no query of the layer scans the graph)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.changes import store
from cmdb.changes.model import check_draft
from cmdb.changes.steps import run_operation
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queries import changes
from cmdb.schema import Schema
from tests.conftest import WIPE
from tests.integration.cmdb.test_query_plans import indexes_read, operators, scans

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def estate(driver: neo4j.Driver, schema: Schema, dbms_config: Config) -> Iterator[neo4j.Driver]:
    with driver.session() as session:
        session.run(WIPE).consume()
    ingest = Ingestor(driver, schema, dbms_config).ingest
    uids = list(ingest(sample_estate(T0)).uids.values())
    for n in range(30):
        draft = check_draft(f"change {n}", "normal", T0 + timedelta(days=n),
                            T0 + timedelta(days=n, hours=2), uids[n : n + 3])  # fmt: skip
        cr = run_operation(driver, store.create(draft, "t", T0))
        ingest(ChangeSet.model_validate({"source": "manual", "actor": "t", "change_request": cr,
                                         "observed_at": T0 + timedelta(days=n), "cis": [
            {"key": "s", "class": "Server", "attributes": {"serial_number": f"CR-{n}"}}]}))  # fmt: skip
    with driver.session() as session:
        session.run("CALL db.prepareForReplanning(120)").consume()
    yield driver


PARAMS = {
    "ids": ["CHG0000001"], "id": "CHG0000001", "uids": ["u1"], "states": ["approved"],
    "after": None, "limit": 21, "start": T0, "end": T0, "touched": ["u1"], "services": ["s"],
}  # fmt: skip
SEEKS = {
    "requests by id": (changes.READ_REQUESTS, {"ChangeRequest(id)"}),
    "a page by state": (changes.PAGE, {"ChangeRequest(state)"}),
    "the count by state": (changes.COUNT, {"ChangeRequest(state)"}),
    "conflicting requests": (changes.CONFLICTS, {"ChangeRequest(state)"}),
    "change sets of requests": (changes.CHANGE_SETS, {"ChangeSet(change_request)"}),
    "touched CIs": (changes.TOUCHED_CIS, {"CI(uid)"}),
}


@pytest.mark.parametrize("read", list(SEEKS))
def test_the_change_request_reads_seek_their_index(estate: neo4j.Driver, read: str) -> None:
    query, indexes = SEEKS[read]
    with estate.session() as session:
        plan = session.run("EXPLAIN " + query, PARAMS).consume().plan
    ops = operators(plan)
    assert indexes <= set(indexes_read(ops)), ops
    assert scans(ops) == [], ops
