"""A register of planted errors against the lab and the real Neo4j: seven lab devices
discovered over SNMP (a /28 swept: seven answer, the rest refuse), the operations team's
own record of them (`cmdb load`, source manual), and a field register built from what
discovery recorded (tests/planted_register.py) with a missing device, a device left out,
a wrong serial, location, owner and warranty end, a duplicate row and garbage rows.
`cmdb import register` names each bad row (file, sheet, row, column, reason);
`cmdb audit reconcile` reports every planted discrepancy, with both values and both
sources, and nothing else; a waiver on one of them lapses at its expiry.

A lab of its own (prefix `cmdbpln`, SNMP only, 127.96.0.0/16)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

import lab
from audits import review
from audits.findings import Status
from audits.reconcile.run import reconcile
from audits.register.importer import read_register
from cli.main import app
from cmdb.changes.steps import run_operation
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.queryplan import run_plan
from cmdb.schema import Schema
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from discovery.run_report import RunReport
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from tests import planted_register as build
from tests.planted_register import ELSEWHERE, MISSING, ROLES, SWEEP, Device

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
HOUR = timedelta(hours=1)


def discover(graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path) -> RunReport:
    data = build.write_recordings(lab_data_dir(), tmp_path / "data")
    options = LabOptions(state_dir=tmp_path / "lab", data_dirs=(data,), linux=False, ssh=False,
                         config=isolated_config("cmdbpln", "127.96.0.0/16", "127.97.0.0/16"))  # fmt: skip
    job = tmp_path / "planted.yaml"
    job.write_text(f"name: planted\ntargets: [{SWEEP}]\nprotocols:\n"
                   "  - protocol: snmp\n    credentials: [{secret: lab-v2c}]\n"
                   "concurrency: 8\ntimeout: 5\nretries: 1\n")  # fmt: skip
    try:
        manifest = lab.up(options)
        assert sorted(d.name for d in manifest.of_kind("snmp-sim")) == sorted(ROLES)
        return run_job(load_job(job), ingestor=Ingestor(graph, schema, config),
                       resolver=CredentialResolver(env={}, secrets_file=Path(manifest.secrets_file)),
                       memory=CredentialMemory(tmp_path / "memory.json"))  # fmt: skip
    finally:
        lab.down(options.state_dir, options.config)


def recorded(graph: neo4j.Driver, report: RunReport) -> dict[str, Device]:
    """What discovery recorded of each lab device, by recording (its sysName tells)."""
    rows, _, _ = graph.execute_query(
        "MATCH (c:Device) WHERE NOT c:Endpoint RETURN c.uid AS uid, c._class AS cls, "
        "c.name AS name, c.hostname AS hostname, c.serial_number AS serial, c.model AS model, "
        "c.management_ip AS address"
    )
    by_host = {build.host(r): r for r in ROLES}
    return {by_host[r["hostname"]]: Device(**dict(r)) for r in rows}


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.exception or result.output
    return result.output


def findings(graph: neo4j.Driver) -> set[tuple[Any, ...]]:
    """Each open finding as flat tuples: (rule, CI uid, what it says); a drift one tuple
    per field (field, register value and source, current value and source)."""
    rows, _, _ = graph.execute_query(
        "MATCH (f:Finding)-[:ABOUT]->(c:CI) WHERE f.status = 'open' "
        "RETURN f.rule AS rule, c.uid AS uid, f.evidence AS evidence"
    )
    out: set[tuple[Any, ...]] = set()
    for r in rows:
        rule, uid, e = r["rule"], r["uid"], json.loads(r["evidence"])
        if rule == "reconcile-drift":
            out |= {(rule, uid, k, v["register"], v["register_source"], v["current"],
                     v["current_source"]) for k, v in e["fields"].items()}  # fmt: skip
        elif rule == "reconcile-missing":
            out.add((rule, uid, e["coverage"]))
        elif rule == "reconcile-duplicate-row":
            out.add((rule, uid, tuple(e["register_rows"])))
        elif rule == "reconcile-unregistered":
            out.add((rule, uid))
        else:
            out.add((rule, uid, json.dumps(e, sort_keys=True)))
    return out


def test_every_planted_discrepancy_is_found_and_nothing_else(
    cli: CliRunner, graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    report = discover(graph, schema, config, tmp_path)
    assert report.answered == {"snmp": len(ROLES)}, report.run.failures
    assert {f.kind for f in report.run.failures} == {"refused"}  # the sweep's empty addresses
    devices = recorded(graph, report)
    assert sorted(devices) == sorted(ROLES)
    role = {r: devices[name] for name, r in ROLES.items()}
    coverage = report.run.coverage
    assert MISSING.address in coverage and ELSEWHERE.address not in coverage

    manual = build.manual_record(devices)
    (tmp_path / "manual.yaml").write_text(manual, encoding="utf-8")
    run(cli, "load", str(tmp_path / "manual.yaml"))
    register = build.register_rows(devices)
    path = build.write_register(tmp_path / "设备台账.xlsx", register)
    out = run(cli, "import", "register", str(path))
    print(out)

    # the bad rows: named by file, sheet, row, column and reason, and skipped
    dup_of, dup_row = register.device_row["canonprinter_lbp"], register.duplicate
    refused = {m[1]: m[2] for m in re.finditer(r"refused: .*?, row (\d+)(.*)", out)}
    expected = {str(r): f", column {c}: {why}" for r, (c, why) in register.garbage.items()}
    expected[str(dup_row)] = f": serial {devices['canonprinter_lbp'].serial} is on row {dup_of}"
    assert set(refused) == set(expected), (refused, expected)
    for row, text in expected.items():
        assert refused[row].startswith(text), (row, refused[row], text)
    assert f"{path}, sheet '设备台账', row " in out
    # the rest found the devices they name (the wrong serial's by its host name), and the
    # two spare servers the team recorded: no CI made by the register
    spares = {uid_of(graph, MISSING.serial), uid_of(graph, ELSEWHERE.serial)}
    listed = {d.uid for name, d in devices.items() if ROLES[name] != "unregistered"}
    assert registered(graph) == listed | spares

    out = run(cli, "audit", "reconcile", str(path))
    print(out)
    ops, snmp = "manual", "snmp"
    planted = {
        ("reconcile-missing", uid_of(graph, MISSING.serial),
         "address in a discovery run's targets"),
        ("reconcile-unregistered", role["unregistered"].uid),
        ("reconcile-drift", role["wrong-serial"].uid, "serial",
         f"{role['wrong-serial'].serial}-X", "register", role["wrong-serial"].serial, snmp),
        ("reconcile-drift", role["wrong-location"].uid, "place", "总部大楼/二号机房/A01",
         "register", "总部大楼/一号机房/A01", ops),
        ("reconcile-drift", role["wrong-owner"].uid, "owner", "someone.else@example.com",
         "register", "pln-nxos.owner@example.com", ops),
        ("reconcile-drift", role["wrong-warranty"].uid, "warranty_end", "2027-12-31",
         "register", "2028-03-31", ops),
        ("reconcile-duplicate-row", role["duplicated"].uid, (dup_of, dup_row)),
    }  # fmt: skip
    found = findings(graph)
    missed, besides = sorted(planted - found), sorted(found - planted)
    assert found == planted, "\n".join(["not found:", *map(str, missed),
                                        "flagged besides:", *map(str, besides)])  # fmt: skip

    # a waiver holds the warranty drift until its expiry, then lapses by itself: the first
    # reconciliation after it reopens the finding
    uid = role["wrong-warranty"].uid
    key = f"reconcile-drift|{uid}"
    now = datetime.now(UTC)
    until = now + timedelta(days=7)
    run_operation(graph, review.waive(key, "extension ordered", until, "carol", "dave", now))
    rows = read_register(path)
    during = reconcile(graph, config.batch_size, rows, actor="auditor", now=until - HOUR)
    assert run_plan(graph, review.read_one(key)).status == Status.WAIVED
    assert during.run.total("waived") == 1
    assert findings(graph) == {t for t in planted if t[1] != uid}
    after = reconcile(graph, config.batch_size, rows, actor="auditor", now=until + HOUR)
    lapsed = run_plan(graph, review.read_one(key))
    assert (lapsed.status, lapsed.events[-1].action) == (Status.OPEN, "lapse")
    assert after.run.total("lapsed") == 1 and findings(graph) == planted


def uid_of(graph: neo4j.Driver, serial: str) -> str:
    rows, _, _ = graph.execute_query(
        "MATCH (c:Device {serial_number: $s}) RETURN c.uid AS uid", s=serial
    )
    [row] = rows
    return str(row["uid"])


def registered(graph: neo4j.Driver) -> set[str]:
    """The devices a register reported (source `register` among their sightings)."""
    rows, _, _ = graph.execute_query(
        "MATCH (c:Device) WHERE c._seen CONTAINS $register RETURN c.uid AS uid",
        register='"register"',
    )
    return {str(r["uid"]) for r in rows}
