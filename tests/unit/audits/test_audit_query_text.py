"""The read a declarative rule becomes (cmdb/queries/audits.py rule_candidates): labels and
types from schema/ only, every value a parameter (no literal in the text), the rule's
conditions as parameters of its own."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from audits.evaluate import scope_labels, violations
from audits.rulecheck import load_rules
from cmdb.config import AuditsConfig
from cmdb.schema import Schema, load_schema

NOW = datetime(2026, 5, 1, tzinfo=UTC)
NAMES = re.compile(r"[(\[|:]\s*(?:\w+\s*)?:\s*(\w+)")


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


@pytest.mark.parametrize("rule_id", ["owner", "support-contract-expiring", "location",
                                     "software-minimum-version", "os-baseline", "not-seen"])  # fmt: skip
def test_a_builtin_rule_reads_with_values_as_parameters(schema: Schema, rule_id: str) -> None:
    rule = {r.id: r for r in load_rules(schema)}[rule_id]
    query = next(violations(rule, scope_labels(rule, schema, None), schema, AuditsConfig(), NOW))
    assert "'" not in query.text and '"' not in query.text
    known = set(schema.classes) | set(schema.relationships)
    assert set(NAMES.findall(query.text)) <= known, query.text
    assert query.params["statuses"] == ["active"] and query.params["live"] == ["planned", "active"]


def test_a_contract_window_is_a_date_parameter(schema: Schema) -> None:
    rule = {r.id: r for r in load_rules(schema)}["support-contract-expiring"]
    query = next(violations(rule, list(rule.scope.classes), schema, AuditsConfig(), NOW))
    assert "MATCH (c:Server|NetworkDevice)" in query.text
    assert (query.params["e0"], query.params["d0"]) == ("end_date", date(2026, 5, 1))
    assert (query.params["e1"], query.params["d1"]) == ("end_date", date(2026, 5, 31))
    assert "NOT EXISTS { MATCH (c)-[r1:COVERED_BY]->(t1:Contract)" in query.text
    assert "AS ends0" in query.text and "AS ends1" in query.text  # the end dates, as evidence
    owner = {r.id: r for r in load_rules(schema)}["owner"]
    plain = next(violations(owner, list(owner.scope.classes), schema, AuditsConfig(), NOW))
    assert "AS ends0" not in plain.text  # no end attribute: nothing read beside the test


def test_scope_narrowed_to_a_class(schema: Schema) -> None:
    rule = {r.id: r for r in load_rules(schema)}["location"]
    assert scope_labels(rule, schema, "NetworkDevice") == ["NetworkDevice"]
    assert scope_labels(rule, schema, "Device") == ["Server", "NetworkDevice", "Peripheral"]
    assert scope_labels(rule, schema, "Software") == []
