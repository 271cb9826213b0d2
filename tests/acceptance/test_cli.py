"""The CLI as a user drives it: load files, show, history, diff, edit, retire."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.neo4j

ESTATE = """\
source: register
actor: importer
observed_at: 2026-03-01T08:00:00Z
reason: yearly device register
cis:
  - {key: sw, class: NetworkDevice, attributes: {serial_number: FOC0001, hostname: access-01, vendor: Cisco, model: C9200L}}
  - {key: gi1, class: Interface, parent: {ref: sw}, attributes: {name: GigabitEthernet1/0/1}}
  - {key: web, class: Server, attributes: {serial_number: CZ123, hostname: web-01, domain: example.com}}
  - {key: app, class: Application, attributes: {name: Web shop}}
links:
  - {type: RUNS_ON, source: {ref: app}, target: {ref: web}}
"""


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_load_show_edit_history_diff_retire(cli: CliRunner, tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(ESTATE)
    out = run(cli, "load", str(estate))
    assert "wrote 4 new" in out and "links +2" in out  # RUNS_ON and HAS_INTERFACE
    assert "wrote 0 new, 0 changed, 4 unchanged" in run(cli, "load", str(estate))

    out = run(cli, "ci", "show", "access-01")
    assert "FOC0001" in out and "HAS_INTERFACE" in out and "GigabitEthernet1/0/1" in out
    before = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    out = run(cli, "ci", "set", "access-01", "model=C9200L-48T", "asset_tag=A-17",
              "--reason", "corrected from the delivery note", "--actor", "alice")  # fmt: skip
    assert "changed asset_tag, model" in out
    out = run(cli, "ci", "history", "access-01")
    assert "alice" in out and "corrected from the" in out and "C9200L-48T" in out
    assert "create" in out and "importer" in out
    after = datetime.now(UTC).isoformat()
    out = run(cli, "ci", "diff", "access-01", "--from", before, "--to", after)
    assert re.search(r"model\s+│\s+C9200L\s+│\s+C9200L-48T", out), out
    out = run(cli, "ci", "show", "access-01", "--as-of", before)
    assert "C9200L-48T" not in out and "A-17" not in out

    run(cli, "ci", "retire", "web-01", "--reason", "decommissioned CHG0099")
    assert re.search(r"status\s+│\s+retired", run(cli, "ci", "show", "web-01"))


def test_errors_are_clear_and_change_nothing(cli: CliRunner, tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(ESTATE)
    run(cli, "load", str(estate))
    bad = tmp_path / "bad.yaml"
    bad.write_text(ESTATE.replace("serial_number: CZ123", "serial_number: CZ123, cpu_count: many"))
    result = cli.invoke(app, ["load", str(bad)])
    assert result.exit_code != 0
    assert "cis[2] (key 'web')" in str(result.exception) and "cpu_count" in str(result.exception)
    broken = tmp_path / "broken.yaml"
    broken.write_text(ESTATE.replace("observed_at: 2026-03-01T08:00:00Z", "observed_at: [oops"))
    result = cli.invoke(app, ["load", str(broken)])
    message = str(result.exception)
    assert result.exit_code != 0 and f"{broken}:4" in message and "at line 3" in message
    result = cli.invoke(app, ["ci", "set", "access-01", "model=X"])
    assert result.exit_code != 0 and "--reason" in result.output
    result = cli.invoke(app, ["ci", "set", "access-01", "colour=red", "--reason", "x"])
    assert "has no attribute 'colour'" in str(result.exception)
    assert "C9200L" in run(cli, "ci", "show", "access-01")
