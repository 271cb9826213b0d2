"""`cmdb audit reconcile` on the real Neo4j: devices recorded by `cmdb load` (source ssh),
a register of planted errors (built with openpyxl) imported by `cmdb import register`;
each planted discrepancy is one finding of the audits' store, nothing else is flagged; a
second run opens nothing; a fixed register resolves its finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import neo4j
import openpyxl
import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.neo4j

SSH = """\
source: ssh
actor: test
cis:
  - {key: hq, class: Location, attributes: {name: HQ}}
  - {key: ok, class: Server, attributes: {serial_number: S-OK, hostname: srv-ok, model: R740}}
  - {key: s2, class: Server, attributes: {serial_number: S-2, hostname: srv-2, model: R740}}
  - {key: s3, class: Server, attributes: {serial_number: S-3, hostname: srv-3, model: R740}}
  - {key: extra, class: NetworkDevice, attributes: {serial_number: SW-X, hostname: sw-extra}}
links:
  - {type: LOCATED_IN, source: {ref: ok}, target: {ref: hq}, evidence: manual}
  - {type: LOCATED_IN, source: {ref: s2}, target: {ref: hq}, evidence: manual}
  - {type: LOCATED_IN, source: {ref: s3}, target: {ref: hq}, evidence: manual}
"""

HEAD = ["name", "type", "serial", "hostname", "model", "location"]
ROWS: list[list[Any]] = [
    ["srv-ok", "server", "S-OK", "srv-ok", "R740", "HQ"],
    ["srv-2", "server", "S-2-TYPO", "srv-2", "R740", "HQ"],  # wrong serial
    ["srv-3", "server", "S-3", "srv-3", "R740", "Branch"],  # wrong location
    ["srv-gone", "server", "S-GONE", "srv-gone", "R740", "HQ"],  # missing
    ["srv-ok-again", "server", "S-OK", None, None, None],  # duplicate serial
]
# what reconciliation must find: (rule, CI name), and nothing else
PLANTED = {
    ("reconcile-missing", "srv-gone"),
    ("reconcile-unregistered", "sw-extra"),
    ("reconcile-drift", "srv-2"),
    ("reconcile-drift", "srv-3"),
    ("reconcile-duplicate-row", "srv-ok"),
}


def write_register(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for r, cells in enumerate([HEAD, *rows], start=1):
        for c, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(r, c, value)
    book.save(path)
    return path


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.exception or result.output
    return result.output


def findings(graph: neo4j.Driver) -> dict[tuple[str, str], dict[str, Any]]:
    rows, _, _ = graph.execute_query(
        "MATCH (f:Finding)-[:ABOUT]->(c:CI) RETURN f.rule AS rule, c.name AS name, "
        "f.status AS status, f.evidence AS evidence"
    )
    return {(r["rule"], r["name"]): {"status": r["status"], **json.loads(r["evidence"])}
            for r in rows}  # fmt: skip


def last_run(graph: neo4j.Driver) -> dict[str, Any]:
    rows, _, _ = graph.execute_query(
        "MATCH (r:AuditRun) RETURN properties(r) AS p ORDER BY r.started_at DESC LIMIT 1"
    )
    return dict(rows[0]["p"])


def test_planted_discrepancies_found_kept_and_resolved(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "ssh.yaml").write_text(SSH, encoding="utf-8")
    run(cli, "load", str(tmp_path / "ssh.yaml"))
    register = write_register(tmp_path / "register.xlsx", ROWS)
    print(run(cli, "import", "register", str(register)))
    out = run(cli, "audit", "reconcile", str(register))
    print(out)
    found = findings(graph)
    assert set(found) == PLANTED
    assert all(f["status"] == "open" for f in found.values())
    serial = found[("reconcile-drift", "srv-2")]["fields"]["serial"]
    assert serial == {"register": "S-2-TYPO", "register_source": "register",
                      "current": "S-2", "current_source": "ssh"}  # fmt: skip
    place = found[("reconcile-drift", "srv-3")]["fields"]
    assert place == {"place": {"register": "Branch", "register_source": "register",
                               "current": "HQ", "current_source": "ssh"}}  # fmt: skip
    assert found[("reconcile-duplicate-row", "srv-ok")]["register_rows"] == [2, 6]
    assert "missing" in out and "drift" in out
    assert last_run(graph)["opened"] == len(PLANTED)

    run(cli, "audit", "reconcile", str(register))  # nothing new
    assert last_run(graph)["opened"] == 0 and last_run(graph)["still_open"] == len(PLANTED)
    assert set(findings(graph)) == PLANTED

    fixed = [*ROWS[:2], ["srv-3", "server", "S-3", "srv-3", "R740", "HQ"], *ROWS[3:]]
    run(cli, "audit", "reconcile", str(write_register(tmp_path / "fixed.xlsx", fixed)))
    after = findings(graph)
    assert after[("reconcile-drift", "srv-3")]["status"] == "resolved"
    assert {k for k, f in after.items() if f["status"] == "open"} == PLANTED - {
        ("reconcile-drift", "srv-3")
    }
    assert last_run(graph)["resolved"] == 1 and last_run(graph)["opened"] == 0
