"""A rule's violations now: a query plan (cmdb.queryplan) that the CLI and the API run
alike. A declarative filter is one read over the scope's labels (cmdb/queries/audits.py
builds it from fixed fragments); version and sighting conditions are judged here on the
values it returns. A Cypher rule runs as written, in a read transaction, and the CIs it
names are kept to its scope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from audits.rulefile import Condition, Link, NotSeen, OlderThanVersion, Rule
from audits.versions import is_older
from cmdb.config import AuditsConfig
from cmdb.properties import native
from cmdb.queries import audits as q
from cmdb.queryplan import Plan, Query
from cmdb.schema import Schema

LIVE = ["planned", "active"]  # a link's far end that counts (not absent, not retired)


@dataclass(frozen=True)
class Violation:
    uid: str
    evidence: dict[str, Any]


def scope_labels(rule: Rule, schema: Schema, only: str | None) -> list[str]:
    """The labels a run reads for `rule`: its scope, narrowed to the class `only`."""
    if only is None:
        return list(rule.scope.classes)
    labels = []
    for name in rule.scope.classes:
        if schema.is_a(only, name):
            labels.append(only)
        elif schema.is_a(name, only):
            labels.append(name)
    return list(dict.fromkeys(labels))


def violations(
    rule: Rule, labels: Sequence[str], schema: Schema, config: AuditsConfig, now: datetime
) -> Plan[list[Violation]]:
    if rule.cypher is not None:
        return (yield from _cypher_violations(rule, labels, now))
    conditions = rule.filter or []
    fragments, params = _compile(conditions, schema, now)
    returned = sorted({a for c in conditions for a in _returned(c)})
    params |= {"statuses": list(rule.scope.statuses), "where": dict(rule.scope.where),
               "returned": returned, "live": LIVE}  # fmt: skip
    rows = yield Query(q.rule_candidates(labels, fragments), params)
    found = []
    for row in rows:
        evidence = _judge(conditions, row, dict(zip(returned, row["values"], strict=True)),
                          config, now)  # fmt: skip
        if evidence is not None:
            found.append(Violation(row["uid"], {"name": row["name"], "class": row["class"],
                                                **evidence}))  # fmt: skip
    return found


def _returned(cond: Condition) -> list[str]:
    """The attributes a condition judged here needs (`_seen`: when each source reported)."""
    v = cond.older_than_version
    if v is not None:
        return [v.attribute, *v.key]
    return ["_seen"] if cond.not_seen is not None else []


def _compile(
    conditions: Sequence[Condition], schema: Schema, now: datetime
) -> tuple[list[q.Fragment], dict[str, Any]]:
    """The conditions the read tests, with their parameters (the others: `_judge`)."""
    fragments: list[q.Fragment] = []
    params: dict[str, Any] = {}
    for i, c in enumerate(conditions):
        if c.missing is not None:
            fragments.append(q.attribute_missing(i))
            params[f"a{i}"] = c.missing
        elif c.equals is not None:
            fragments.append(q.attribute_equals(i))
            params |= {f"a{i}": c.equals.attribute, f"v{i}": c.equals.value}
        elif c.older_than_days is not None:
            attr = c.older_than_days.attribute
            cutoff = now - timedelta(days=c.older_than_days.days)
            fragments.append(q.attribute_before(i))
            params |= {f"a{i}": attr, f"v{i}": _as_type(schema, attr, cutoff)}
        elif c.relationship_missing is not None or c.relationship_present is not None:
            link = c.relationship_missing or c.relationship_present
            assert link is not None
            present = c.relationship_present is not None
            ends = link.end_attribute is not None
            fragments.append(q.link_condition(i, link.type, link.to, present, ends))
            params |= _link_params(i, link, schema, now)
    return fragments, params


def _link_params(i: int, link: Link, schema: Schema, now: datetime) -> dict[str, Any]:
    until = now + timedelta(days=link.lasting_days)
    attr = link.end_attribute
    return {f"e{i}": attr, f"d{i}": None if attr is None else _as_type(schema, attr, until)}


def _as_type(schema: Schema, attribute: str, when: datetime) -> date | datetime:
    """`when` as the attribute's type stores it: a date for a date attribute."""
    types = {a.type for c in schema.classes.values() for n, a in c.attributes.items()
             if n == attribute}  # fmt: skip
    return when.date() if types == {"date"} else when


