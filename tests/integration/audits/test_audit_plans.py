"""The plans of the audit queries (cmdb/queries/audits.py) on the audit estate with its
findings written: every finding and run read or write seeks its index; a rule's read
scans only the labels of its scope (tests/integration/cmdb/test_query_plans.py also
checks that no query of the layer scans the whole graph)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from audit_estate import NOW, audit_config, build

from audits.evaluate import scope_labels, violations
from audits.rulecheck import load_rules
from audits.run import run_audit
from cmdb.config import Config
from cmdb.queries import audits
from cmdb.schema import Schema
from tests.conftest import WIPE
from tests.integration.cmdb.test_query_plans import indexes_read, operators, scans

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def estate(driver: neo4j.Driver, schema: Schema, dbms_config: Config) -> Iterator[neo4j.Driver]:
    with driver.session() as session:
        session.run(WIPE).consume()
    config = audit_config(dbms_config)
    build(driver, schema, config)
    run_audit(driver, schema, config, load_rules(schema), actor="t", now=NOW)
    with driver.session() as session:
        session.run("CALL db.prepareForReplanning(120)").consume()
    yield driver


ROW = {"key": "k", "uid": "u", "revision": 1, "props": {}, "comment": None, "action": "resolve",
       "from_status": "open", "to_status": "resolved"}  # fmt: skip
PARAMS: dict[str, Any] = {
    "ids": ["FND0000001"], "uids": ["u1"], "key": "owner|u1", "rule": "owner", "labels": ["Server"],
    "rows": [ROW], "at": NOW, "run": "r", "actor": "t", "statuses": ["open"],
    "severities": ["major"], "after": "", "limit": 21, "id": "AUD-1", "props": {},
}  # fmt: skip
SEEKS = {
    "CIs a Cypher rule named": (audits.CI_SCOPE, {"CI(uid)"}),
    "a rule's findings": (audits.FINDINGS_OF_RULE, {"Finding(rule)"}),
    "findings opened": (audits.OPEN_FINDINGS, {"FindingSequence(name)", "CI(uid)"}),
    "findings detected": (audits.DETECTED, {"Finding(key)"}),
    "findings stepped": (audits.STEP_FINDINGS, {"Finding(key)"}),
    "findings by id": (audits.READ_FINDINGS, {"Finding(id)"}),
    "a finding by key": (audits.FINDING_BY_KEY, {"Finding(key)"}),
    "a rule's page": (audits.FINDING_IDS_OF_RULE, {"Finding(rule)"}),
    "a page by status": (audits.FINDING_IDS_BY_STATUS, {"Finding(id)"}),  # in id order
    "a run": (audits.READ_RUN, {"AuditRun(id)"}),
}


def explain(driver: neo4j.Driver, query: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    with driver.session() as session:
        return operators(session.run("EXPLAIN " + query, params).consume().plan)


@pytest.mark.parametrize("read", list(SEEKS))
def test_the_finding_and_run_queries_seek_their_index(estate: neo4j.Driver, read: str) -> None:
    query, indexes = SEEKS[read]
    ops = explain(estate, query, PARAMS)
    assert indexes <= set(indexes_read(ops)), ops
    assert scans(ops) == [], ops


def test_a_rule_reads_the_labels_of_its_scope_and_no_more(
    estate: neo4j.Driver, schema: Schema, dbms_config: Config
) -> None:
    rule = {r.id: r for r in load_rules(schema)}["support-contract-expiring"]
    plan = violations(
        rule, scope_labels(rule, schema, None), schema, audit_config(dbms_config).audits, NOW
    )
    query = next(plan)
    ops = explain(estate, query.text, query.params)
    scanned = [details for kind, details in ops if "LabelScan" in kind or "LabelsScan" in kind]
    assert scanned and all("Server" in d and "NetworkDevice" in d for d in scanned), ops
    assert not any(kind.startswith(("AllNodesScan", "NodeIndexScan")) for kind, _ in ops), ops
