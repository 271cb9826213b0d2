"""Two people moving one change request at once (cmdb/changes/store.py): each write
checks the revision its decision was made on, so the later one is refused and nothing of
it is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.changes import store
from cmdb.changes.cab import CabPolicy
from cmdb.changes.model import check_draft
from cmdb.changes.states import Action, ChangeRequestError
from cmdb.changes.steps import Operation, Write, run_operation
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def until_write(driver: neo4j.Driver, operation: Operation[Any]) -> Write:
    """Run an operation's reads up to its first write, which is returned, not run."""
    step = next(operation)
    while not isinstance(step, Write):
        rows, _, _ = driver.execute_query(step.text, step.params, routing_="r")
        step = operation.send([r.data() for r in rows])
    return step


def test_the_later_of_two_moves_decided_on_one_state_is_refused(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    uid = Ingestor(graph, schema, config).ingest(sample_estate(T0)).uids["fw-HQ"]
    draft = check_draft("Fix", "emergency", T0, T0 + timedelta(hours=1), [uid])
    cr = run_operation(graph, store.create(draft, "alice", T0))
    slow = store.act(cr, Action.START, "bob", T0, policy=CabPolicy())
    pending = until_write(graph, slow)  # bob decided on the draft
    # alice started it first
    run_operation(graph, store.act(cr, Action.START, "alice", T0, policy=CabPolicy()))
    rows, _, _ = graph.execute_query(pending.text, pending.params)
    with pytest.raises(ChangeRequestError) as caught:
        slow.send([r.data() for r in rows])
    assert str(caught.value) == (
        f"change request {cr} was changed by someone else meanwhile: read it again and retry"
    )
    now = run_operation(graph, store.read_one(cr))
    assert [(t.action, t.actor) for t in now.transitions] == [("create", "alice"),
                                                              ("start", "alice")]  # fmt: skip
