"""`cmdb serve --schedule` as a user runs it (the real entry point, in a subprocess, on
the test DBMS): the server answers while the scheduler in it runs cmdb.yaml's audit and
report (both never ran and ask for an initial run), each recorded as a ScheduledRun;
Ctrl-C stops both cleanly (a stray thread would keep the process from ending)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import neo4j
import pandas as pd
import pytest

from cmdb import dbms
from cmdb.config import Config
from cmdb.schedule import GraphRunLog
from tests.acceptance.test_cli_serve import running

pytestmark = pytest.mark.neo4j

CONFIG = """schedules:
  audits:
    - name: nightly
      cron: "0 0 1 1 *"
      rules: [owner]
      initial_run: true
  reports:
    - name: monthly-status
      cron: "0 0 1 1 *"
      kind: status
      period: "2026-11"
      format: xlsx
      out: reports
      initial_run: true
"""


def test_serve_schedule_runs_the_schedules_and_stops_with_the_server(
    dbms_config: Config, graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "cmdb.yaml").write_text(CONFIG, encoding="utf-8")
    port = dbms.free_port()
    log = GraphRunLog(graph)
    with running(["serve", "--schedule", "--port", str(port)], dbms_config, tmp_path,
                 port) as process:  # fmt: skip
        deadline = time.monotonic() + 240
        while not (log.runs("nightly") and log.runs("monthly-status")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the scheduled runs were not recorded"
            time.sleep(0.5)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "nightly: audit run AUD-" in out and "nightly done in" in out
    assert "monthly-status done in" in out, out
    assert "scheduler stopped" in out and out.index("scheduler stopped") < out.index(
        "server stopped"
    )
    [audit], [report] = log.runs("nightly"), log.runs("monthly-status")
    assert (audit["kind"], audit.get("error"), report["kind"], report.get("error")) == (
        "audit", None, "report", None)  # fmt: skip
    sheets = pd.read_excel(tmp_path / "reports" / "status-2026-11.xlsx", sheet_name=None)
    assert sheets, "the report has no sheets"
