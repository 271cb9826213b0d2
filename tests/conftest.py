"""Shared fixtures: one real Neo4j DBMS per test run, wiped between tests.

With NEO4J_URI set, tests use that Neo4j instead (it is wiped: never point it at data
you care about).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from cli.base import console
from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.schema import Schema, load_schema


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM (a CI time-out, `kill PID`) ends the run as Ctrl-C does: fixtures tear down,
    so the DBMS and labs the run started are stopped, not orphaned."""
    signal.signal(signal.SIGTERM, _interrupt)


WIPE = (
    "MATCH (n) WHERE NOT n:SchemaMigration "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
)


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


@pytest.fixture(scope="session")
def dbms_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    if os.environ.get("NEO4J_URI"):
        yield Config(
            data_dir=Path(tmp_path_factory.mktemp("unused")),
            neo4j_uri=os.environ["NEO4J_URI"],
            neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
            neo4j_password=os.environ.get("NEO4J_PASSWORD"),
        )
        return
    config = Config(
        data_dir=Path(tmp_path_factory.mktemp("neo4j")),
        port=dbms.free_port(),
        heap_mb=1024,
        pagecache_mb=256,
    )
    dbms.up(config)
    try:
        yield config
    finally:
        dbms.down(config)


@pytest.fixture(scope="session")
def driver(dbms_config: Config, schema: Schema) -> Iterator[neo4j.Driver]:
    with connect(dbms_config) as drv:
        migrations.apply(drv, schema)
        yield drv


@pytest.fixture
def graph(driver: neo4j.Driver) -> neo4j.Driver:
    """The driver, on an empty graph (the schema's constraints and indexes stay)."""
    with driver.session() as session:
        session.run(WIPE).consume()
    return driver


@pytest.fixture
def config(dbms_config: Config) -> Config:
    """Settings for ingest in tests: small batches so batching itself is exercised."""
    return dbms_config.with_overrides(batch_size=7)


DUMP_NODES = "MATCH (n) WHERE NOT n:SchemaMigration RETURN labels(n) AS l, properties(n) AS p"
DUMP_RELS = "MATCH (a)-[r]->(b) RETURN a.uid AS a, type(r) AS t, b.uid AS b, properties(r) AS p"


def _freeze(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def dump_graph(driver: neo4j.Driver) -> tuple[frozenset[object], frozenset[object]]:
    """Every node and relationship with all properties, as comparable sets."""
    nodes, _, _ = driver.execute_query(DUMP_NODES)
    rels, _, _ = driver.execute_query(DUMP_RELS)
    return (
        frozenset((tuple(sorted(r["l"])), _freeze(r["p"])) for r in nodes),
        frozenset((r["a"], r["t"], r["b"], _freeze(r["p"])) for r in rels),
    )


@pytest.fixture
def dump() -> object:
    return dump_graph


@pytest.fixture
def cli(
    graph: neo4j.Driver, dbms_config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> CliRunner:
    """The `cmdb` command as a user drives it: a runner in a working folder of its own, on
    the test DBMS (wiped per test)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMDB_DATA_DIR", str(dbms_config.data_dir))
    monkeypatch.setenv("CMDB_NEO4J_PORT", str(dbms_config.port))
    monkeypatch.setattr(console, "width", 200)  # tables on one line each
    return CliRunner()
