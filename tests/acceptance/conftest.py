"""The CLI as a user drives it: a runner in a working folder of its own, on the test
DBMS (the session's, wiped per test)."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from cli.base import console
from cmdb.config import Config


@pytest.fixture
def cli(
    graph: neo4j.Driver, dbms_config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMDB_DATA_DIR", str(dbms_config.data_dir))
    monkeypatch.setenv("CMDB_NEO4J_PORT", str(dbms_config.port))
    monkeypatch.setattr(console, "width", 200)  # tables on one line each
    return CliRunner()