def _judge(
    conditions: Sequence[Condition],
    row: dict[str, Any],
    values: dict[str, Any],
    config: AuditsConfig,
    now: datetime,
) -> dict[str, Any] | None:
    """The evidence of a CI the read found, or None when a condition judged here holds
    not (its version is new enough, it was seen lately)."""
    evidence: dict[str, Any] = {}
    for i, c in enumerate(conditions):
        if c.older_than_version is not None:
            found = _older(c.older_than_version, values, config)
            if found is None:
                return None
            evidence |= found
        elif c.not_seen is not None:
            seen = _not_seen(c.not_seen, values.get("_seen"), config, now)
            if seen is None:
                return None
            evidence |= seen
        elif c.missing is not None:
            evidence[c.missing] = None
        elif c.equals is not None:
            evidence[c.equals.attribute] = c.equals.value
        elif c.relationship_missing is not None:
            evidence |= _link_evidence(c.relationship_missing, row.get(f"ends{i}"), False)
        elif c.relationship_present is not None:
            evidence |= _link_evidence(c.relationship_present, row.get(f"ends{i}"), True)
    return evidence


def _older(
    cond: OlderThanVersion, values: dict[str, Any], config: AuditsConfig
) -> dict[str, Any] | None:
    version = values.get(cond.attribute)
    if cond.version is not None:
        baseline: str | None = cond.version
    else:
        keys = tuple(str(values.get(k) or "").lower() for k in cond.key)
        table: dict[tuple[str, ...], str] = (
            {(p,): v for p, v in config.minimum_versions}
            if cond.baseline == "minimum_versions"
            else {(vendor, os): v for vendor, os, v in config.os_baselines}
        )
        baseline = table.get(keys)
    if version is None or baseline is None or not is_older(str(version), baseline):
        return None
    return {cond.attribute: str(version), "baseline": baseline}


def _not_seen(
    cond: NotSeen, seen_text: str | None, config: AuditsConfig, now: datetime
) -> dict[str, Any] | None:
    seen: dict[str, str] = json.loads(seen_text or "{}")
    times = [datetime.fromisoformat(seen[s]) for s in cond.sources if s in seen]
    last = max(times, default=None)
    limit = timedelta(days=cond.days) if cond.days is not None else config.stale_after
    if last is not None and now - last <= limit:
        return None
    return {"last_seen_by": "/".join(cond.sources),
            "last_seen": last.isoformat() if last else None,
            "days": limit.total_seconds() / 86_400}  # fmt: skip


def _link_evidence(link: Link, ends: list[Any] | None, present: bool) -> dict[str, Any]:
    key = f"{link.type} ({'open' if present else 'missing'})"
    if link.end_attribute is None:
        return {key: "/".join(link.to)}
    shown = sorted(str(native(e)) for e in ends or [] if e is not None)
    return {key: "/".join(link.to), f"{link.end_attribute}s": shown}


def _cypher_violations(rule: Rule, labels: Sequence[str], now: datetime) -> Plan[list[Violation]]:
    params = {**rule.parameters, "now": now, "today": now.date(), "classes": list(labels),
              "statuses": list(rule.scope.statuses)}  # fmt: skip
    rows = yield Query(rule.cypher or "", params)
    evidence = {str(r["uid"]): r.get("evidence") for r in rows if r.get("uid") is not None}
    cis = yield Query(q.CI_SCOPE, {"uids": sorted(evidence)})
    found = []
    for ci in cis:
        in_scope = any(label in ci["labels"] for label in labels)
        if in_scope and ci["status"] in rule.scope.statuses:
            extra = evidence[ci["uid"]]
            shown = {k: _plain(v) for k, v in extra.items()} if isinstance(extra, dict) else {}
            if extra is not None and not isinstance(extra, dict):
                shown = {"evidence": _plain(extra)}
            found.append(Violation(ci["uid"], {"name": ci["name"], **shown}))
    return found


def _plain(value: Any) -> Any:
    """A value of a query's evidence as JSON can hold it."""
    value = native(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
