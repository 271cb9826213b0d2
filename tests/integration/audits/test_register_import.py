"""`cmdb import register` on the real Neo4j: a field register (tests/register_sheets.py)
matched to the CIs `cmdb load` recorded first (serial first), under the source
precedence; the refused rows named; a re-import and a dry run write nothing; an export
imported again (both languages) writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from typer.testing import CliRunner

from audits.register import importer
from audits.register.importer import read_recorded_classes, read_register
from cli.main import app
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels
from tests.integration.cmdb.test_query_plans import indexes_read, operators, scans
from tests.register_sheets import NOTES, REFUSED, write_register

pytestmark = pytest.mark.neo4j

SSH = """\
source: ssh
actor: test
cis:
  - key: core
    class: NetworkDevice
    attributes: {serial_number: SN-A1, hostname: core-01, name: core-01, model: S6730-H48X6C,
                 asset_tag: OLD-1}
  - key: srv
    class: Server
    attributes: {serial_number: SRV123, hostname: srv-01, model: PowerEdge R740}
  - key: fw
    class: UnclassifiedDevice
    attributes: {serial_number: FW-9, hostname: fw-01, sys_descr: Huawei Versatile Routing}
"""


def without_fingerprints(dumped: tuple[Any, Any]) -> tuple[Any, Any]:
    nodes, rels = dumped
    return {(n[0], tuple(p for p in n[1] if p[0] not in ("_fp", "_lfp"))) for n in nodes}, rels


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.exception or result.output
    return result.output


def recorded(cli: CliRunner, tmp_path: Path, graph: neo4j.Driver) -> dict[str, str]:
    """The ssh facts loaded through `cmdb load`: serial -> uid."""
    (tmp_path / "ssh.yaml").write_text(SSH, encoding="utf-8")
    run(cli, "load", str(tmp_path / "ssh.yaml"))
    return dict(check_nodes(graph, "Device", ["serial_number", "uid"]))


@pytest.mark.parametrize("part_rows", [10_000, 2])
def test_a_register_updates_the_cis_it_names(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    part_rows: int,
) -> None:  # fmt: skip
    """In one change set, and in parts of 2 rows (a big file's parts: a serial on a later
    part is refused as on a later row), the same graph."""
    monkeypatch.setattr(importer, "PART_ROWS", part_rows)
    uids = recorded(cli, tmp_path, graph)
    path = write_register(tmp_path / "台账.xlsx")
    output = run(cli, "import", "register", str(path), "--actor", "auditor")
    for row, reason in REFUSED.items():
        assert f"refused: {path}, sheet '设备台账', row {row}{reason}" in output
    for row, note in NOTES.items():
        assert f"note: {path}, sheet '设备台账', row {row}{note}" in output
    assert (f"note: {path}, sheet '设备台账', row 7: type '防火墙' (NetworkDevice): serial FW-9 "
            "is recorded as a UnclassifiedDevice, which it stays") in output  # fmt: skip
    devices = check_nodes(graph, "Device", ["serial_number", "uid", "name", "model", "vendor",
                                            "asset_tag", "warranty_end", "device_kind"])  # fmt: skip
    fw_uid, ups_uid = uids["FW-9"], next(d[1] for d in devices if d[0] == "UPS-1")
    assert devices == {
        # ssh owns the model; the register owns name and asset tag (schema/precedence.yaml)
        ("SN-A1", uids["SN-A1"], "核心交换机01", "S6730-H48X6C", "华为", "ZC-001",
         date(2028, 3, 31), "switch"),
        ("SRV123", uids["SRV123"], "服务器01", "PowerEdge R740", "Dell", "ZC-002",
         date(2028, 3, 31), None),
        # discovery's class kept (the register calls it a firewall): one CI, not two
        ("FW-9", fw_uid, "防火墙01", "USG6650", "Huawei", "ZC-003", date(2027, 12, 1), None),
        # its room is not linked (no location): the device is recorded all the same
        ("UPS-1", ups_uid, "无地点设备", "SRT3000", "APC", "ZC-008", None, None),
    }  # fmt: skip
    core, srv = uids["SN-A1"], uids["SRV123"]
    assert check_rels(graph, "Device", "LOCATED_IN", "CI", ["a.uid", "b._class", "b.name"],
                      open_only=True) == {(core, "Rack", "A01"), (srv, "Rack", "A02"),
                                          (fw_uid, "Location", "总部大楼")}  # fmt: skip
    assert check_rels(graph, "Rack", "LOCATED_IN", "Room", ["a.name", "b.name"]) == {
        ("A01", "一号机房"), ("A02", "一号机房")}  # fmt: skip
    assert check_rels(graph, "Room", "LOCATED_IN", "Location", ["a.name", "b.name"]) == {
        ("一号机房", "总部大楼")}  # fmt: skip
    assert check_rels(graph, "Device", "OWNED_BY", "CI", ["a.uid", "b._class", "b.name", "b.email"]
                      ) == {(core, "Person", "alice@example.com", "alice@example.com"),
                            (core, "Team", "网络组", None), (srv, "Team", "系统组", None),
                            (fw_uid, "Team", "网络组", None)}  # fmt: skip
    assert check_rels(graph, "Device", "COVERED_BY", "Contract",
                      ["a.uid", "b.contract_number", "r.source"]) == {
        (core, "HT-001", "register"), (srv, "HT-002", "register")}  # fmt: skip
    written = check_nodes(graph, "ChangeSet", ["source", "actor", "reason"], {"source": "register"})
    if part_rows > 100:
        assert written == {("register", "auditor", "register 台账.xlsx")}
    else:  # the sheet's rows 4..19 parsed, in parts of two: every part wrote
        parts = {r[2] for r in written}
        assert len(parts) > 2 and all(p.startswith("register 台账.xlsx (part ") for p in parts)


def test_a_reimport_and_a_dry_run_write_nothing(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path
) -> None:
    recorded(cli, tmp_path, graph)
    path = write_register(tmp_path / "台账.xlsx")
    before = dump(graph)
    dry = run(cli, "import", "register", str(path), "--dry-run")
    assert dump(graph) == before
    assert "would write" in dry and "'op': 'create', 'type': 'COVERED_BY'" not in dry
    assert (
        "'class': 'NetworkDevice', 'op': 'update'" in dry
        and "'asset_tag': ['OLD-1', 'ZC-001']" in dry
    )
    run(cli, "import", "register", str(path))
    after = dump(graph)
    assert after != before
    again = run(cli, "import", "register", str(path))
    assert dump(graph) == after
    assert "change set" not in again.splitlines()[-1]
    # 4 devices, a location, a room, 2 racks, a person, 2 teams, 2 contracts
    assert (
        "│ 4             │ 4       │ 3                         │ 0       │ 0       │ 13        │ 0 "
        in again
    )


@pytest.mark.parametrize(("lang", "suffix"), [("zh", "xlsx"), ("en", "csv")])
def test_an_exported_register_imports_as_nothing_new(
    cli: CliRunner, graph: neo4j.Driver, dump: Callable[..., Any], tmp_path: Path,
    lang: str, suffix: str,
) -> None:  # fmt: skip
    recorded(cli, tmp_path, graph)
    run(cli, "import", "register", str(write_register(tmp_path / "台账.xlsx")))
    out = tmp_path / f"export.{suffix}"
    run(cli, "export", "register", "--format", suffix, "--lang", lang, "--out", str(out))
    frame = pd.read_excel(out, dtype=str) if suffix == "xlsx" else pd.read_csv(out, dtype=str)
    serial, kind, warranty = ("序列号", "设备类型", "保修期") if lang == "zh" else (
        "serial", "type", "warranty end")  # fmt: skip
    core = frame[frame[serial] == "SN-A1"].iloc[0]
    assert (core[kind], core[warranty]) == (("交换机" if lang == "zh" else "switch"), "2028-03-31")
    before = dump(graph)
    first = run(cli, "import", "register", str(out))
    assert "change set" not in first and "│ 0       │ 0       │ 13        │ 0 " in first
    # what changed is the register's fingerprint of its report (it now also reports what
    # ssh owns: model, host name), kept so that the same report again is skipped
    assert without_fingerprints(dump(graph)) == without_fingerprints(before)
    after = dump(graph)
    run(cli, "import", "register", str(out))
    assert dump(graph) == after
    only = tmp_path / f"servers.{suffix}"
    run(cli, "export", "register", "--format", suffix, "--class", "Server", "--out", str(only))
    assert len(pd.read_csv(only) if suffix == "csv" else pd.read_excel(only)) == 1


def test_the_recorded_classes_are_read_by_index_seeks(
    cli: CliRunner, graph: neo4j.Driver, schema: Schema, tmp_path: Path
) -> None:
    recorded(cli, tmp_path, graph)
    rows = read_register(write_register(tmp_path / "r.xlsx")).parsed.rows
    plan = read_recorded_classes(schema, rows)
    query = next(plan)
    with graph.session() as session:
        ops = operators(session.run("EXPLAIN " + query.text, query.params).consume().plan)
    assert scans(ops) == [], ops
    assert {i.split("(")[0] for i in indexes_read(ops)} == {
        "Server", "NetworkDevice", "Peripheral", "Endpoint", "UnclassifiedDevice"}  # fmt: skip
    found = graph.execute_query(query.text, query.params).records
    assert {(r["serial"], r["class"]) for r in found} == {
        ("SN-A1", "NetworkDevice"), ("SRV123", "Server"), ("FW-9", "UnclassifiedDevice")}  # fmt: skip


def test_a_register_without_types_updates_recorded_cis_only(
    cli: CliRunner, graph: neo4j.Driver, tmp_path: Path
) -> None:
    uids = recorded(cli, tmp_path, graph)
    path = tmp_path / "tags.csv"
    path.write_text("SN,asset tag\nSN-A1,TAG-1\nNEW-1,TAG-2\n", encoding="utf-8")
    output = run(cli, "import", "register", str(path))
    assert (f"refused: {path}, row 3: no type, and serial NEW-1 is not on record: the type "
            "(设备类型) names the class of a new CI") in output  # fmt: skip
    assert check_nodes(graph, "Device", ["uid", "asset_tag"], {"asset_tag": "TAG-1"}) == {
        (uids["SN-A1"], "TAG-1")}  # fmt: skip
    assert check_nodes(graph, "Device", ["uid"], {"serial_number": "NEW-1"}) == set()
