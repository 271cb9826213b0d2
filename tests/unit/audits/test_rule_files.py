"""Rule files checked on load: a bad one is ONE error naming the file, the line and the
reason, and no rule of it (nor of any other file) runs; a Cypher rule that would write,
call a procedure, hold a literal or use an undeclared parameter is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from audits.errors import RuleFileError
from audits.rulecheck import load_rules
from cmdb.schema import Schema, load_schema

GOOD = """\
rules:
  - id: no-serial
    title: Servers without a serial number
    severity: minor
    doc: A server identified otherwise cannot be matched to the register.
    scope: {classes: [Server], where: {environment: production}}
    effective_from: 2026-01-01
    filter:
      - missing: serial_number
"""

CYPHER = """\
rules:
  - id: by-vendor
    title: Devices of a vendor
    severity: info
    doc: A Cypher rule.
    scope: {classes: [NetworkDevice]}
    parameters: {vendor: Cisco}
    cypher: |
      MATCH (c:NetworkDevice)
      WHERE c.vendor = $vendor
      RETURN c.uid AS uid, {vendor: c.vendor} AS evidence
"""


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def refused(schema: Schema, folder: Path, text: str) -> str:
    path = folder / "mine.yaml"
    path.write_text(text)
    with pytest.raises(RuleFileError) as caught:
        load_rules(schema, (folder,))
    return str(caught.value).removeprefix(f"{path}:")


def test_a_good_file_loads_beside_the_builtins(schema: Schema, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(GOOD)
    (tmp_path / "cypher.yml").write_text(CYPHER)
    rules = {r.id: r for r in load_rules(schema, (tmp_path,))}
    assert {"owner", "no-serial", "by-vendor"} <= set(rules)
    assert rules["no-serial"].path == str(tmp_path / "mine.yaml")
    assert rules["by-vendor"].parameters == {"vendor": "Cisco"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("severity: minor", "severity: high",
         "4: rules.0.severity: Input should be 'critical', 'major', 'minor', 'warning' or 'info'"),
        ("classes: [Server]", "classes: [Sever]", "6: rule no-serial: scope.classes.0: unknown class 'Sever'"),
        ("missing: serial_number", "missing: serial",
         "9: rule no-serial: filter.0.missing: no attribute 'serial' in Server"),
        ("where: {environment: production}", "where: {colour: red}",
         "6: rule no-serial: scope.where.colour: no attribute 'colour' in Server"),
        ("      - missing: serial_number", "      - {missing: serial_number, equals: {attribute: name, value: x}}",
         "9: rules.0.filter.0: exactly one condition per item, got ['missing', 'equals']"),
        ("    filter:\n      - missing: serial_number\n", "",
         "2: rules.0: give either filter or cypher"),
        ("id: no-serial", "id: No Serial", "2: rules.0.id: String should match pattern"),
        ("    effective_from: 2026-01-01\n", "    effective_from: soon\n",
         "7: rules.0.effective_from: Input should be a valid date"),
        ("title: Servers", "title: [Servers", "4: did not find expected ',' or ']'"),  # not YAML
    ],
)  # fmt: skip
def test_a_bad_rule_is_one_error_naming_file_and_line(
    schema: Schema, tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    assert refused(schema, tmp_path, GOOD.replace(old, new)).startswith(message)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("WHERE c.vendor = $vendor", "SET c.vendor = $vendor",
         "10: cypher: 'SET': a rule only reads"),
        ("      MATCH (c:NetworkDevice)", "      MATCH (c:NetworkDevice)\n      DETACH DELETE c",
         "10: cypher: 'DETACH': a rule only reads"),
        ("WHERE c.vendor = $vendor", "WHERE c.vendor = $vendor CALL db.clearQueryCaches()",
         "10: cypher: a procedure call: a rule only reads"),
        ("$vendor\n", "'Cisco'\n", "10: cypher: a literal string: pass values as parameters"),
        ("$vendor\n", "$brand\n", "10: cypher: $brand is not declared in parameters"),
        ("(c:NetworkDevice)", "(c:Switch)", "9: cypher: 'Switch' is no class or relationship type"),
        ("AS uid,", "AS id,", "11: cypher: must return `... AS uid`"),
        ("scope: {classes: [NetworkDevice]}", "scope: {classes: [NetworkDevice], where: {vendor: x}}",
         "2: rules.0: scope.where is for a filter rule"),
    ],
)  # fmt: skip
def test_a_cypher_rule_that_would_write_or_hold_values_is_refused(
    schema: Schema, tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CYPHER
    assert refused(schema, tmp_path, CYPHER.replace(old, new)).startswith(message)


def test_a_reading_subquery_and_comments_are_not_writes(schema: Schema, tmp_path: Path) -> None:
    text = CYPHER.replace(
        "      WHERE c.vendor = $vendor\n",
        "      // SET nothing here: 'a comment'\n      CALL (c) { MATCH (c)-[:LOCATED_IN]->(l)"
        " RETURN count(l) AS n }\n      WHERE c.vendor = $vendor AND n = 0\n",
    )
    (tmp_path / "cypher.yaml").write_text(text)
    assert "by-vendor" in {r.id for r in load_rules(schema, (tmp_path,))}


def test_a_rule_id_twice_names_both_files(schema: Schema, tmp_path: Path) -> None:
    message = refused(schema, tmp_path, GOOD.replace("id: no-serial", "id: owner"))
    assert message.startswith("2: rule owner: id: rule id 'owner' also in ")
    assert message.endswith("audits/rules/builtin.yaml")


def test_a_missing_rule_folder_is_named(schema: Schema, tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match=f"^{tmp_path / 'nope'}: rule folder not found"):
        load_rules(schema, (tmp_path / "nope",))
