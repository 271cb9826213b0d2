"""Crash safety: SIGKILL the DBMS in the middle of a large ingest; after a restart every
change set is either complete or absent, and running the ingest again completes it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import neo4j
import pytest

from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.errors import DBMSLostError
from cmdb.graph import connect
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SETS, SERVERS = 12, 400
T0 = datetime(2026, 2, 1, tzinfo=UTC)


def changeset(n: int) -> ChangeSet:
    cis = []
    for s in range(SERVERS):
        cis.append(
            {"key": f"s{s}", "class": "Server", "attributes": {"serial_number": f"CS{n}-{s}"}}
        )
        cis.append({"key": f"i{s}", "class": "Interface", "parent": {"ref": f"s{s}"},
                    "attributes": {"name": "eth0", "mac": f"02:00:00:{n:02x}:{s >> 8:02x}:{s & 255:02x}"}})  # fmt: skip
    return ChangeSet.model_validate({"source": "ssh", "actor": "crash", "scope": f"target-{n}",
                                     "observed_at": T0 + timedelta(minutes=n), "cis": cis})  # fmt: skip


def ingest_all(
    driver: neo4j.Driver, schema: Schema, config: Config, errors: list[BaseException]
) -> None:
    ing = Ingestor(driver, schema, config)
    for n in range(SETS):
        try:
            ing.ingest(changeset(n))
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError,
                DBMSLostError) as exc:  # fmt: skip
            errors.append(exc)
            return


def per_changeset(driver: neo4j.Driver) -> tuple[dict[str, int], int]:
    records, _, _ = driver.execute_query(
        "MATCH (c:ChangeSet) OPTIONAL MATCH (n:CI {_cs: c.id}) RETURN c.id AS id, count(n) AS n"
    )
    orphans, _, _ = driver.execute_query(
        "MATCH (n:CI) WHERE NOT EXISTS { MATCH (c:ChangeSet {id: n._cs}) } RETURN count(n) AS n"
    )
    return {r["id"]: r["n"] for r in records}, orphans[0]["n"]


def test_sigkill_mid_ingest_leaves_whole_changesets(tmp_path: Path, schema: Schema) -> None:
    config = Config(data_dir=tmp_path / "neo4j", port=dbms.free_port(), heap_mb=1024,
                    pagecache_mb=256, batch_size=100)  # fmt: skip
    dbms.up(config)
    try:
        with connect(config) as driver:
            migrations.apply(driver, schema)
            errors: list[BaseException] = []
            worker = threading.Thread(target=ingest_all, args=(driver, schema, config, errors))
            worker.start()
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:  # wait until some, not all, change sets landed
                done, _, _ = driver.execute_query("MATCH (c:ChangeSet) RETURN count(c) AS n")
                if done[0]["n"] >= 2:
                    break
                time.sleep(0.05)
            dbms.kill(config)
            worker.join(timeout=120)
            assert errors, "the ingest should have been cut off by the kill"
        dbms.up(config)
        with connect(config) as driver:
            counts, orphans = per_changeset(driver)
            assert 2 <= len(counts) < SETS
            assert orphans == 0  # no CI without its change set
            assert set(counts.values()) == {2 * SERVERS}  # each landed change set is whole
            ingest_all(driver, schema, config, errors := [])
            assert errors == []
            counts, orphans = per_changeset(driver)
            assert len(counts) == SETS and orphans == 0
            assert set(counts.values()) == {2 * SERVERS}
    finally:
        dbms.down(config)
