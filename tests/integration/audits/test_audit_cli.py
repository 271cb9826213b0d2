"""`cmdb audit` as a user drives it: README "Audits: rules and findings" run as written
(its cmdb.yaml, its rule file, its commands) on the audit estate; bad input is one
error naming the culprit, and nothing is written."""

from __future__ import annotations

import shlex
from pathlib import Path

import neo4j
import pytest
from audit_estate import build
from typer.testing import CliRunner

from cli.main import app
from cmdb.config import Config
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
README = Path(__file__).resolve().parents[3] / "README.md"
SECTION = "## Audits: rules and findings"


def section() -> tuple[list[str], list[str]]:
    """The YAML files and the commands of the README's section."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    body = text[start : text.find("\n## ", start + len(SECTION))]
    files = [b.split("```")[0] for b in body.split("```yaml\n")[1:]]
    commands = body.split("```text\n")[1].split("```")[0].strip().splitlines()
    return files, commands


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args))
    return result.exit_code, result.output + (
        str(result.exception or "") if result.exit_code else ""
    )


def count(driver: neo4j.Driver, label: str) -> int:
    return int(driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n").records[0]["n"])


def test_the_readme_example_runs_as_written(
    cli: CliRunner, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    files, commands = section()
    for text in files:  # each starts with `# path`
        path = Path(text.splitlines()[0].removeprefix("# "))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build(graph, schema, config)
    outputs = []
    for line in commands:
        code, out = run(cli, *shlex.split(line)[1:])
        assert code == 0, (line, out)
        outputs.append(out)
    rules, ran, listed, waived, acked, only_waived, shown, runs = outputs
    assert "recalled-serials" in rules and "rules/recalled.yaml" in rules
    assert "│ os-baseline " in ran and "│ total " in ran
    stored = graph.execute_query("MATCH (r:AuditRun) RETURN properties(r) AS p").records
    assert [(r["p"]["rules"], r["p"]["opened"], r["p"]["id"] in ran) for r in stored] == [
        (["os-baseline", "recalled-serials"], 3, True)]  # fmt: skip
    assert {"FND0000001", "FND0000002", "FND0000003", "sw-old-os", "rtr-junos", "sw-ok"} <= set(
        listed.replace("│", " ").split()
    )
    assert waived.startswith("FND0000001: waived until 2030-07-01")
    assert acked == "FND0000002: acknowledged\n"
    assert "FND0000001" in only_waived and "FND0000002" not in only_waived
    assert "upgrade in the June window" in shown and "open" in shown and "waive" in shown
    assert count(graph, "AuditRun") == 1 and count(graph, "Finding") == 3
    assert stored[0]["p"]["id"] in runs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--rules", "owner,nope"], "no rule 'nope'; rules: location, not-seen, os-baseline"),
        (["run", "--scope", "Switch"], "--scope 'Switch' is no class of the schema"),
        (["findings", "--status", "closed"], "--status 'closed': each one of open, acknowledged"),
        (["findings", "--severity", "high"], "severity 'high' is none of critical, major"),
        (["waive", "FND0000001", "--reason", "r", "--until", "soon", "--by", "x"],
         "--until 'soon': a date (2027-01-31) or an ISO time"),
        (["waive", "FND0000001", "--reason", "r", "--until", "2020-01-01", "--by", "x"],
         "waiver until 2020-01-02T00:00:00+00:00: must be a time ahead of now"),
        (["ack", "FND0000009"], "no finding 'FND0000009'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_error_and_writes_nothing(
    cli: CliRunner, graph: neo4j.Driver, args: list[str], message: str
) -> None:
    code, out = run(cli, "audit", *args)
    assert code == 1
    assert message in out
    assert count(graph, "AuditRun") + count(graph, "Finding") == 0


def test_a_bad_rule_file_stops_every_rule(cli: CliRunner, graph: neo4j.Driver) -> None:
    Path("rules").mkdir()
    Path("rules/bad.yaml").write_text("rules:\n  - id: x\n    title: t\n    severity: loud\n")
    Path("cmdb.yaml").write_text("audits:\n  rule_dirs: [rules]\n")
    code, out = run(cli, "audit", "run")
    assert code == 1
    assert "rules/bad.yaml:4: rules.0.severity: Input should be 'critical'" in out
    assert count(graph, "AuditRun") == 0


def test_a_whole_run_audits_reconciles_and_checks_the_changes(
    cli: CliRunner, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """`cmdb audit run` without --rules or --scope: the rules, the reconciliation and the
    changes check, an AuditRun each; a narrowed run is the rules alone unless asked."""
    build(graph, schema, config)
    code, out = run(cli, "audit", "run")
    assert code == 0, out
    assert "│ switch-port-known " in out and "reconciliation AUD-" in out
    assert "│ unregistered " in out and "findings: 0 opened" in out
    kinds = graph.execute_query("MATCH (r:AuditRun) RETURN r.kind AS kind ORDER BY kind").records
    assert [r["kind"] for r in kinds] == ["changes", "reconcile", "rules"], out
    code, out = run(cli, "audit", "run", "--rules", "owner")
    assert code == 0 and "reconciliation" not in out, out
    code, out = run(cli, "audit", "run", "--rules", "owner", "--changes")
    assert code == 0 and "changes " in out and "reconciliation" not in out, out
    kinds = graph.execute_query("MATCH (r:AuditRun) RETURN r.kind AS kind ORDER BY kind").records
    assert [r["kind"] for r in kinds] == ["changes", "changes", "reconcile", "rules", "rules",
                                          "rules"]  # fmt: skip
