"""Query plans: a read written once, run by the sync driver (CLI) or the async one (API).

A plan is a generator that yields `Query` values and receives each query's rows (a list
of dicts, `Record.data()`), then returns its typed result. It never touches a driver, so
the same traversal, with the same Cypher and the same in-process computation, serves
`cmdb impact` and the GraphQL API:

    def count_devices(kind: str) -> Plan[int]:
        rows = yield Query(COUNT_DEVICES, {"kind": kind})
        return rows[0]["n"]

    run_plan(driver, count_devices("Switch"))                # CLI
    await run_plan_async(async_driver, count_devices("Switch"))  # API

Each query runs in its own read transaction (retried on transient errors) with the
given timeout; a plan that needs one consistent view reads `as of` a fixed time.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j

T = TypeVar("T")
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Query:
    text: str
    params: dict[str, Any] = field(default_factory=dict)


Plan = Generator[Query, Rows, T]


def run_plan(driver: neo4j.Driver, plan: Plan[T], timeout: float | None = None) -> T:
    with driver.session() as session:
        try:
            query = next(plan)
            while True:
                rows = session.execute_read(neo4j.unit_of_work(timeout=timeout)(_read), query)
                query = plan.send(rows)
        except StopIteration as stop:
            result: T = stop.value
            return result


async def run_plan_async(
    driver: neo4j.AsyncDriver, plan: Plan[T], timeout: float | None = None
) -> T:
    async with driver.session() as session:
        try:
            query = next(plan)
            while True:
                rows = await session.execute_read(
                    neo4j.unit_of_work(timeout=timeout)(_read_async), query
                )
                query = plan.send(rows)
        except StopIteration as stop:
            result: T = stop.value
            return result


def _read(tx: neo4j.ManagedTransaction, query: Query) -> Rows:
    return [record.data() for record in tx.run(query.text, query.params)]


async def _read_async(tx: neo4j.AsyncManagedTransaction, query: Query) -> Rows:
    result = await tx.run(query.text, query.params)
    return [record.data() async for record in result]
