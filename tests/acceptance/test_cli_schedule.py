"""`cmdb schedule` as a user drives it, against a lab of its own (one SNMP recording,
prefix `cmdbsch`, 127.90.0.0/16): the jobs' next runs, a run through the scheduler
(`--run-now --max-runs 1`) that discovers the device, and a job without a schedule
refused by file and field. Waiting for ticks is tested on a fake clock
(tests/unit/discovery/test_schedule.py)."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

import lab
from cli.main import app
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
