"""The request's way to Neo4j: read and write transactions with the configured timeout,
counted and timed (for /metrics, the request log and the one-query-per-level tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """`driver`: the app's async driver, for every read and write on the event loop;
    `sync_driver`: the app's sync one, for plans run whole in a worker thread (`offload`)."""

    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        timeout: float | None,
        observe: QueryObserver | None = None,
        sync_driver: neo4j.Driver | None = None,
    ) -> None:
        self.driver = driver
        self.sync_driver = sync_driver
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
        whole plan, its reads and its computation, runs in a worker thread through the
        sync driver, as `cmdb impact` runs it (impact analysis: seconds of reachability and
        reads of tens of thousands of rows must not hold up the event loop, and the sync
        driver reads large answers faster)."""
        if offload and self.sync_driver is not None:
            return await asyncio.to_thread(self._run_plan_sync, self.sync_driver, plan)
        rows: Rows | None = None
        while True:
            step = _advance(plan, rows)
            if isinstance(step, _Done):
                return step.value
            rows = await self.read(step.text, step.params)

    def _run_plan_sync(self, driver: neo4j.Driver, plan: Plan[T]) -> T:
        unit = neo4j.unit_of_work(timeout=self.timeout)(_read_sync)
        with driver.session() as session:
            rows: Rows | None = None
            while True:
                step = _advance(plan, rows)
                if isinstance(step, _Done):
                    return step.value
                with self._counted():
                    rows = session.execute_read(unit, step)

    async def _run(self, text: str, params: dict[str, Any], write: bool) -> Rows:
        async def work(tx: neo4j.AsyncManagedTransaction) -> Rows:
            result = await tx.run(text, params)
            return [record.data() async for record in result]

        unit = neo4j.unit_of_work(timeout=self.timeout)(work)
        with self._counted():
            async with self.driver.session() as session:
                if write:
                    return await session.execute_write(unit)
                return await session.execute_read(unit)

    @contextmanager
    def _counted(self) -> Iterator[None]:
        """One query: counted and timed; a Neo4j transaction timeout told plainly."""
        started = time.perf_counter()
        try:
            yield
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


def _read_sync(tx: neo4j.ManagedTransaction, query: Query) -> Rows:
    return [record.data() for record in tx.run(query.text, query.params)]


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
