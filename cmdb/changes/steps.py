"""Operations on change requests, written once for the CLI and the API.

An operation is a generator like a query plan (cmdb.queryplan): it yields `Query` (a
read) or `Write` (a write transaction) and receives each one's rows, then returns its
result. `run_operation` runs it on the sync driver (CLI); api/changes.py runs the same
generator through the request's async Db. The pure parts (cmdb.changes.states, .risk,
.windows) decide; the queries are cmdb/queries/changes.py.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j

from cmdb.queryplan import Query, Rows

T = TypeVar("T")


@dataclass(frozen=True)
class Write:
    text: str
    params: dict[str, Any] = field(default_factory=dict)


Step = Query | Write
Operation = Generator[Step, Rows, T]


def run_operation(driver: neo4j.Driver, operation: Operation[T]) -> T:
    """Each step in its own transaction, retried on transient errors (a write that moves
    a request checks its revision, so a retried one cannot apply twice)."""
    with driver.session() as session:
        try:
            step = next(operation)
            while True:
                if isinstance(step, Write):
                    rows = session.execute_write(_run, step.text, step.params)
                else:
                    rows = session.execute_read(_run, step.text, step.params)
                step = operation.send(rows)
        except StopIteration as stop:
            result: T = stop.value
            return result


def _run(tx: neo4j.ManagedTransaction, text: str, params: dict[str, Any]) -> Rows:
    return [record.data() for record in tx.run(text, params)]
