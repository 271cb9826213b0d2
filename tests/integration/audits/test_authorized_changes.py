"""Changes authorized or not (audits/authorized/), through the real ingest and the real
change-request store at explicit times: a change discovery observed inside an approved
request's window on a CI it names (or on an interface of a device it names) is linked
to the request; the same change outside the window is an unauthorized-change finding
with its diff; a standard change never is; a closed window is verified."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from audits.authorized.check import RULE, check_changes
from audits.authorized.verify import verify
from audits.errors import AuditError
from cli.main import app
from cmdb.changes import store
from cmdb.changes.assess import assess
from cmdb.changes.cab import CabPolicy
from cmdb.changes.model import check_draft
from cmdb.changes.states import Action
from cmdb.changes.steps import run_operation
from cmdb.config import AuditsConfig, Config
from cmdb.impact import ImpactMode, ImpactSettings
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queryplan import run_plan
from cmdb.runs import DiscoveryRun, record_run
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START, END = T0 + timedelta(days=1), T0 + timedelta(days=1, hours=4)  # the window
INSIDE, OUTSIDE = START + timedelta(hours=1), END + timedelta(hours=1)
LATER = T0 + timedelta(days=3)


def report(
    at: datetime, source: str = "ssh", wired: bool = False, run: str | None = None,
    scope: str | None = None, **attrs: dict[str, Any],
) -> ChangeSet:  # fmt: skip
    """Discovery's report of a switch (`sw`, its port Gi1/0/1 `gi`) and two servers."""
    base: dict[str, dict[str, Any]] = {
        "sw": {"serial_number": "SW1", "name": "sw1", "os_version": "17.6.5"},
        "gi": {"name": "Gi1/0/1", "oper_status": "up", "mtu": 1500},
        "srv": {"serial_number": "SRV1", "name": "srv1", "os_version": "8.0.1",
                "memory_bytes": 64},
        "srv2": {"serial_number": "SRV2", "name": "srv2", "os_version": "8.0.1"},
    }  # fmt: skip
    for key, changed in attrs.items():
        base[key] = {**base[key], **changed}
    return ChangeSet.model_validate({
        "source": source, "actor": "test", "observed_at": at, "discovery_run": run,
        "scope": scope,
        "cis": [
            {"key": "sw", "class": "NetworkDevice", "attributes": base["sw"]},
            {"key": "gi", "class": "Interface", "parent": {"ref": "sw"}, "attributes": base["gi"]},
            {"key": "srv", "class": "Server", "attributes": base["srv"]},
            {"key": "srv2", "class": "Server", "attributes": base["srv2"]},
            {"key": "eth0", "class": "Interface", "parent": {"ref": "srv"},
             "attributes": {"name": "eth0"}},
        ],
        "links": [{"type": "CONNECTED_TO", "source": {"ref": "gi"}, "target": {"ref": "eth0"},
                   "evidence": "lldp"}] if wired else [],
    })  # fmt: skip


def approved(driver: neo4j.Driver, schema: Schema, config: Config, uids: list[str]) -> str:
    """A normal change request for the window naming `uids`, assessed and approved."""
    draft = check_draft("Upgrade", "normal", START, END, uids, requester="alice")
    cr = run_operation(driver, store.create(draft, "alice", T0))
    settings = ImpactSettings(schema, config.impact)
    run_operation(driver, assess(cr, ImpactMode.MAINTENANCE, settings, (), "alice", T0))
    run_operation(driver, store.act(cr, Action.APPROVE, "carol", T0, policy=CabPolicy()))
    return cr


def with_standard(config: Config) -> Config:
    standard = (("Server", ("memory_*",)),)
    return config.with_overrides(audits=AuditsConfig(standard_changes=standard))


def findings(driver: neo4j.Driver) -> list[dict[str, Any]]:
    rows = driver.execute_query(
        "MATCH (f:Finding {rule: $rule})-[:ABOUT]->(c:CI) "
        "RETURN c.name AS ci, f.status AS status, f.evidence AS evidence ORDER BY ci",
        {"rule": RULE.id},
    ).records
    return [{**r.data(), "evidence": json.loads(r["evidence"])} for r in rows]


def observed(driver: neo4j.Driver, cr: str) -> list[tuple[str, str, str]]:
    rows = driver.execute_query(
        "MATCH (:ChangeRequest {id: $id})-[o:OBSERVED]->(c:CI) "
        "RETURN c.name AS ci, o.attribute AS attribute, o.after AS after ORDER BY ci, attribute",
        {"id": cr},
    ).records
    return [(r["ci"], r["attribute"], r["after"]) for r in rows]


