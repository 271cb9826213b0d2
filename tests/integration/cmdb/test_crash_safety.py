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
from cmdb.connection import connect
from cmdb.errors import DBMSLostError
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, count_nodes

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


def written(n: int) -> list[tuple[str, str]]:
    """(serial, MAC) of every CI change set `n` writes ('' where it has none), sorted."""
    attributes = [ci.attributes for ci in changeset(n).cis]
    return sorted((str(a.get("serial_number", "")), str(a.get("mac", ""))) for a in attributes)


def per_changeset(driver: neo4j.Driver) -> tuple[dict[str, list[tuple[str, str]]], set[str]]:
    """Scope of each change set -> (serial, MAC) of the CIs it wrote, sorted; and the CIs
    of no change set (by uid)."""
    scope_of = dict(check_nodes(driver, "ChangeSet", ["id", "scope"]))
    landed: dict[str, list[tuple[str, str]]] = {str(s): [] for s in scope_of.values()}
    orphans = set()
    for uid, cs, serial, mac in check_nodes(driver, "CI", ["uid", "_cs", "serial_number", "mac"]):
        if cs in scope_of:
            landed[str(scope_of[cs])].append((str(serial or ""), str(mac or "")))
        else:
            orphans.add(str(uid))
    return {scope: sorted(cis) for scope, cis in landed.items()}, orphans


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
                if count_nodes(driver, "ChangeSet") >= 2:
                    break
                time.sleep(0.05)
            dbms.kill(config)
            worker.join(timeout=120)
            assert errors, "the ingest should have been cut off by the kill"
        dbms.up(config)
        with connect(config) as driver:
            landed, orphans = per_changeset(driver)
            assert 2 <= len(landed) < SETS
            assert orphans == set()  # no CI without its change set
            # each landed change set is whole: every CI it writes, once
            assert landed == {f"target-{n}": written(n) for n in range(len(landed))}
            ingest_all(driver, schema, config, errors := [])
            assert errors == []
            landed, orphans = per_changeset(driver)
            assert landed == {f"target-{n}": written(n) for n in range(SETS)}
            assert orphans == set()
    finally:
        dbms.down(config)
