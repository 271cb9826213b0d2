"""Assertions on the graph through small helpers returning sets of tuples (cartography's
`check_nodes`/`check_rels`): a test states the rows it expects, not a count.
`count_nodes`/`count_rels` only where the number is the point: things no property
tells apart (a link created twice alike).

Labels, types and property names are put into the query text (checked to be plain
names); every value is a parameter. Values come back as Python values: times as
`datetime`, lists as tuples (so rows hash).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import neo4j

from cmdb.properties import native

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELD = re.compile(r"(a|r|b)\.([A-Za-z_][A-Za-z0-9_]*)")


def _name(text: str) -> str:
    if not _NAME.fullmatch(text):
        raise ValueError(f"not a plain label or property name: {text!r}")
    return text


def _labels(label: str) -> str:
    """`CI:Server` -> `:CI:Server` (each part checked)."""
    return "".join(f":{_name(part)}" for part in label.split(":"))


def _hashable(value: Any) -> Any:
    value = native(value)
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


def _rows(driver: neo4j.Driver, query: str, params: Mapping[str, Any]) -> set[tuple[Any, ...]]:
    records, _, _ = driver.execute_query(query, dict(params), routing_=neo4j.RoutingControl.READ)
    return {tuple(_hashable(v) for v in record.values()) for record in records}


def _where(var: str, match: Mapping[str, Any] | None, param: str) -> list[str]:
    return [f"{var}.{_name(k)} = ${param}.{k}" for k in (match or {})]


def check_nodes(
    driver: neo4j.Driver,
    label: str,
    fields: Sequence[str],
    match: Mapping[str, Any] | None = None,
) -> set[tuple[Any, ...]]:
    """One tuple of `fields` per node with `label` (`Server`, `CI:Server`) whose
    properties equal `match`."""
    where = _where("n", match, "match")
    query = (
        f"MATCH (n{_labels(label)})"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " RETURN "
        + ", ".join(f"n.{_name(f)} AS f{i}" for i, f in enumerate(fields))
    )
    return _rows(driver, query, {"match": dict(match or {})})


def check_rels(
    driver: neo4j.Driver,
    from_label: str,
    rel_type: str,
    to_label: str,
    fields: Sequence[str],
    open_only: bool = False,
    match_from: Mapping[str, Any] | None = None,
    match_to: Mapping[str, Any] | None = None,
) -> set[tuple[Any, ...]]:
    """One tuple per `(a:from_label)-[r:rel_type]->(b:to_label)`, of `fields` named
    `a.<property>`, `r.<property>` or `b.<property>`. `open_only`: links not closed
    (`r.until IS NULL`); `match_from`/`match_to`: property values the ends must have."""
    returns = []
    for i, spec in enumerate(fields):
        found = _FIELD.fullmatch(spec)
        if found is None:
            raise ValueError(f"a field is a.<name>, r.<name> or b.<name>, not {spec!r}")
        returns.append(f"{spec} AS f{i}")
    where = [*_where("a", match_from, "match_from"), *_where("b", match_to, "match_to")]
    if open_only:
        where.append("r.until IS NULL")
    query = (
        f"MATCH (a{_labels(from_label)})-[r:{_name(rel_type)}]->(b{_labels(to_label)})"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" RETURN {', '.join(returns)}"
    )
    params = {"match_from": dict(match_from or {}), "match_to": dict(match_to or {})}
    return _rows(driver, query, params)


def count_nodes(driver: neo4j.Driver, label: str, match: Mapping[str, Any] | None = None) -> int:
    """How many nodes `check_nodes` would see: only where the number itself is the point
    (nodes that no property tells apart, e.g. a pending link parked twice)."""
    where = _where("n", match, "match")
    query = (
        f"MATCH (n{_labels(label)})"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " RETURN count(n) AS f0"
    )
    [(count,)] = _rows(driver, query, {"match": dict(match or {})})
    return int(count)


def count_rels(
    driver: neo4j.Driver, from_label: str, rel_type: str, to_label: str, open_only: bool = False
) -> int:
    """How many `(a:from_label)-[r:rel_type]->(b:to_label)` there are: only where the number
    is the point (one link, not two alike)."""
    query = (
        f"MATCH (a{_labels(from_label)})-[r:{_name(rel_type)}]->(b{_labels(to_label)})"
        + (" WHERE r.until IS NULL" if open_only else "")
        + " RETURN count(r) AS f0"
    )
    [(count,)] = _rows(driver, query, {})
    return int(count)


def check_keys(driver: neo4j.Driver, label: str, field: str) -> set[tuple[Any, tuple[str, ...]]]:
    """One tuple per distinct (value of `field`, the sorted property keys) among the nodes
    with `label`: what a node holds, where its values differ from node to node."""
    query = f"MATCH (n{_labels(label)}) RETURN n.{_name(field)} AS f0, keys(n) AS f1"
    return {(value, tuple(sorted(keys))) for value, keys in _rows(driver, query, {})}


def check_labels(driver: neo4j.Driver) -> set[tuple[str, ...]]:
    """The label sets the graph's nodes carry, one sorted tuple per distinct set (an
    unlabelled node as `()`): `<= {("SchemaMigration",)}` says the graph holds no data."""
    rows = _rows(driver, "MATCH (n) RETURN DISTINCT labels(n) AS f0", {})
    return {tuple(sorted(labels)) for (labels,) in rows}
