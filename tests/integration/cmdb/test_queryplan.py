"""A query plan reads the same through the sync driver (CLI) and the async one (API)."""

from __future__ import annotations

import asyncio

import neo4j

from cmdb.config import Config
from cmdb.connection import connect_async
from cmdb.queryplan import Plan, Query, run_plan, run_plan_async


def _two_steps(start: int) -> Plan[list[int]]:
    first = yield Query("UNWIND range($a, $a + 2) AS n RETURN n", {"a": start})
    numbers = [row["n"] for row in first]
    second = yield Query("UNWIND $ns AS n RETURN n * 10 AS n", {"ns": numbers})
    return [row["n"] for row in second]


def test_a_plan_runs_alike_sync_and_async(driver: neo4j.Driver, dbms_config: Config) -> None:
    assert run_plan(driver, _two_steps(4), timeout=30) == [40, 50, 60]

    async def run_async() -> list[int]:
        async_driver = await connect_async(dbms_config)
        try:
            return await run_plan_async(async_driver, _two_steps(7), timeout=30)
        finally:
            await async_driver.close()

    assert asyncio.run(run_async()) == [70, 80, 90]
