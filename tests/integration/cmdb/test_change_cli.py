"""`cmdb change` as a user drives it, on the sample estate loaded by the real ingest: a
change drafted by CI name, listed, shown, carried out as an emergency and approved after
the fact; a refused step is one line naming the allowed ones; an assessment prints the
risk and its reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args))
    return result.exit_code, result.output + (
        str(result.exception or "") if result.exit_code else ""
    )


@pytest.fixture
def estate(graph: neo4j.Driver, schema: Schema, config: Config) -> None:
    Ingestor(graph, schema, config).ingest(sample_estate(T0))


def create(cli: CliRunner, *extra: str) -> str:
    code, out = run(cli, "change", "create", "--title", "Firewall rule fix", "--start",
                    "2026-12-05T22:00:00Z", "--end", "2026-12-05T23:00", "--ci", "hq-fw-01",
                    "--actor", "alice", *extra)  # fmt: skip
    assert code == 0, out
    return out.strip()


def test_an_emergency_change_from_the_command_line(cli: CliRunner, estate: None) -> None:
    cr = create(cli, "--category", "emergency", "--comment", "outage")
    assert cr.startswith("CHG")
    code, out = run(cli, "change", "list")
    assert code == 0 and cr in out and "draft" in out and "emergency" in out
    assert run(cli, "change", "start", cr, "--actor", "alice") == (0, f"{cr} start: in_progress\n")
    assert run(cli, "change", "complete", cr)[0] == 0
    code, out = run(cli, "change", "review", cr)
    assert code == 1
    assert f"change request {cr} is completed (emergency): cannot review; allowed: approve, " \
           "reject" in out  # fmt: skip
    assert run(cli, "change", "approve", cr, "--actor", "cab") == (
        0, f"{cr} approve (after the fact): completed\n",
    )  # fmt: skip
    code, out = run(cli, "change", "show", cr)
    assert code == 0
    assert "hq-fw-01 (NetworkDevice" in out
    assert "approved after the fact (emergency)" in out
    assert "outage" in out and "cab" in out
    code, out = run(cli, "change", "list", "--state", "bogus")
    assert code == 1 and "--state 'bogus' is none of draft, assessed" in out


def test_a_bad_create_names_the_culprit(cli: CliRunner, estate: None) -> None:
    code, out = run(cli, "change", "create", "--title", "x", "--start", "Saturday", "--end",
                    "2026-12-05T23:00Z", "--ci", "hq-fw-01")  # fmt: skip
    assert code == 1 and "--start 'Saturday' is not a time" in out
    code, out = run(cli, "change", "create", "--title", "x", "--start", "2026-12-05T22:00Z",
                    "--end", "2026-12-05T23:00Z", "--ci", "no-such-ci")  # fmt: skip
    assert code == 1 and "no CI with uid or name 'no-such-ci'" in out
    assert run(cli, "change", "list")[1].strip().endswith("0 of 0")


def test_an_assessment_prints_the_risk_and_its_reasons(cli: CliRunner, estate: None) -> None:
    cr = create(cli)
    code, out = run(cli, "change", "assess", cr, "--mode", "maintenance")
    assert code == 0, out
    assert "risk" in out and "inside the maintenance window sat 22:00-06:00 UTC" in out
    code, out = run(cli, "change", "show", cr)
    assert code == 0 and "assess" in out and "assessed" in out
    code, out = run(cli, "change", "conflicts", cr)
    assert code == 0 and "0 conflicting change requests" in out


def test_a_file_loaded_under_a_change_request_is_its_history(
    cli: CliRunner, estate: None, tmp_path: Path
) -> None:
    cr = create(cli)
    observed = datetime.now(UTC).isoformat()
    (tmp_path / "fix.yaml").write_text(
        f"source: manual\nactor: alice\nobserved_at: {observed}\nreason: new rule set\n"
        f"change_request: {cr}\ncis:\n  - key: fw\n    class: NetworkDevice\n"
        "    attributes: {serial_number: PAHQ0003, os_version: 11.1.3}\n",
        encoding="utf-8",
    )
    code, out = run(cli, "load", str(tmp_path / "fix.yaml"))
    assert code == 0 and "1 changed" in out, out
    code, out = run(cli, "change", "show", cr)
    assert code == 0
    sets = out[out.index("change sets") :]
    assert "manual" in sets and "alice" in sets and "new rule set" in sets


CAB_YAML = """changes:
  self_approval: false
  approvals_required: {standard: 1, normal: 2, emergency: 2}
"""


def test_two_reviewers_other_than_the_requester_approve(cli: CliRunner, estate: None) -> None:
    """README "Change requests", the CAB: the cmdb.yaml and the commands shown there."""
    Path("cmdb.yaml").write_text(CAB_YAML, encoding="utf-8")  # the runner's working folder
    code, cr = run(cli, "change", "create", "--title", "ERP upgrade", "--start",
                   "2026-12-12T22:00:00Z", "--end", "2026-12-13T02:00:00Z", "--ci", "ERP",
                   "--actor", "alice")  # fmt: skip
    assert code == 0, cr
    cr = cr.strip()
    assert run(cli, "change", "assess", cr, "--actor", "bob")[0] == 0
    code, out = run(cli, "change", "approve", cr, "--actor", "alice")
    assert code == 1
    assert f"alice requested {cr} and may not decide on it" in out
    assert run(cli, "change", "approve", cr, "--actor", "bob", "--comment", "rollback tested") == (
        0, f"{cr} approve: assessed (1 more approval needed)\n",
    )  # fmt: skip
    code, out = run(cli, "change", "approve", cr, "--actor", "bob")
    assert code == 1 and f"bob approved {cr} already" in out
    code, out = run(cli, "change", "show", cr)
    assert code == 0 and "CAB decisions (2 approvals needed, 1 missing)" in out
    assert "rollback tested" in out
    assert run(cli, "change", "approve", cr, "--actor", "carol") == (0, f"{cr} approve: approved\n")
    code, out = run(cli, "change", "show", cr)
    assert code == 0 and "CAB decisions (2 approvals needed)" in out
    Path("cmdb.yaml").write_text("changes:\n  self_approval: true\n", encoding="utf-8")
    own = create(cli)  # alice's, in a one-person lab
    assert run(cli, "change", "assess", own, "--actor", "alice")[0] == 0
    assert run(cli, "change", "approve", own, "--actor", "alice") == (
        0,
        f"{own} approve: approved\n",
    )
    Path("cmdb.yaml").write_text("changes:\n  approvals_required: {normal: 0}\n", encoding="utf-8")
    code, out = run(cli, "change", "show", own)
    assert code == 1
    assert "cmdb.yaml:2: changes.approvals_required.normal: Input should be greater than or" in out
