"""The reports on a real graph with known contents (audit_estate.py, an OS upgrade in
March, an audit run): XLSX read back with pandas, HTML parsed, the CSV zip opened; every
number in them equals the graph's, counted by an independent Cypher here."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from audit_estate import NOW, audit_config, build, observe, switch
from typer.testing import CliRunner

from audits.reports import ReportRequest, make_report, parse_period
from audits.reports.vocabulary import heading
from audits.rulecheck import load_rules
from audits.run import run_audit
from cli.main import app
from cmdb.config import Config
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
UPGRADE = datetime(2026, 3, 10, tzinfo=UTC)
MARCH = parse_period("2026-03", NOW)


@pytest.fixture
def estate(graph: neo4j.Driver, schema: Schema, config: Config) -> Config:
    config = audit_config(config)
    build(graph, schema, config)
    observe(graph, schema, config, UPGRADE, switch("sw-ok", "N-OK", "Cisco", "IOS-XE", "17.9.5"))
    run_audit(graph, schema, config, load_rules(schema), actor="auditor", now=NOW)
    return config


def report(graph: neo4j.Driver, schema: Schema, config: Config, kind: str, fmt: str,
           out: Path, lang: str = "en") -> Path:  # fmt: skip
    request = ReportRequest(kind, MARCH, fmt, lang)
    made = make_report(graph, schema, config, request, out / f"{kind}.{fmt}", NOW)
    assert made.path.stat().st_size > 0 and made.sections[0] == "overview"
    return made.path


def sheet(path: Path, key: str, lang: str = "en") -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=heading("sections", key, lang))


def col(key: str, lang: str = "en") -> str:
    return heading("columns", key, lang)


def cypher(driver: neo4j.Driver, text: str, **params: object) -> list[dict[str, object]]:
    return [r.data() for r in driver.execute_query(text, params).records]


def test_status_report_counts_equal_the_graphs(
    graph: neo4j.Driver, schema: Schema, estate: Config, tmp_path: Path
) -> None:
    path = report(graph, schema, estate, "status", "xlsx", tmp_path)
    by_class = sheet(path, "counts_by_class")
    got = {(r[col("class")], r[col("status")]): (r[col("count")], r[col("previous")])
           for _, r in by_class.iterrows()}  # fmt: skip
    now = Counter({(r["c"], r["s"]): r["n"] for r in cypher(
        graph, "MATCH (c:CI) RETURN c._class AS c, c.status AS s, count(*) AS n")})  # fmt: skip
    feb = Counter({(r["c"], r["s"]): r["n"] for r in cypher(
        graph, "MATCH (c:CI) WHERE c.first_seen < $t RETURN c._class AS c, c.status AS s, "
        "count(*) AS n", t=MARCH.start)})  # fmt: skip
    assert got == {k: (now[k], feb[k]) for k in set(now) | set(feb)}
    assert feb and sum(now.values()) > sum(feb.values())  # the estate grew in March
    versions = sheet(path, "version_changes")
    assert [
        (r[col("ci")], r[col("attribute")], r[col("before")], r[col("after")])
        for _, r in versions.iterrows()
    ] == [("sw-ok", "os_version", "17.9.4", "17.9.5")]
    severity = sheet(path, "findings_by_severity")
    open_now = Counter({r["s"]: r["n"] for r in cypher(
        graph, "MATCH (f:Finding) WHERE f.status <> 'resolved' RETURN f.severity AS s, "
        "count(*) AS n")})  # fmt: skip
    assert {r[col("severity")]: r[col("count")] for _, r in severity.iterrows()} == {
        s: open_now[s] for s in ("critical", "major", "minor", "warning", "info")
    }
    assert severity[col("previous")].sum() == 0  # no audit ran in February
    located = sheet(path, "counts_by_location")
    n_located = cypher(graph, "MATCH (:CI)-[r:LOCATED_IN]->(:CI) WHERE r.until IS NULL "
                       "RETURN count(*) AS n")[0]["n"]  # fmt: skip
    assert located[col("count")].sum() == n_located


def test_status_report_html_is_one_file_with_a_chart_and_the_same_tables(
    graph: neo4j.Driver, schema: Schema, estate: Config, tmp_path: Path
) -> None:
    path = report(graph, schema, estate, "status", "html", tmp_path, "zh")
    text = path.read_text(encoding="utf-8")
    assert (
        "<svg" in text
        and "<script" not in text
        and "http" not in text.replace("http://www.w3.org/2000/svg", "")
    )  # nothing fetched
    assert "配置状态报告" in text
    tables = pd.read_html(io.StringIO(text))
    by_class = next(t for t in tables if col("class", "zh") in t.columns)
    total = cypher(graph, "MATCH (c:CI) RETURN count(c) AS n")[0]["n"]
    assert by_class[col("count", "zh")].sum() == total


def test_inspection_report_per_device(
    graph: neo4j.Driver, schema: Schema, estate: Config, tmp_path: Path
) -> None:
    path = report(graph, schema, estate, "inspection", "xlsx", tmp_path)
    devices = sheet(path, "devices").set_index(col("device"))
    live = cypher(graph, "MATCH (c:Server|VirtualMachine|NetworkDevice|Peripheral) WHERE "
                  "c.status IN ['active', 'absent'] RETURN c.name AS n")  # fmt: skip
    assert sorted(devices.index) == sorted(str(r["n"]) for r in live)
    ports = cypher(graph, "MATCH (d {name: 'sw-ok'})-[h:HAS_INTERFACE]->(i) WHERE h.until IS NULL "
                   "RETURN i.oper_status AS s, count(*) AS n")  # fmt: skip
    counts = {r["s"]: r["n"] for r in ports}
    assert (
        devices.loc["sw-ok", col("interfaces_up")],
        devices.loc["sw-ok", col("interfaces_down")],
    ) == (counts["up"], counts["down"])
    assert devices.loc["sw-ok", col("os")] == "IOS-XE 17.9.5"
    for name, state in (("srv-expired", "expired"), ("srv-expiring", "expiring"),
                        ("srv-ok", "valid")):  # the coded values in the report's words
        assert devices.loc[name, col("support_status")] == heading("values", state, "en")
    action = sheet(path, "needing_action").set_index(col("device"))
    assert heading("values", "not_seen", "en") in action.loc["srv-stale", col("reasons")]
    assert "support contract expired" in action.loc["srv-expired", col("reasons")]
    serious = cypher(
        graph,
        "MATCH (f:Finding)-[:ABOUT]->(c) WHERE f.status <> 'resolved' AND "
        "f.severity IN ['critical', 'major'] RETURN c.name AS n, count(*) AS k",
    )
    for r in serious:
        if r["n"] in devices.index:
            assert devices.loc[r["n"], col("serious")] == r["k"]
    html = report(graph, schema, estate, "inspection", "html", tmp_path)
    assert html.read_text(encoding="utf-8").count("<h3>") == len(devices)  # one per device


def test_audit_report_of_the_run_as_csv_zip_in_chinese(
    graph: neo4j.Driver, schema: Schema, estate: Config, tmp_path: Path
) -> None:
    path = report(graph, schema, estate, "audit", "csv", tmp_path, "zh")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == ["01-overview.csv", "02-run.csv", "03-findings.csv",
                         "04-severity_over_time.csv"]  # fmt: skip
        raw = archive.read("03-findings.csv")
        assert raw.startswith("\ufeff".encode())
        findings = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
        run = pd.read_csv(io.BytesIO(archive.read("02-run.csv")), encoding="utf-8-sig")
        over = pd.read_csv(io.BytesIO(archive.read("04-severity_over_time.csv")),
                           encoding="utf-8-sig")  # fmt: skip
    stored = cypher(graph, "MATCH (r:AuditRun) RETURN r.id AS id, r.opened AS opened")
    assert (
        dict(zip(run[col("item", "zh")], run[col("value", "zh")], strict=True))["id"]
        == stored[0]["id"]
    )
    ids = cypher(graph, "MATCH (f:Finding) WHERE f.status <> 'resolved' RETURN f.id AS id")
    assert sorted(findings[col("id", "zh")]) == sorted(str(r["id"]) for r in ids)
    assert len(findings) == stored[0]["opened"]
    assert set(findings[col("in_run", "zh")]) == {"open"}
    # the day of the run (20 March) ends with every finding unresolved, the day before none
    last = over[over[col("date", "zh")] == "2026-03-20"]
    before = over[over[col("date", "zh")] == "2026-03-19"]
    severities = [col(s, "zh") for s in ("critical", "major", "minor", "warning", "info")]
    assert int(last[severities].sum(axis=1).iloc[0]) == len(ids)
    assert int(before[severities].sum(axis=1).iloc[0]) == 0


def test_cmdb_report_writes_the_file_and_says_what_is_in_it(
    cli: CliRunner, graph: neo4j.Driver, estate: Config, tmp_path: Path
) -> None:
    args = ["report", "audit", "--period", "2026-03", "--format", "xlsx", "--lang", "zh",
            "--out", "audit.xlsx"]  # fmt: skip
    result = cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "audit.xlsx: audit report (xlsx), 4 sections" in result.output
    assert "sections: overview, run, findings, severity_over_time" in result.output
    findings = sheet(Path("audit.xlsx"), "findings", "zh")
    unresolved = cypher(
        graph, "MATCH (f:Finding) WHERE f.status <> 'resolved' RETURN count(*) AS n"
    )
    assert len(findings) == unresolved[0]["n"]
    bad = cli.invoke(app, ["report", "status", "--period", "2026-Q7", "--out", "s.html"])
    assert bad.exit_code == 1 and not Path("s.html").exists()