def test_a_change_in_the_window_is_linked_and_outside_it_a_finding(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = with_standard(config)
    ing = Ingestor(graph, schema, config)
    uids = ing.ingest(report(T0)).uids
    cr = approved(graph, schema, config, [uids["sw"]])
    # inside the window: the switch upgraded, its port's MTU raised (a part of it)
    ing.ingest(report(INSIDE, sw={"os_version": "17.9.4"}, gi={"mtu": 9000}))
    # after the window: the same kind of change again, and a server's memory (standard)
    ing.ingest(report(OUTSIDE, sw={"os_version": "17.12.1"}, gi={"mtu": 9000},
                      srv={"memory_bytes": 128}))  # fmt: skip
    done = check_changes(graph, schema, config, since=T0 + timedelta(minutes=1), until=LATER,
                         actor="auditor", now=LATER)  # fmt: skip
    assert done.counts["authorized"] == 2 and done.counts["unauthorized"] == 1
    assert observed(graph, cr) == [("Gi1/0/1", "mtu", "9000"), ("sw1", "os_version", '"17.9.4"')]
    [finding] = findings(graph)
    assert finding["ci"] == "sw1" and finding["status"] == "open"
    [change] = finding["evidence"]["changes"]
    assert change == {"kind": "change", "attribute": "os_version", "before": "17.9.4",
                      "after": "17.12.1", "at": OUTSIDE.isoformat(), "source": "ssh"}  # fmt: skip
    assert set(done.changes["attribute"]) == {"os_version", "mtu"}  # no memory, no last_seen
    # checking the period again records nothing twice
    again = check_changes(graph, schema, config, since=T0 + timedelta(minutes=1), until=LATER,
                          actor="auditor", now=LATER)  # fmt: skip
    assert again.counts["opened"] == 0 and again.counts["still_open"] == 1
    assert len(observed(graph, cr)) == 2 and len(findings(graph)) == 1


def test_without_the_configured_standard_change_it_is_a_finding(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(report(T0))
    ing.ingest(report(OUTSIDE, srv={"memory_bytes": 128}))
    check_changes(graph, schema, with_standard(config), since=T0 + timedelta(minutes=1),
                  until=LATER, actor="auditor", now=LATER)  # fmt: skip
    assert findings(graph) == []
    check_changes(graph, schema, config, since=T0 + timedelta(minutes=1), until=LATER,
                  actor="auditor", now=LATER)  # fmt: skip
    assert [(f["ci"], f["evidence"]["changes"][0]["attribute"]) for f in findings(graph)] == [
        ("srv1", "memory_bytes")
    ]
    with pytest.raises(AuditError, match="'Nope' is no class"):
        bad = config.with_overrides(audits=AuditsConfig(standard_changes=(("Nope", ("x",)),)))
        check_changes(graph, schema, bad, since=T0, until=LATER, actor="a", now=LATER)


def test_verification_sorts_planned_from_observed(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uids = ing.ingest(report(T0)).uids
    cr = approved(graph, schema, config, [uids["sw"], uids["srv2"]])
    ing.ingest(report(INSIDE, sw={"os_version": "17.9.4"}, gi={"oper_status": "down"},
                      srv={"os_version": "8.0.2"}))  # fmt: skip
    with pytest.raises(AuditError, match="its window is open"):
        verify(graph, schema, config, cr, INSIDE)
    result = verify(graph, schema, config, cr, LATER)
    assert [(c["uid"], c["attribute"]) for c in result.as_planned] == sorted(
        [(uids["gi"], "oper_status"), (uids["sw"], "os_version")]
    )
    assert [(c["uid"], c["attribute"], c["before"], c["after"]) for c in result.extras] == [
        (uids["srv"], "os_version", "8.0.1", "8.0.2")
    ]
    assert result.not_observed == [uids["srv2"]]
    stored = graph.execute_query("MATCH (c:ChangeRequest {id: $id}) RETURN c.verification AS v",
                                 {"id": cr}).records[0]["v"]  # fmt: skip
    assert json.loads(stored)["not_observed"] == [uids["srv2"]]
    # the request as its review reads it (cmdb change show, the API's verification)
    v = run_plan(graph, store.read_one(cr)).verification
    assert v is not None and (v.verified_at, v.as_planned, v.extras) == (LATER, 2, 1)
    assert v.not_observed == (uids["srv2"],)
    assert v.changes["extras"][0]["after"] == "8.0.2"


def test_the_cli_checks_a_period_and_verifies(
    cli: CliRunner, graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    ing = Ingestor(graph, schema, config)
    uids = ing.ingest(report(T0)).uids
    cr = approved(graph, schema, config, [uids["sw"]])
    ing.ingest(report(INSIDE, sw={"os_version": "17.9.4"}))
    ing.ingest(report(OUTSIDE, sw={"os_version": "17.9.4"}, srv={"os_version": "8.0.2"}))
    since, until = (T0 + timedelta(minutes=1)).isoformat(), LATER.isoformat()
    result = cli.invoke(app, ["audit", "changes", "--since", since, "--until", until])
    assert result.exit_code == 0, result.output
    assert "total" in result.output and f"{cr} (" in result.output  # closed: verified
    # the server's change came after the window: no extra of it, an unauthorized change
    assert "1 as planned, 0 unplanned extras, 0 planned but not observed" in result.output
    assert "findings: 1 opened, 0 reopened, 0 resolved" in result.output, result.output
    # the next check starts where this one ended
    following = cli.invoke(app, ["audit", "changes"])
    assert following.exit_code == 0, following.output
    assert following.output.startswith("changes 2026-06-04 08:00:00Z .. "), following.output
    shown = cli.invoke(app, ["audit", "changes", "--verify", cr])
    assert shown.exit_code == 0 and "as planned" in shown.output, shown.output
    review = cli.invoke(app, ["change", "show", cr])  # what the review step reads
    assert review.exit_code == 0, review.output
    assert "1 as planned, 0 unplanned extras, 0 planned but not observed" in review.output
    bad = cli.invoke(app, ["audit", "changes", "--since", "yesterday"])
    # one line through `cmdb`'s error handler (AuditError is a CMDBError)
    assert bad.exit_code != 0 and "--since 'yesterday' is not a time" in str(bad.exception)


def test_a_link_is_unauthorized_until_a_request_covers_it_after_the_fact(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uids = ing.ingest(report(T0)).uids
    ing.ingest(report(INSIDE, wired=True))  # a cable plugged in, no request
    since = T0 + timedelta(minutes=1)
    check_changes(graph, schema, config, since=since, until=LATER, actor="a", now=LATER)
    [finding] = findings(graph)
    [change] = finding["evidence"]["changes"]
    # a symmetric link is stored one way round: about either end
    assert finding["ci"] in ("Gi1/0/1", "eth0") and finding["status"] == "open"
    assert (change["kind"], change["attribute"], change["before"]) == (
        "link_open",
        "CONNECTED_TO",
        None,
    )
    assert change["after"]["other"] in (uids["eth0"], uids["gi"])
    # an emergency change for the switch (one end's device), started after the change
    draft = check_draft("Patch a server", "emergency", START, END, [uids["sw"]])
    cr = run_operation(graph, store.create(draft, "alice", LATER))
    run_operation(graph, store.act(cr, Action.START, "alice", LATER, policy=CabPolicy()))
    again = check_changes(graph, schema, config, since=since, until=LATER, actor="a", now=LATER)
    assert again.counts["resolved"] == 1 and again.counts["authorized"] == 1
    assert [f["status"] for f in findings(graph)] == ["resolved"]
    [(ci, attribute, after)] = observed(graph, cr)
    assert ci == finding["ci"] and attribute == "CONNECTED_TO"
    assert {json.loads(after)["other"], ci} in ({uids["eth0"], "Gi1/0/1"}, {uids["gi"], "eth0"})


def test_what_discovery_first_reports_is_a_creation_not_a_change(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """A first discovery (a fresh CMDB, a new device) creates CIs with their links in one
    change set: none of it is a change to authorize (a new device is the
    reconciliation's business: unregistered)."""
    ing = Ingestor(graph, schema, config)
    ing.ingest(report(T0, wired=True))
    since = T0 - timedelta(minutes=1)
    first = check_changes(graph, schema, config, since=since, until=INSIDE, actor="a", now=INSIDE)
    assert first.counts["unauthorized"] == 0 and findings(graph) == []
    assert first.changes.empty
    # a change to one of those CIs afterwards is one (a link opened later, the test
    # above)
    ing.ingest(report(OUTSIDE, wired=True, sw={"os_version": "17.12.1"}))
    later = check_changes(graph, schema, config, since=since, until=LATER, actor="a", now=LATER)
    assert list(later.changes["attribute"]) == ["os_version"]
    assert later.counts["unauthorized"] == 1


def test_what_one_discovery_run_fills_in_of_a_new_ci_is_its_arrival(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """SNMP creates a server, SSH fills in its OS in the same discovery run: its arrival.
    The next run's change is one, and a value set for the first time has no before."""
    ing = Ingestor(graph, schema, config)
    first, second = (DiscoveryRun(rid, "job", at, at + timedelta(minutes=5), 4, 4, 0)
                     for rid, at in (("run-1", T0), ("run-2", INSIDE)))  # fmt: skip
    ing.ingest(report(T0 + timedelta(seconds=1), source="snmp", run="run-1", wired=True,
                      scope="snmp:a"))  # fmt: skip
    ing.ingest(report(T0 + timedelta(seconds=2), run="run-1", srv={"os_version": "12"}))
    # the same target reports again without the cable (a duplicate's withdrawal, say)
    ing.ingest(report(T0 + timedelta(seconds=3), source="snmp", run="run-1", scope="snmp:a"))
    record_run(graph, first)
    since = T0 - timedelta(minutes=1)
    closed = graph.execute_query("MATCH ()-[r:CONNECTED_TO]->() RETURN r.until AS until")
    assert [r["until"] is not None for r in closed.records] == [True]  # opened and closed
    done = check_changes(graph, schema, config, since=since, until=INSIDE, actor="a", now=INSIDE)
    assert done.changes.empty and findings(graph) == []
    ing.ingest(report(INSIDE + timedelta(seconds=1), run="run-2", srv={"os_version": "12"},
                      srv2={"memory_bytes": 32}))  # fmt: skip
    record_run(graph, second)
    check_changes(graph, schema, config, since=since, until=LATER, actor="a", now=LATER)
    [finding] = findings(graph)
    [change] = finding["evidence"]["changes"]
    assert (finding["ci"], change["attribute"], change["before"], change["after"]) == (
        "srv2", "memory_bytes", None, 32)  # fmt: skip
