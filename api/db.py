"""The request's way to Neo4j: read and write transactions with the configured timeout,
counted and timed (for /metrics, the request log and the one-query-per-level tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import neo4j

from cmdb.queryplan import Plan, Query, Rows

T = TypeVar("T")
QueryObserver = Callable[[float], None]  # seconds one query took
TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"  # and ...ClientConfiguration


class QueryTimeoutError(Exception):
    """A query of the request ran over the Neo4j transaction timeout (api.query_timeout_seconds)."""

    def __init__(self, timeout: float | None) -> None:
        super().__init__(
            f"the query ran over the Neo4j transaction timeout api.query_timeout_seconds="
            f"{timeout if timeout is None else format(timeout, 'g')}: ask for less (smaller "
            "pages, fewer levels)"
        )


class Db:
    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        timeout: float | None,
        observe: QueryObserver | None = None,
    ) -> None:
        self.driver = driver
        self.timeout = timeout
        self.queries = 0  # queries this request ran
        self.seconds = 0.0  # their time
        self._observe = observe

    async def read(self, text: str, params: dict[str, Any] | None = None) -> Rows:
        return await self._run(text, params or {}, write=False)

    async def write(self, text: str, params: dict[str, Any] | None = None) -> Rows:
        return await self._run(text, params or {}, write=True)

    async def run_plan(self, plan: Plan[T], offload: bool = False) -> T:
        """A `cmdb.queryplan` plan, each of its queries one counted read. `offload`: the
        plan's own computation between its reads runs in a worker thread, not on the event
        loop (impact analysis: seconds of reachability must not hold up other requests)."""
        rows: Rows | None = None
        while True:
            step = (
                await asyncio.to_thread(_advance, plan, rows) if offload else _advance(plan, rows)
            )
            if isinstance(step, _Done):
                return step.value
            rows = await self.read(step.text, step.params)

    async def _run(self, text: str, params: dict[str, Any], write: bool) -> Rows:
        started = time.perf_counter()

        async def work(tx: neo4j.AsyncManagedTransaction) -> Rows:
            result = await tx.run(text, params)
            return [record.data() async for record in result]

        unit = neo4j.unit_of_work(timeout=self.timeout)(work)
        try:
            async with self.driver.session() as session:
                if write:
                    return await session.execute_write(unit)
                return await session.execute_read(unit)
        except neo4j.exceptions.ClientError as exc:
            if exc.code is not None and exc.code.startswith(TIMED_OUT):
                raise QueryTimeoutError(self.timeout) from None
            raise
        finally:
            took = time.perf_counter() - started
            self.queries += 1
            self.seconds += took
            if self._observe is not None:
                self._observe(took)


@dataclass(frozen=True)
class _Done(Generic[T]):
    value: T


def _advance(plan: Plan[T], rows: Rows | None) -> Query | _Done[T]:
    """The plan's next query, or its result (a StopIteration cannot leave a worker
    thread through asyncio)."""
    try:
        return next(plan) if rows is None else plan.send(rows)
    except StopIteration as stop:
        return _Done(stop.value)
