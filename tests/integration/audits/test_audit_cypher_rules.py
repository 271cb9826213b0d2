"""Rule files of one's own (cmdb.yaml audits.rule_dirs): a Cypher rule runs with its
parameters in a read transaction and finds only CIs of its scope; a rule Neo4j refuses is
one error naming its file and rule, and nothing of the run is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import neo4j
import pytest
from audit_estate import AUDITS, NOW, audit_config, build

from audits import review
from audits.errors import AuditError
from audits.rulecheck import load_rules
from audits.run import run_audit
from cmdb.config import Config
from cmdb.queryplan import run_plan
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j

BY_SERIAL = """\
rules:
  - id: watched-serials
    title: Devices on the watch list
    severity: info
    doc: Serial numbers a vendor recalled.
    scope: {classes: [NetworkDevice]}
    parameters: {serials: [N-JUN, S-OK]}
    cypher: |
      MATCH (c:Device)
      WHERE c.serial_number IN $serials AND c.status IN $statuses
      RETURN c.uid AS uid, {serial: c.serial_number, vendor: c.vendor} AS evidence
"""


def test_a_cypher_rule_finds_what_it_returns_within_its_scope(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    (tmp_path / "watch.yaml").write_text(BY_SERIAL)
    config = audit_config(config)
    config = config.with_overrides(audits=replace(AUDITS, rule_dirs=(tmp_path,)))
    build(graph, schema, config)
    rules = [r for r in load_rules(schema, config.audits.rule_dirs) if r.id == "watched-serials"]
    run_audit(graph, schema, config, rules, actor="a", now=NOW)
    found = run_plan(graph, review.page()).items
    # S-OK is a server's serial: outside the rule's scope (NetworkDevice)
    assert [(f.rule, f.ci_name, f.severity, f.evidence) for f in found] == [
        ("watched-serials", "rtr-junos", "info", {"name": "rtr-junos", "serial": "N-JUN",
                                                  "vendor": "Juniper"})]  # fmt: skip


def test_a_rule_neo4j_refuses_is_one_error_and_the_run_writes_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    bad = BY_SERIAL.replace("IN $statuses", "IN $statuses AND c.uid =~ $serials")
    (tmp_path / "watch.yaml").write_text(bad)
    config = audit_config(config)
    build(graph, schema, config)
    rules = load_rules(schema, (tmp_path,))  # the built-ins first: their findings not written
    with pytest.raises(AuditError) as caught:
        run_audit(graph, schema, config, rules, actor="a", now=NOW)
    assert str(caught.value).startswith(f"{tmp_path / 'watch.yaml'}: rule watched-serials: ")
    written, _, _ = graph.execute_query(
        "MATCH (n) WHERE n:Finding OR n:AuditRun RETURN count(n) AS n"
    )
    assert written[0]["n"] == 0


GRACE = """\
rules:
  - id: stale-unmodelled
    title: Servers without a model, last seen long ago
    severity: minor
    doc: A declarative rule of two conditions, in force from April.
    scope: {classes: [Server]}
    effective_from: 2026-04-01
    filter:
      - missing: model
      - older_than_days: {attribute: last_seen, days: 40}
  - id: juniper
    title: Juniper switches
    severity: info
    doc: An attribute's value, within the scope's attribute values.
    scope: {classes: [NetworkDevice], where: {device_kind: switch}}
    filter:
      - equals: {attribute: vendor, value: Juniper}
  - id: juniper-routers
    title: Juniper routers
    severity: info
    doc: The same, of routers (the estate has none).
    scope: {classes: [NetworkDevice], where: {device_kind: router}}
    filter:
      - equals: {attribute: vendor, value: Juniper}
"""


def test_declarative_conditions_and_a_grace_period(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    (tmp_path / "grace.yaml").write_text(GRACE)
    config = audit_config(config)
    build(graph, schema, config)
    mine = ("stale-unmodelled", "juniper", "juniper-routers")
    rules = [r for r in load_rules(schema, (tmp_path,)) if r.id in mine]
    early = run_audit(graph, schema, config, rules, actor="a", now=NOW)
    assert [(r.rule.id, r.skipped) for r in early.results] == [
        ("stale-unmodelled", "effective from 2026-04-01"), ("juniper", None),
        ("juniper-routers", None)]  # fmt: skip
    found = [(f.rule, f.ci_name) for f in run_plan(graph, review.page()).items]
    assert found == [("juniper", "rtr-junos")]  # a switch of the estate's (audit_estate.py)
    later = NOW + timedelta(days=13)  # April 2nd: in force; srv-stale last seen 77 days ago
    run_audit(graph, schema, config, rules, actor="a", now=later)
    found = [(f.rule, f.ci_name) for f in run_plan(graph, review.page()).items]
    assert found == [("juniper", "rtr-junos"), ("stale-unmodelled", "srv-stale")]
