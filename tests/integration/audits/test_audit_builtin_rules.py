"""The built-in rules on an estate with one planted violation each (audit_estate.py):
each finds exactly its planted CI and nothing else; findings are graph objects about
CIs, never CIs themselves; a run is one AuditRun with its counts."""

from __future__ import annotations

from collections import defaultdict

import neo4j
import pytest
from audit_estate import NOW, PLANTED, audit_config, build

from audits import review
from audits.findings import Status
from audits.rulecheck import load_rules
from audits.run import run_audit, select
from cmdb import history
from cmdb.config import Config
from cmdb.queryplan import run_plan
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
EVERY = tuple(Status)


def found_by_rule(
    driver: neo4j.Driver, statuses: tuple[Status, ...] = EVERY
) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for f in run_plan(driver, review.page(statuses=statuses, first=1000)).items:
        found[f.rule].add(f.ci_name or f.ci_uid)
    return dict(found)


def test_each_builtin_rule_finds_exactly_its_planted_violations(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    build(graph, schema, config)
    rules = load_rules(schema)
    assert {r.id for r in rules} == set(PLANTED)
    run = run_audit(graph, schema, config, rules, actor="auditor", now=NOW)
    assert found_by_rule(graph) == PLANTED
    assert run.total("opened") == sum(len(v) for v in PLANTED.values())
    stored, _, _ = graph.execute_query("MATCH (r:AuditRun) RETURN properties(r) AS p")
    assert [(r["p"]["id"], r["p"]["opened"], r["p"]["actor"], sorted(r["p"]["rules"]))
            for r in stored] == [(run.id, len(PLANTED), "auditor", sorted(PLANTED))]  # fmt: skip
    # the evidence says why: the version and its baseline, the contract's end date
    f = {x.rule: x for x in run_plan(graph, review.page(first=100)).items}
    assert f["software-minimum-version"].evidence["version"] == "3.0.9"
    assert f["software-minimum-version"].evidence["baseline"] == "3.0.10"
    assert f["support-contract-expiring"].evidence["end_dates"] == ["2026-03-30"]
    assert f["support-contract"].evidence["end_dates"] == ["2026-02-01"]
    assert f["switch-port-known"].evidence == {
        "device": "sw-ok",
        "port": "Gi1/0/2",
        "name": "Gi1/0/2",
    }


def test_a_second_run_changes_nothing_but_the_detection(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    build(graph, schema, config)
    rules = load_rules(schema)
    run_audit(graph, schema, config, rules, actor="auditor", now=NOW)
    again = run_audit(graph, schema, config, rules, actor="auditor", now=NOW)
    planted = sum(len(v) for v in PLANTED.values())
    assert (again.total("opened"), again.total("resolved"), again.total("still_open")) == (
        0, 0, planted)  # fmt: skip
    events, _, _ = graph.execute_query("MATCH (e:FindingEvent) RETURN e.action AS a")
    assert sorted(r["a"] for r in events) == ["open"] * planted
    last, _, _ = graph.execute_query("MATCH (f:Finding) RETURN DISTINCT f.last_run AS run")
    assert [r["run"] for r in last] == [again.id]


def test_findings_are_not_cis_and_stay_out_of_a_cis_links(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    count = "MATCH (c:CI) RETURN count(c) AS n"
    before = graph.execute_query(count).records[0]["n"]
    snap = history.snapshot(graph, uids["srv-noowner"], None)
    run_audit(graph, schema, config, load_rules(schema), actor="auditor", now=NOW)
    assert graph.execute_query(count).records[0]["n"] == before
    assert history.snapshot(graph, uids["srv-noowner"], None) == snap
    about, _, _ = graph.execute_query(
        "MATCH (f:Finding)-[:ABOUT]->(c:CI) RETURN f:CI AS ci, count(*) AS n"
    )
    assert [(r["ci"], r["n"]) for r in about] == [(False, sum(len(v) for v in PLANTED.values()))]


def test_scope_and_rules_narrow_a_run_and_leave_the_rest_alone(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    build(graph, schema, config)
    rules = load_rules(schema)
    run = run_audit(graph, schema, config, rules, actor="a", now=NOW, scope="NetworkDevice")
    assert found_by_rule(graph) == {"os-baseline": {"sw-old-os"}}
    skipped = {r.rule.id for r in run.results if r.skipped}
    # no NetworkDevice in their scopes (software, interfaces)
    assert skipped == {"software-minimum-version", "switch-port-known"}
    # a run of one rule over servers does not resolve the switches' finding
    run_audit(graph, schema, config, select(rules, ["owner"]), actor="a", now=NOW, scope="Server")
    assert found_by_rule(graph) == {"os-baseline": {"sw-old-os"}, "owner": {"srv-noowner"}}
