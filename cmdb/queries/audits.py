"""Audits: compliance findings and audit runs (audits/). A finding is a
(:Finding {id: 'FND0000001', key: '<rule>|<uid>'}) node (never a CI) that is ABOUT one CI,
each step of its life a (:FindingEvent) it HAS_EVENT; an audit run is an (:AuditRun). A
rule's declarative filter becomes one read over its classes' labels: the text is built
here from fixed fragments and schema/'s labels and types only, every value a parameter.
Writes are UNWIND batches that check the revision they were decided on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# --- a rule's violations --------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    """A condition on the CI `c`: its test, and what it returns beside (or None)."""

    test: str
    returns: str | None = None


def rule_candidates(labels: Sequence[str], conditions: Sequence[Fragment]) -> str:
    """The CIs of `labels` (schema/ classes) in `$statuses` whose attributes equal
    `$where` and that meet every condition: uid, class, name, the `$returned` attributes'
    values (`_seen`: per-source sightings), and what the conditions return."""
    where = "".join(f"\n  AND {c.test}" for c in conditions)
    extra = "".join(f",\n       {c.returns}" for c in conditions if c.returns)
    return f"""
MATCH (c:{"|".join(labels)})
WHERE c.status IN $statuses AND all(k IN keys($where) WHERE c[k] = $where[k]){where}
RETURN c.uid AS uid, c._class AS class, c.name AS name,
       [k IN $returned | c[k]] AS values{extra}
