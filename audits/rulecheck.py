"""Rules checked against the model before anything runs: classes, attributes and
relationship types from schema/, unique ids, and a Cypher rule that only reads (no write
clause, no procedure, no literal string: values are parameters) and returns `uid` and
`evidence`. `load_rules` reads and checks every rule file at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from audits.errors import RuleFileError
from audits.rulefile import Link, Rule, read_rule_file, rule_files
from cmdb.schema import Schema
from cmdb.yamlfile import line_of

# managed fields every CI has besides its class's attributes
MANAGED = frozenset({"uid", "name", "status", "first_seen", "last_seen"})
# what a Cypher rule is given without declaring it
GIVEN = frozenset({"now", "today", "classes", "statuses"})
WRITES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|FOREACH|LOAD\s+CSV|DROP|ALTER|GRANT|DENY|"
    r"REVOKE|TERMINATE|START|STOP|ENABLE|RENAME|USE|IN\s+TRANSACTIONS)\b|"
    r"\bCALL\s+[A-Za-z_`]",  # a procedure (a subquery CALL { } or CALL (x) { } reads)
    re.IGNORECASE,
)
STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
COMMENT = re.compile(r"//[^\n]*")
PARAM = re.compile(r"\$`?([A-Za-z_][A-Za-z0-9_]*)")
LABEL = re.compile(r"[(\[|]\s*`?[A-Za-z_0-9]*`?\s*:\s*`?([A-Za-z_][A-Za-z0-9_]*)")


def load_rules(schema: Schema, dirs: tuple[Path, ...] = ()) -> list[Rule]:
    """Every rule of the built-in and configured folders, checked; RuleFileError at the
    first problem (so a bad rule file never runs, nor do the good ones beside it)."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in rule_files(dirs):
        found, doc = read_rule_file(path)
        for index, rule in enumerate(found):
            at = ["rules", index]
            if rule.id in seen:
                raise _fail(rule, doc, [*at, "id"], f"rule id {rule.id!r} also in {seen[rule.id]}")
            seen[rule.id] = str(path)
            check_rule(rule, doc, at, schema)
            rules.append(rule)
    return rules


def check_rule(rule: Rule, doc: Any, at: list[Any], schema: Schema) -> None:
    for i, name in enumerate(rule.scope.classes):
        if name not in schema.classes:
            raise _fail(rule, doc, [*at, "scope", "classes", i], f"unknown class {name!r}")
    attributes = MANAGED | {
        a for c in schema.classes.values() if _in_scope(schema, rule, c.name) for a in c.attributes
    }
    for name in rule.scope.where:
        _attribute(rule, doc, [*at, "scope", "where", name], name, attributes)
    for i, cond in enumerate(rule.filter or ()):
        loc = [*at, "filter", i]
        for key, value in cond.__dict__.items():
            if value is None:
                continue
            for attr in _attributes_of(key, value):
                _attribute(rule, doc, [*loc, key], attr, attributes)
            if isinstance(value, Link):
                _link(rule, doc, [*loc, key], value, schema)
    if rule.cypher is not None:
        check_cypher(rule, doc, at, schema)


def _attributes_of(kind: str, value: Any) -> list[str]:
    if kind == "missing":
        return [value]
    if kind in ("equals", "older_than_days"):
        return [value.attribute]
    if kind == "older_than_version":
        return [value.attribute, *value.key]
    return []


def _in_scope(schema: Schema, rule: Rule, class_name: str) -> bool:
    """A class whose CIs the rule reads: one of its scope's, or a subclass."""
    return any(schema.is_a(class_name, c) for c in rule.scope.classes if c in schema.classes)


def _attribute(rule: Rule, doc: Any, loc: list[Any], name: str, known: frozenset[str]) -> None:
    if name not in known:
        classes = ", ".join(rule.scope.classes)
        raise _fail(rule, doc, loc, f"no attribute {name!r} in {classes}")


def _link(rule: Rule, doc: Any, loc: list[Any], link: Link, schema: Schema) -> None:
    rel = schema.relationships.get(link.type)
    if rel is None:
        raise _fail(rule, doc, [*loc, "type"], f"unknown relationship type {link.type!r}")
    for i, name in enumerate(link.to):
        if name not in schema.classes:
            raise _fail(rule, doc, [*loc, "to", i], f"unknown class {name!r}")
    if link.end_attribute is not None:
        ends = {a for name in link.to for a in schema.classes[name].attributes}
        if link.end_attribute not in ends:
            reason = f"no attribute {link.end_attribute!r} in {', '.join(link.to)}"
            raise _fail(rule, doc, [*loc, "end_attribute"], reason)


def check_cypher(rule: Rule, doc: Any, at: list[Any], schema: Schema) -> None:
    """Read-only, parameterised, schema/'s labels and types only, `uid` and `evidence`
    returned; the error names the line in the file of what is refused."""
    text = rule.cypher or ""
    bare = COMMENT.sub(lambda m: " " * len(m.group(0)), text)  # positions kept
    base = line_of(doc, [*at, "cypher"]) or 1
    first = base + (1 if "\n" in text else 0)  # a block scalar starts below its key

    def fail(pos: int, reason: str) -> RuleFileError:
        return RuleFileError(rule.path, first + text[:pos].count("\n"), f"cypher: {reason}")

    literal = STRING.search(bare)
    if literal:
        raise fail(literal.start(), "a literal string: pass values as parameters")
    write = WRITES.search(bare)
    if write:
        word = write.group(0).split()[0].upper()
        what = "a procedure call" if word == "CALL" else repr(word)
        raise fail(write.start(), f"{what}: a rule only reads")
    known = set(schema.classes) | set(schema.relationships)
    for label in LABEL.finditer(bare):
        if label.group(1) not in known:
            raise fail(label.start(1), f"{label.group(1)!r} is no class or relationship type")
    for param in PARAM.finditer(bare):
        name = param.group(1)
        if name not in GIVEN and name not in rule.parameters:
            raise fail(param.start(), f"${name} is not declared in parameters")
    for column in ("uid", "evidence"):
        if not re.search(rf"\bAS\s+{column}\b", bare, re.IGNORECASE):
            raise fail(len(text.rstrip()), f"must return `... AS {column}`")


def _fail(rule: Rule, doc: Any, loc: list[Any], reason: str) -> RuleFileError:
    where = ".".join(str(p) for p in loc[2:])
    return RuleFileError(rule.path, line_of(doc, loc), f"rule {rule.id}: {where}: {reason}")
