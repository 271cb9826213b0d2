"""The audit benchmark (bench/audit.py) at a tiny scale on the test DBMS: the estate and
its register go through the real ingest and importer, reconciliation finds exactly what
was planted (bench.audit.check raises otherwise), and the table prints every measure.
No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from bench.audit import bench_reconcile, bench_reports, build, import_estate_register, table
from bench.audit_estate import Planted, register_rows, write_register
from cmdb.config import Config
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j

DEVICES = 200


def test_planted_register_counts() -> None:
    planted = Planted(DEVICES)
    assert len(register_rows(DEVICES)) == planted.rows == DEVICES
    assert (planted.missing, planted.unregistered, planted.drift) == (4, 4, 8)


def test_bench_audit_runs_and_prints_every_row(
    graph: neo4j.Driver, schema: Schema, dbms_config: Config, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    build(graph, dbms_config, schema, DEVICES, workers=1)
    paths = write_register(tmp_path / "register.csv", DEVICES, per_file=150)
    assert len(paths) == 3  # the register and its two parts
    register = import_estate_register(graph, dbms_config, schema, paths)
    rows = bench_reconcile(graph, dbms_config, register, Planted(DEVICES), repeats=1)
    rows += bench_reports(graph, dbms_config, schema, tmp_path, repeats=1)
    table(rows, "test")
    out = capsys.readouterr().out
    assert "found: missing 4, unregistered 4" in out
    assert "drift 8" in out
    for row in rows:
        assert row.measure in out
        assert row.ours > 0 and row.baseline > 0
    measures = [r.measure for r in rows]
    assert measures[0].startswith("reconciliation")
    assert len(measures) in (3, 5)  # 5 once the reports are there