"""


def attribute_missing(i: int) -> Fragment:
    return Fragment(f"c[$a{i}] IS NULL")


def attribute_equals(i: int) -> Fragment:
    return Fragment(f"c[$a{i}] = $v{i}")


def attribute_before(i: int) -> Fragment:
    """A date or time attribute before `$v{i}` (a CI without it is no violation)."""
    return Fragment(f"c[$a{i}] < $v{i}")


def link_condition(
    i: int, rel_type: str, to_labels: Sequence[str], present: bool, ends: bool
) -> Fragment:
    """An open `rel_type` link from the CI to a live (`$live`) CI of `to_labels` (schema/
    names) whose `$e{i}` attribute, when `$e{i}` is not null, is unset or on/after `$d{i}`
    (a contract's end date): missing (`present` false) or present. The `$e{i}` values of
    the open links are returned as `ends{i}` when `ends`."""
    pattern = f"(c)-[r{i}:{rel_type}]->(t{i}:{'|'.join(to_labels)})"
    live = f"r{i}.until IS NULL AND t{i}.status IN $live"
    lasting = f"($e{i} IS NULL OR t{i}[$e{i}] IS NULL OR t{i}[$e{i}] >= $d{i})"
    test = f"EXISTS {{ MATCH {pattern} WHERE {live} AND {lasting} }}"
    returned = f"[{pattern} WHERE {live} | t{i}[$e{i}]] AS ends{i}" if ends else None
    return Fragment(("" if present else "NOT ") + test, returned)


# The CIs a Cypher rule named, with what its scope and its grace period need.
CI_SCOPE = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})
RETURN c.uid AS uid, labels(c) AS labels, c.status AS status, c.name AS name
"""

# --- findings ---------------------------------------------------------------------------

# A rule's findings (any status) about CIs that carry one of `$labels`.
FINDINGS_OF_RULE = """
MATCH (f:Finding {rule: $rule})-[:ABOUT]->(c:CI)
USING INDEX f:Finding(rule)
WHERE any(l IN labels(c) WHERE l IN $labels)
RETURN f.key AS key, f.id AS id, f.status AS status, f.revision AS revision,
       f.waiver_until AS waiver_until, c.uid AS uid
"""

# New findings: ids from the one sequence node, each ABOUT its CI, its first event.
OPEN_FINDINGS = """
MERGE (k:FindingSequence {name: 'FND'})
ON CREATE SET k.last = 0
WITH k, k.last AS base
SET k.last = k.last + size($rows)
WITH base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS n, $rows[i] AS row
MATCH (c:CI {uid: row.uid})
CREATE (f:Finding {id: 'FND' + right('0000000' + toString(n), 7), key: row.key})
SET f += row.props, f.status = 'open', f.revision = 1, f.opened_at = $at,
    f.last_detected_at = $at, f.last_run = $run
CREATE (f)-[:ABOUT]->(c)
CREATE (f)-[:HAS_EVENT]->(:FindingEvent {seq: 1, action: 'open', to_status: 'open',
       actor: $actor, at: $at, run: $run, comment: row.comment})
RETURN f.key AS key
"""

# Findings detected again: when and by which run, the evidence and rule fields of now.
DETECTED = """
UNWIND $rows AS row
MATCH (f:Finding {key: row.key})
SET f += row.props, f.last_detected_at = $at, f.last_run = $run
RETURN f.key AS key
"""

# One step of each finding (resolve, reopen, lapse, acknowledge, waive), if unchanged
# since it was read (`row.revision`), with its record. A waiver is a (:Waiver) that
# WAIVES the finding, kept when it ends: a step away from `waived`, or a new waiver
# (`row.waiver`: reason, approver, until), ends the one in force (ended_at, ended_by:
# the step's action).
STEP_FINDINGS = """
UNWIND $rows AS row
MATCH (f:Finding {key: row.key})
WHERE f.revision = row.revision
SET f += row.props, f.status = row.to_status, f.revision = f.revision + 1
CREATE (f)-[:HAS_EVENT]->(:FindingEvent {seq: f.revision, action: row.action,
       from_status: row.from_status, to_status: row.to_status, actor: $actor, at: $at,
       run: $run, comment: row.comment})
WITH f, row
CALL (f, row) {
  MATCH (w:Waiver)-[:WAIVES]->(f)
  WHERE w.ended_at IS NULL AND (row.to_status <> 'waived' OR row.waiver IS NOT NULL)
  SET w.ended_at = $at, w.ended_by = row.action
}
CALL (f, row) {
  WITH f, row WHERE row.waiver IS NOT NULL
  CREATE (w:Waiver {id: f.id + '-W' + toString(f.revision)})-[:WAIVES]->(f)
  SET w += row.waiver, w.granted_at = $at, w.granted_by = $actor
}
RETURN f.key AS key
"""

READ_FINDINGS = """
UNWIND $ids AS id
MATCH (f:Finding {id: id})-[:ABOUT]->(c:CI)
CALL (f) {
  OPTIONAL MATCH (f)-[:HAS_EVENT]->(e:FindingEvent)
  WITH e ORDER BY e.seq
  RETURN collect(properties(e)) AS events
}
CALL (f) {
  OPTIONAL MATCH (w:Waiver)-[:WAIVES]->(f)
  WITH w ORDER BY w.granted_at
  RETURN collect(properties(w)) AS waivers
}
RETURN properties(f) AS finding, c.uid AS uid, c.name AS name, c._class AS class, events,
       waivers
"""

FINDING_BY_KEY = "MATCH (f:Finding {key: $key}) RETURN f.id AS id"

# Finding ids in id order after `$after`: one rule's (its findings sought, then sorted), or
# all in the given statuses (the id index read in order, up to $limit).
FINDING_IDS_OF_RULE = """
MATCH (f:Finding {rule: $rule})
USING INDEX f:Finding(rule)
WHERE f.status IN $statuses AND f.severity IN $severities AND f.id > $after
RETURN f.id AS id
ORDER BY f.id
LIMIT $limit
"""

FINDING_IDS_BY_STATUS = """
MATCH (f:Finding)
USING INDEX f:Finding(id)
WHERE f.status IN $statuses AND f.severity IN $severities AND f.id > $after
RETURN f.id AS id
ORDER BY f.id
LIMIT $limit
"""

# --- audit runs -------------------------------------------------------------------------

WRITE_RUN = "CREATE (r:AuditRun) SET r = $props RETURN r.id AS id"

READ_RUN = "MATCH (r:AuditRun {id: $id}) RETURN properties(r) AS p"

READ_RUNS = """
MATCH (r:AuditRun)
WHERE r.started_at IS NOT NULL
RETURN properties(r) AS p
ORDER BY r.started_at DESC
LIMIT $limit
"""
