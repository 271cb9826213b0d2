"""`cmdb schedule` as a user drives it: cmdb.yaml's audits run, recorded, and a tick
missed while no scheduler ran caught up once; nothing to run, or a bad task, refused.
Discovery against a lab of its own (one SNMP recording,
prefix `cmdbsch`, 127.90.0.0/16): the jobs' next runs, a run through the scheduler
(`--run-now --max-runs 1`) that discovers the device, and a job without a schedule
refused by file and field. Waiting for ticks is tested on a fake clock
(tests/unit/discovery/test_schedule.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

import lab
from cli.main import app
from cmdb.schedule import GraphRunLog, Outcome, ScheduleError
from lab.config import LabOptions, isolated_config
from lab.sources import data_dir_of, lab_data_dir
from tests.graph_checks import check_nodes

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
RECORDING = "arista_eos"


def job_text(address: str, port: int, schedule: str | None) -> str:
    return (
        f"name: yearly\ntargets: [{address}]\n"
        f"protocols:\n  - protocol: snmp\n    port: {port}\n    credentials: [{{secret: lab-v2c}}]\n"
        "concurrency: 1\ntimeout: 2\nretries: 0\n"
        + (f'schedule: "{schedule}"\n' if schedule else "")
    )


def test_schedule_lists_runs_and_discovers(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    data = data_dir_of(tmp_path / "data", [lab_data_dir() / "snmp" / f"{RECORDING}.snmprec"])
    config = isolated_config("cmdbsch", "127.90.0.0/16", "127.91.0.0/16")
    options = LabOptions(state_dir=tmp_path / "lab", data_dirs=(data,), linux=False, ssh=False,
                         config=config)  # fmt: skip
    try:
        [device] = lab.up(options).of_kind("snmp-sim")
        job = tmp_path / "yearly.yaml"
        job.write_text(job_text(device.address, config.snmp.port, "0 0 1 1 *"))
        secrets = tmp_path / "lab" / "secrets.yaml"
        result = cli.invoke(app, ["schedule", str(job), "--secrets", str(secrets),
                                  "--run-now", "--max-runs", "1"], catch_exceptions=False)  # fmt: skip
        assert result.exit_code == 0, result.output
        out = result.output
        assert "yearly" in out and "0 0 1 1 *" in out
        assert "yearly done in" in out and "answered snmp" in out
        assert "next yearly: 20" in out and "-01-01T00:00:00+00:00" in out
        ip = {"management_ip": device.address}
        [(_uid, vendor)] = check_nodes(graph, "CI:NetworkDevice", ["uid", "vendor"], ip)
        assert vendor == "Arista"
        [(_id, *run)] = check_nodes(graph, "DiscoveryRun", ["id", "status", "targets", "answered",
                                                            "failed"], {"job": "yearly"})  # fmt: skip
        assert run == ["completed", 1, 1, 0]
    finally:
        lab.down(options.state_dir, options.config)

    manual = tmp_path / "manual.yaml"
    manual.write_text(job_text("127.90.0.1", 161, None))
    refused = cli.invoke(app, ["schedule", str(manual)])
    assert refused.exit_code != 0
    assert f"{manual}: schedule: missing" in str(refused.exception)


CONFIG = """schedules:
  audits:
    - name: nightly
      cron: "0 0 1 1 *"
      rules: [owner, location]
      changes: true
      reconcile: register.csv
      initial_run: true
{more}"""
REGISTER = "name,type,serial\nsw-core-1,switch,SN-0001\n"
WEEKLY = """    - name: weekly
      cron: "0 3 * * 0"
"""


def test_schedule_runs_config_audits_and_catches_up_a_missed_tick(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "cmdb.yaml").write_text(CONFIG.format(more=""), encoding="utf-8")
    (tmp_path / "register.csv").write_text(REGISTER, encoding="utf-8")
    first = cli.invoke(app, ["schedule", "--max-runs", "1"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert re.search(r"nightly\s+│\s+audit\s+│\s+0 0 1 1 \*", first.output), first.output
    assert "nightly: audit run AUD-" in first.output and "nightly: changes check" in first.output
    assert "nightly: reconciliation AUD-" in first.output
    assert "nightly done in" in first.output and "next nightly: 20" in first.output
    log = GraphRunLog(graph)
    [run] = log.runs("nightly")
    assert (run["kind"], run.get("error"), run["skipped"]) == ("audit", None, 0)
    records, _, _ = graph.execute_query(
        "MATCH (r:AuditRun {actor: 'schedule:nightly'}) RETURN r.rules AS rules"
    )
    # the rule audit, the reconciliation and the changes check (an audit run each)
    ran = sorted(sorted(r["rules"]) for r in records)
    assert ["location", "owner"] in ran and ["unauthorized-change"] in ran and len(ran) == 3
    [reconciled] = [r for r in ran if r[0].startswith("reconcile-")]
    assert "reconcile-missing" in reconciled

    # a weekly audit last run in January 2025: the ticks since were missed, run once now;
    # the nightly one ran at its start and is not due again until next January
    log.record("audit", Outcome("weekly", datetime(2025, 1, 5, 3, tzinfo=UTC),
                                datetime(2025, 1, 5, 3, tzinfo=UTC),
                                datetime(2025, 1, 5, 3, 1, tzinfo=UTC), None, 0))  # fmt: skip
    (tmp_path / "cmdb.yaml").write_text(CONFIG.format(more=WEEKLY), encoding="utf-8")
    second = cli.invoke(app, ["schedule", "--max-runs", "1"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert re.search(r"weekly\s+│\s+audit\s+│\s+0 3 \* \* 0\s+│\s+now \(missed 20", second.output)
    assert "weekly done in" in second.output and "nightly done" not in second.output
    newest, older = log.runs("weekly")
    assert older["due"] == datetime(2025, 1, 5, 3, tzinfo=UTC)
    due = newest["due"]
    assert (due.weekday(), due.hour, due.minute) == (6, 3, 0)  # the newest Sunday 03:00
    assert timedelta(0) <= newest["started_at"] - due < timedelta(days=7)
    assert len(log.runs("nightly")) == 1


def test_schedule_with_nothing_or_a_bad_task_is_one_error(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    nothing = cli.invoke(app, ["schedule"])
    assert nothing.exit_code != 0
    assert isinstance(nothing.exception, ScheduleError)
    assert "nothing to schedule: give JOB.yaml files" in str(nothing.exception)
    (tmp_path / "cmdb.yaml").write_text(CONFIG.format(more="").replace("owner", "no-such-rule"),
                                        encoding="utf-8")  # fmt: skip
    unknown = cli.invoke(app, ["schedule"])
    assert unknown.exit_code != 0
    assert "cmdb.yaml schedules.audits 'nightly': rules: " in str(unknown.exception)
    assert "no-such-rule" in str(unknown.exception)
    assert check_nodes(graph, "ScheduledRun", ["task"]) == set()
