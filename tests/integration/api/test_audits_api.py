"""Audits over GraphQL through the served app: the auditor runs the rules and handles
findings, readers and engineers are refused with the permission named and nothing is
written; findings page in a stable order with the filter's counts on every page;
acknowledging and waiving change a finding's status and history; a register uploaded
as a multipart request imports, and its bad rows come back named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.schema import Schema
from tests.graph_checks import check_nodes
from tests.integration.api.audits_client import (
    ACK,
    FINDINGS,
    RUN,
    RUNS,
    SERVERS,
    WAIVE,
    answer,
    estate,
    upload,
)
from tests.integration.api.conftest import Served, bearer
from tests.integration.api.history_data import data, error
from tests.register_sheets import IMPORTED, REFUSED, SKIPPED, write_register

pytestmark = pytest.mark.neo4j
REASON = "monthly compliance check"


def all_findings(http: httpx.Client, filter: dict[str, Any] | None = None,
                 first: int = 3) -> list[dict[str, Any]]:  # fmt: skip
    """Every page of the filter's findings, each page's count and totals the same."""
    pages, after = [], None
    while True:
        page = data(http, FINDINGS, filter=filter, first=first, after=after)["findings"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert {(p["totalCount"], str(p["totals"])) for p in pages} == {
        (pages[0]["totalCount"], str(pages[0]["totals"]))
    }
    return [e["node"] for p in pages for e in p["edges"]]


def test_readers_and_engineers_may_not_run_audits_nor_touch_findings(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, schema: Schema,
    config: Config, tmp_path: Path,
) -> None:  # fmt: skip
    estate(graph, schema, config)
    until = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    for role in ("reader", "engineer"):
        client = http_as(role)
        for query, variables in ((RUN, {"reason": REASON}),
                                 (ACK, {"finding": "FND0000001", "reason": "seen"}),
                                 (WAIVE, {"finding": "FND0000001", "reason": "r", "until": until})):  # fmt: skip
            assert error(client, query, **variables).startswith(
                f"permission 'run_audits' needed (role {role} has: read"
            )
        refused = answer(upload(client, write_register(tmp_path / "r.xlsx")))
        assert refused["errors"][0]["message"].startswith("permission 'run_audits' needed")
        assert data(client, FINDINGS)["findings"]["totalCount"] == 0  # reading is allowed
    assert check_nodes(graph, "AuditRun", ["id"]) == set()
    assert check_nodes(graph, "ChangeSet", ["source"], {"source": "register"}) == set()


def test_run_audit_records_a_run_and_its_findings(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, schema: Schema,
    config: Config,
) -> None:  # fmt: skip
    uids = estate(graph, schema, config)
    auditor = http_as("auditor")
    run = data(auditor, RUN, reason=REASON, rules=["owner", "location"])["runAudit"]
    assert (run["actor"], run["reason"], run["rules"], run["opened"]) == (
        "auditor",
        REASON,
        ["owner", "location"],
        2 * SERVERS,
    )
    assert [(r["rule"], r["severity"], r["violations"], r["opened"]) for r in run["perRule"]] == [
        ("owner", "major", SERVERS, SERVERS), ("location", "minor", SERVERS, SERVERS)]  # fmt: skip
    assert check_nodes(graph, "AuditRun", ["id", "actor", "reason"]) == {
        (run["id"], "auditor", REASON)
    }
    runs = data(auditor, RUNS)["auditRuns"]
    assert runs["totalCount"] == 1
    assert runs["edges"][0]["node"] | {"perRule": None} == {
        "id": run["id"], "actor": "auditor", "reason": REASON, "rules": ["owner", "location"],
        "opened": 2 * SERVERS, "perRule": None}  # fmt: skip
    found = all_findings(auditor)
    assert {(f["rule"], f["ciUid"], f["ciName"], f["ci"]["uid"], f["ci"]["className"])
            for f in found} == {(rule, uid, name, uid, "Server") for name, uid in uids.items()
                                for rule in ("owner", "location")}  # fmt: skip
    assert {(f["status"], f["lastRun"], str(f["history"])) for f in found} == {
        ("OPEN", run["id"], str([{"seq": 1, "action": "open", "fromStatus": None,
                                  "toStatus": "open", "actor": "auditor", "run": run["id"],
                                  "comment": None}]))}  # fmt: skip
    # run again: nothing new, everything still open; a bad rule or scope is named
    again = data(auditor, RUN, reason=REASON, rules=["owner"], scope="Server")["runAudit"]
    assert (again["opened"], again["stillOpen"]) == (0, SERVERS)
    assert error(auditor, RUN, reason=REASON, rules=["no-such-rule"]).startswith(
        "rules: no rule 'no-such-rule'; rules: "
    )
    assert error(auditor, RUN, reason=REASON, scope="Toaster") == (
        "scope: 'Toaster' is no class of the schema"
    )
    assert error(auditor, RUN, reason="  ") == "reason: say why (it is recorded)"
    assert data(auditor, RUNS)["auditRuns"]["totalCount"] == 2


def test_findings_page_in_a_stable_order_with_the_filters_totals(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    uids = estate(graph, schema, config)
    data(http, RUN, reason=REASON, rules=["owner", "location"])
    found = all_findings(http, first=3)
    ids = [f["id"] for f in found]
    assert ids == sorted(ids) and len(set(ids)) == 2 * SERVERS
    first = data(http, FINDINGS, first=3)["findings"]
    assert first["totalCount"] == 2 * SERVERS
    assert first["totals"] == {
        "bySeverity": [{"key": "major", "count": SERVERS}, {"key": "minor", "count": SERVERS}],
        "byStatus": [{"key": "open", "count": 2 * SERVERS}]}  # fmt: skip
    # each part of the filter narrows the list and its counts alike
    uid = uids["srv-0"]
    narrowed = {
        "rule": ({"rule": "owner"}, SERVERS),
        "severity": ({"severity": ["minor", "critical"]}, SERVERS),
        "CI": ({"ciUid": uid}, 2),
        "CI and rule": ({"ciUid": uid, "rule": "location"}, 1),
        "class with subclasses": ({"class": "Device"}, 2 * SERVERS),
        "another class": ({"class": "NetworkDevice"}, 0),
        "status": ({"status": ["RESOLVED"]}, 0),
    }
    for name, (flt, count) in narrowed.items():
        page = all_findings(http, flt, first=4)
        assert len(page) == count, name
        total = data(http, FINDINGS, filter=flt)["findings"]
        assert total["totalCount"] == count == sum(c["count"] for c in total["totals"]["byStatus"])
    # a later run, more findings: a page read before stays where it was
    cursor = first["pageInfo"]["endCursor"]
    rest = data(http, FINDINGS, first=500, after=cursor)["findings"]
    assert [e["node"]["id"] for e in rest["edges"]] == ids[3:]
    assert error(http, FINDINGS, filter={"severity": ["fatal"]}) == (
        "filter.severity: 'fatal' is none of critical, major, minor, warning, info"
    )
    assert error(http, FINDINGS, filter={"class": "Toaster"}) == (
        "filter.class: 'Toaster' is no class of the schema"
    )
    assert error(http, FINDINGS, after="bm90LWEtY3Vyc29y").startswith("after: not a cursor")
    assert error(http, RUNS, after=cursor).startswith("after: not a cursor")


def test_acknowledge_and_waive_change_status_and_history(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, schema: Schema,
    config: Config,
) -> None:  # fmt: skip
    uids = estate(graph, schema, config)
    auditor = http_as("auditor")
    data(auditor, RUN, reason=REASON, rules=["owner"])
    acked = data(auditor, ACK, finding=f"owner|{uids['srv-0']}", reason="ticket OPS-12")
    assert acked["acknowledge"]["status"] == "ACKNOWLEDGED"
    assert acked["acknowledge"]["history"][-1] == {
        "action": "acknowledge", "toStatus": "acknowledged", "actor": "auditor",
        "comment": "ticket OPS-12"}  # fmt: skip
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    target = f"owner|{uids['srv-1']}"
    waived = data(auditor, WAIVE, finding=target, reason="owner named at the review",
                  until=until.isoformat())["waive"]  # fmt: skip
    assert waived["status"] == "WAIVED"
    assert waived["waiver"] | {"until": None} == {
        "reason": "owner named at the review", "approver": "auditor", "until": None,
        "grantedBy": "auditor", "endedAt": None}  # fmt: skip
    assert datetime.fromisoformat(waived["waiver"]["until"]) == until
    assert [s["action"] for s in waived["history"]] == ["open", "waive"]
    # the default list hides the waived one; its totals say so
    listed = data(auditor, FINDINGS)["findings"]
    assert listed["totals"]["byStatus"] == [{"key": "open", "count": SERVERS - 2},
                                            {"key": "acknowledged", "count": 1}]  # fmt: skip
    every = ["OPEN", "ACKNOWLEDGED", "WAIVED", "RESOLVED"]
    assert data(auditor, FINDINGS, filter={"status": every})["findings"]["totalCount"] == SERVERS
    # refusals name the argument and change nothing
    assert error(auditor, ACK, finding=target, reason="x") == (
        f"finding: finding {waived['id']} is waived: only an open finding is acknowledged"
    )
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert error(auditor, WAIVE, finding=target, reason="x", until=past).startswith("until: ")
    assert error(auditor, ACK, finding="FND9999999", reason="x") == (
        "finding: no finding 'FND9999999'"
    )
    assert error(auditor, ACK, finding=target, reason="") == "reason: say why (it is recorded)"
    records, _, _ = graph.execute_query("MATCH (e:FindingEvent) RETURN count(e) AS n")
    assert records[0]["n"] == SERVERS + 2  # an open each, one acknowledge, one waive


def test_a_register_uploaded_imports_and_names_its_bad_rows(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, tmp_path: Path
) -> None:
    auditor = http_as("auditor")
    path = write_register(tmp_path / "upload.xlsx")
    name = "设备台账 2026.xlsx"
    dry = answer(upload(auditor, path, name, dry_run=True))["data"]["importRegister"]
    assert (dry["dryRun"], dry["changeSetId"], dry["rowsImported"]) == (True, None, len(IMPORTED))
    assert check_nodes(graph, "ChangeSet", ["source"], {"source": "register"}) == set()
    done = answer(upload(auditor, path, name))["data"]["importRegister"]
    assert (done["file"], done["sheet"], done["rowsImported"], done["rowsRefused"],
            done["rowsSkipped"]) == (name, "设备台账", len(IMPORTED), len(REFUSED), len(SKIPPED))  # fmt: skip
    assert done["created"] > 0 and done["changeSetId"] is not None
    assert {r["row"]: r["message"] for r in done["refused"]} == {
        row: f"{name}, sheet '设备台账', row {row}{said}" for row, said in REFUSED.items()
    }
    assert check_nodes(graph, "ChangeSet", ["id", "actor"], {"source": "register"}) == {
        (done["changeSetId"], "auditor")
    }
    [(reason,)] = check_nodes(graph, "ChangeSet", ["reason"], {"source": "register"})
    assert reason == f"register {name}: the contract's register, 2026"
    again = answer(upload(auditor, path, name))["data"]["importRegister"]
    assert (again["created"], again["updated"], again["changeSetId"]) == (0, 0, None)


def test_an_upload_that_cannot_be_imported_is_one_error_naming_it(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, tmp_path: Path
) -> None:
    auditor = http_as("auditor")
    path = write_register(tmp_path / "upload.xlsx")

    def refused(response: httpx.Response) -> str:
        errors = answer(response)["errors"]
        assert len(errors) == 1, errors
        message: str = errors[0]["message"]
        return message

    assert refused(upload(auditor, path, "notes.txt")) == (
        "file: 'notes.txt': a register is .xlsx or .csv"
    )
    assert refused(upload(auditor, path, sheet="没有这张表")).startswith(
        "upload.xlsx: no sheet '没有这张表'"
    )
    garbage = tmp_path / "broken.xlsx"
    garbage.write_bytes(b"not a workbook")
    message = refused(upload(auditor, garbage))
    assert message.startswith("broken.xlsx: ") and "cmdb-upload-" not in message
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert refused(upload(auditor, empty)).startswith("empty.csv: ")
    assert refused(upload(auditor, path, reason="")) == "reason: say why (it is recorded)"
    assert check_nodes(graph, "ChangeSet", ["source"], {"source": "register"}) == set()


def test_an_upload_over_the_cap_is_refused_with_the_cap_named(
    dbms_config: Config, schema: Schema, graph: neo4j.Driver, tmp_path: Path
) -> None:
    api = replace(dbms_config.api, max_upload_bytes=4000, max_body_bytes=5000)
    path = write_register(tmp_path / "big.xlsx")  # ~6 kB
    with (
        Served(replace(dbms_config, api=api), schema) as small,
        httpx.Client(base_url=small.url, timeout=60, headers=bearer(graph, "auditor")) as auditor,
    ):
        over = answer(upload(auditor, path, "big.csv"))["errors"]
        assert [e["message"] for e in over] == [
            "file: larger than the upload cap api.max_upload_bytes=4000"
        ]
        body = upload(auditor, path, "big.csv", reason="x" * 4000)  # the body's own cap
        assert body.status_code == 413
        assert "api.max_upload_bytes=4000" in body.json()["errors"][0]["message"]
    assert check_nodes(graph, "ChangeSet", ["source"], {"source": "register"}) == set()


KINDS = "{ auditRuns(first: 10) { edges { node { kind actor endedAt } } } }"


def test_every_kind_of_run_reads_back(
    http_as: Callable[[str], httpx.Client], graph: neo4j.Driver, schema: Schema,
    config: Config,
) -> None:  # fmt: skip
    """The reconciliation's and the changes check's runs are audit runs too (`cmdb audit
    run` makes all three): each reads back with its kind and end."""
    from audits.full_run import Parts, full_audit
    from audits.rulecheck import load_rules

    estate(graph, schema, config)
    now = datetime.now(UTC)
    full_audit(graph, schema, config, load_rules(schema), Parts(), actor="cli", now=now)
    runs = [e["node"] for e in data(http_as("reader"), KINDS)["auditRuns"]["edges"]]
    assert sorted(r["kind"] for r in runs) == ["changes", "reconcile", "rules"]
    assert all(r["actor"] == "cli" and r["endedAt"] >= now.isoformat() for r in runs)
