"""A finding's life over audit runs at explicit times: resolved by the run that finds
the condition cleared, reopened when it comes back; acknowledged; waived until a time,
then reopened by the first run after it lapses; every step recorded. A run whose
findings changed under it writes nothing."""

from __future__ import annotations

from datetime import timedelta

import neo4j
import pytest
from audit_estate import NOW, T0, audit_config, build, observe, switch

from audits import review
from audits.errors import AuditError
from audits.findings import Finding, Status
from audits.rulecheck import load_rules
from audits.rulefile import Rule
from audits.run import run_audit, select
from cmdb.changes.steps import run_operation
from cmdb.config import Config
from cmdb.queryplan import run_plan
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
HOUR = timedelta(hours=1)


def finding(driver: neo4j.Driver, key: str) -> Finding:
    return run_plan(driver, review.read_one(key))


def steps(f: Finding) -> list[tuple[str, str, str | None]]:
    return [(e.action, e.to_status, e.run) for e in f.events]


def test_a_finding_resolves_when_fixed_and_reopens_when_broken_again(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    rules = select(load_rules(schema), ["os-baseline"])
    key = f"os-baseline|{uids['sw-old-os']}"
    first = run_audit(graph, schema, config, rules, actor="a", now=NOW)
    observe(graph, schema, config, T0 + 4 * HOUR,
            switch("sw-old-os", "N-OLD", "Cisco", "IOS-XE", "17.9.4"))  # fmt: skip
    fixed = run_audit(graph, schema, config, rules, actor="a", now=NOW + HOUR)
    f = finding(graph, key)
    assert (f.status, f.resolved_by_run, f.resolved_at) == (Status.RESOLVED, fixed.id, NOW + HOUR)
    assert fixed.total("resolved") == 1
    observe(graph, schema, config, T0 + 8 * HOUR,
            switch("sw-old-os", "N-OLD", "Cisco", "IOS-XE", "17.6.5"))  # fmt: skip
    broken = run_audit(graph, schema, config, rules, actor="a", now=NOW + 2 * HOUR)
    f = finding(graph, key)
    assert (f.status, f.resolved_by_run, broken.total("reopened")) == (Status.OPEN, None, 1)
    assert steps(f) == [("open", "open", first.id), ("resolve", "resolved", fixed.id),
                        ("reopen", "open", broken.id)]  # fmt: skip
    assert f.id == run_plan(graph, review.read_one(f.id)).id  # one finding all along


def test_a_waiver_hides_a_finding_until_it_lapses_then_the_next_run_reopens_it(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    rules = select(load_rules(schema), ["owner"])
    key = f"owner|{uids['srv-noowner']}"
    run_audit(graph, schema, config, rules, actor="a", now=NOW)
    until = NOW + timedelta(days=10)
    waive = review.waive(key, "owner named at the next review", until, "carol", "dave", NOW)
    f = run_operation(graph, waive)
    assert (f.status, f.waiver_by, f.waiver_until) == (Status.WAIVED, "carol", until)
    assert run_plan(graph, review.page()).items == ()  # open and acknowledged: hidden
    during = run_audit(graph, schema, config, rules, actor="a", now=until - HOUR)
    assert (finding(graph, key).status, during.total("waived")) == (Status.WAIVED, 1)
    after = run_audit(graph, schema, config, rules, actor="a", now=until + HOUR)
    f = finding(graph, key)
    assert (f.status, f.waiver_until, after.total("lapsed")) == (Status.OPEN, None, 1)
    assert [(e.action, e.actor) for e in f.events] == [("open", "a"), ("waive", "dave"),
                                                       ("lapse", "a")]  # fmt: skip
    assert "carol" in (f.events[1].comment or "") and "lapsed" in (f.events[2].comment or "")
    assert [x.id for x in run_plan(graph, review.page()).items] == [f.id]
    # the waiver is kept, a (:Waiver) that WAIVES the finding, ended by the lapse
    [w] = f.waivers
    assert (w.reason, w.approver, w.until, w.granted_by, w.granted_at) == (
        "owner named at the next review", "carol", until, "dave", NOW)  # fmt: skip
    assert (w.ended_at, w.ended_by) == (until + HOUR, "lapse")


def test_a_new_waiver_ends_the_one_in_force_and_a_fix_ends_the_last(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    rules = select(load_rules(schema), ["os-baseline"])
    key = f"os-baseline|{uids['sw-old-os']}"
    run_audit(graph, schema, config, rules, actor="a", now=NOW)
    run_operation(graph, review.waive(key, "first", NOW + 2 * HOUR, "carol", "dave", NOW))
    later = NOW + HOUR
    run_operation(graph, review.waive(key, "extended", NOW + 9 * HOUR, "erin", "dave", later))
    f = finding(graph, key)
    assert [(w.reason, w.ended_at, w.ended_by) for w in f.waivers] == [
        ("first", later, "waive"), ("extended", None, None)]  # fmt: skip
    observe(graph, schema, config, T0 + 4 * HOUR,
            switch("sw-old-os", "N-OLD", "Cisco", "IOS-XE", "17.9.4"))  # fmt: skip
    run_audit(graph, schema, config, rules, actor="a", now=NOW + 3 * HOUR)
    f = finding(graph, key)
    assert f.status is Status.RESOLVED
    assert (f.waivers[-1].ended_at, f.waivers[-1].ended_by) == (NOW + 3 * HOUR, "resolve")
    stored = graph.execute_query("MATCH (w:Waiver)-[:WAIVES]->(:Finding {key: $k}) "
                                 "RETURN count(w) AS n", {"k": key}).records  # fmt: skip
    assert stored[0]["n"] == 2


def test_acknowledge_and_waive_are_refused_with_one_clear_reason(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    run_audit(graph, schema, config, select(load_rules(schema), ["owner"]), actor="a", now=NOW)
    key = f"owner|{uids['srv-noowner']}"
    f = run_operation(graph, review.acknowledge(key, "erin", NOW, "seen, on it"))
    assert (f.status, f.events[-1].actor, f.events[-1].comment) == (
        Status.ACKNOWLEDGED, "erin", "seen, on it")  # fmt: skip
    refusals = [
        (review.acknowledge(key, "erin", NOW), f"finding {f.id} is acknowledged: only an open"),
        (review.waive(key, "r", NOW - HOUR, "x", "x", NOW), "must be a time ahead of now"),
        (review.waive(key, " ", NOW + HOUR, "x", "x", NOW), "needs a reason and an approver"),
        (review.acknowledge("FND9999999", "erin", NOW), "no finding 'FND9999999'"),
    ]
    for operation, message in refusals:
        with pytest.raises(AuditError, match=message):
            run_operation(graph, operation)
    assert finding(graph, key).revision == f.revision  # nothing written


def test_a_run_whose_findings_change_under_it_writes_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    config = audit_config(config)
    uids = build(graph, schema, config)
    rules = load_rules(schema)
    run_audit(graph, schema, config, select(rules, ["os-baseline"]), actor="a", now=NOW)
    observe(graph, schema, config, T0 + 4 * HOUR,
            switch("sw-old-os", "N-OLD", "Cisco", "IOS-XE", "17.9.4"))  # fmt: skip
    key = f"os-baseline|{uids['sw-old-os']}"

    def auditor_meanwhile(rule: Rule) -> None:
        if rule.id == "os-baseline":  # after the run read it, before it writes
            run_operation(graph, review.acknowledge(key, "erin", NOW))

    with pytest.raises(AuditError, match="findings changed while the audit ran"):
        run_audit(graph, schema, config, select(rules, ["owner", "os-baseline"]), actor="a",
                  now=NOW + HOUR, progress=auditor_meanwhile)  # fmt: skip
    runs, _, _ = graph.execute_query("MATCH (r:AuditRun) RETURN count(r) AS n")
    owner, _, _ = graph.execute_query("MATCH (f:Finding {rule: 'owner'}) RETURN count(f) AS n")
    assert (runs[0]["n"], owner[0]["n"]) == (1, 0)  # the owner finding it opened: not stored
    assert finding(graph, key).status is Status.ACKNOWLEDGED
