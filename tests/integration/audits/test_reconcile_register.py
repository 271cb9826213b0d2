"""`cmdb audit reconcile` on the real Neo4j: devices recorded by `cmdb load` (source ssh),
a register of planted errors (built with openpyxl) imported by `cmdb import register`;
each planted discrepancy is one finding of the audits' store, nothing else is flagged; a
second run opens nothing; a fixed register resolves its finding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import openpyxl
import pytest
from typer.testing import CliRunner

from cli.main import app
from cmdb.runs import DiscoveryRun, record_run

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


SWITCH = """\
source: ssh
actor: test
cis:
  - {key: sw, class: NetworkDevice, attributes: {serial_number: SW-1, hostname: sw-01}}
  - {key: p1, class: Interface, parent: {ref: sw}, attributes: {name: Gi1/0/1, oper_status: up}}
  - {key: p2, class: Interface, parent: {ref: sw}, attributes: {name: Gi1/0/2, oper_status: up}}
  - {key: p3, class: Interface, parent: {ref: sw}, attributes: {name: Gi1/0/3, oper_status: down}}
  - {key: pc1, class: Endpoint, attributes: {primary_mac: "02:00:00:00:00:01", hostname: pc-1}}
  - {key: e1, class: Interface, parent: {ref: pc1}, attributes: {name: eth0}}
  - {key: pc2, class: Endpoint, attributes: {primary_mac: "02:00:00:00:00:02", hostname: pc-2}}
  - {key: e2, class: Interface, parent: {ref: pc2}, attributes: {name: eth0}}
  - {key: twin-a, class: Server, attributes: {serial_number: TWIN, hostname: twin-a}}
  - {key: twin-b, class: UnclassifiedDevice, attributes: {serial_number: TWIN, hostname: twin-b}}
  - {key: c-a, class: Server, attributes: {serial_number: SN-CA, hostname: app1, domain: x}}
  - {key: c-b, class: Server, attributes: {serial_number: SN-CB, hostname: app2, domain: x}}
  - {key: sw2, class: NetworkDevice, attributes: {serial_number: SW-2, hostname: sw-02}}
  - {key: q1, class: Interface, parent: {ref: sw2}, attributes: {name: Te1/1, oper_status: up}}
links:
  - {type: CONNECTED_TO, source: {ref: p1}, target: {ref: e1}, evidence: manual}
  - {type: CONNECTED_TO, source: {ref: p2}, target: {ref: e2}, evidence: manual}
  - {type: CONNECTED_TO, source: {ref: q1}, target: {ref: p3}, evidence: manual}
"""

CLASH = """\
source: ssh
actor: test
cis:
  - {key: c, class: Server, attributes: {serial_number: SN-CA, hostname: app2, domain: x}}
"""

POINTS = """\
信息点编号,房间,交换机,端口,终端
P-001,301,sw-01,Gi1/0/2,pc-2
P-002,302,sw-01,Gi1/0/3,
P-003,303,sw-01,Gi1/0/9,
"""


def test_ports_points_and_shared_serials(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    """Gi1/0/1 is up and connected with no point; P-002's port is down, P-003's not on
    record (pending); P-001 on the connected Gi1/0/2 is as it should be. sw-02 is in no
    information-point table: its connected Te1/1 is no discrepancy of the table (the rule
    switch-port-known judges every switch). Two CIs carry
    serial TWIN; a fact names app1 by serial and app2 by host name (a conflict).
    Without a register file, drift and duplicate rows do not run."""
    (tmp_path / "sw.yaml").write_text(SWITCH, encoding="utf-8")
    run(cli, "load", str(tmp_path / "sw.yaml"))
    (tmp_path / "clash.yaml").write_text(CLASH, encoding="utf-8")
    run(cli, "load", str(tmp_path / "clash.yaml"))  # serial says app1, host name app2
    (tmp_path / "points.csv").write_text(POINTS, encoding="utf-8")
    run(cli, "import", "points", str(tmp_path / "points.csv"))
    out = run(cli, "audit", "reconcile")
    assert "skipped: no register file given" in out
    found = findings(graph)
    ports = {k: f for k, f in found.items() if k[0] in ("reconcile-port-unpatched",
                                                         "reconcile-point-port")}  # fmt: skip
    assert set(ports) == {("reconcile-port-unpatched", "Gi1/0/1"),
                          ("reconcile-point-port", "P-002"),
                          ("reconcile-point-port", "P-003")}  # fmt: skip
    assert ports[("reconcile-point-port", "P-002")]["problem"] == "port down"
    assert ports[("reconcile-point-port", "P-003")]["port"] is None
    twins = {k[1] for k in found if k[0] == "reconcile-duplicate"}
    assert twins == {"twin-a", "twin-b"}
    assert len(found[("reconcile-duplicate", "twin-a")]["uids"]) == 2
    assert {k[1] for k in found if k[0] == "reconcile-conflict"} == {"app1", "app2"}


MANUAL = """\
source: manual
actor: test
cis:
  - {key: a, class: Server, attributes: {serial_number: S-IN, hostname: srv-in,
                                         management_ip: 127.0.0.21}}
  - {key: b, class: Server, attributes: {serial_number: S-OUT, hostname: srv-out,
                                         management_ip: 127.0.0.22}}
"""


def test_a_registered_device_is_missing_only_where_discovery_ran(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    """Two registered servers with known addresses, neither ever discovered: none is
    missing until a discovery run targets one address; then that one only."""
    (tmp_path / "manual.yaml").write_text(MANUAL, encoding="utf-8")
    run(cli, "load", str(tmp_path / "manual.yaml"))
    rows = [["srv-in", "server", "S-IN", "srv-in", None, None],
            ["srv-out", "server", "S-OUT", "srv-out", None, None]]  # fmt: skip
    run(cli, "import", "register", str(write_register(tmp_path / "r.xlsx", rows)))
    run(cli, "audit", "reconcile")
    assert findings(graph) == {}
    at = datetime(2026, 3, 1, tzinfo=UTC)
    record_run(graph, DiscoveryRun("run-1", "job", at, at, targets=1, answered=0, failed=1,
                                   coverage={"127.0.0.21": {"ssh": {"status": "timeout"}}}))  # fmt: skip
    run(cli, "audit", "reconcile")
    found = findings(graph)
    assert set(found) == {("reconcile-missing", "srv-in")}
    assert found[("reconcile-missing", "srv-in")]["coverage"] == (
        "address in a discovery run's targets"
    )
    listed = run(cli, "audit", "findings", "--rule", "reconcile-missing")
    assert "srv-in" in listed and "srv-out" not in listed
