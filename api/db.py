"""The request's way to Neo4j: read and write transactions with the configured timeout,
counted and timed (for /metrics, the request log and the one-query-per-level tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

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

    async def run_plan(self, plan: Plan[T]) -> T:
        """A `cmdb.queryplan` plan, each of its queries one counted read."""
        try:
            query: Query = next(plan)
            while True:
                rows = await self.read(query.text, query.params)
                query = plan.send(rows)
        except StopIteration as stop:
            result: T = stop.value
            return result

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
