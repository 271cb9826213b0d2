"""Audits as the API lists them (api/audits.py): findings by a filter (rule, severities,
statuses, one CI, a class with its subclasses), a page in id order with the filter's
counts by severity and status; audit runs newest first, a page and their count.

Every value is a parameter: a filter part not given is a null parameter, so each read
is one fixed text. Findings are sought on their status index (or from the one CI, by
its uid); runs on their start index."""

from __future__ import annotations

# the filter on (f:Finding)-[:ABOUT]->(c:CI), after f's statuses and severities
_FILTER = """
WHERE f.status IN $statuses AND f.severity IN $severities
  AND ($rule IS NULL OR f.rule = $rule)
  AND ($class IS NULL OR $class IN labels(c))
"""

# a page of finding ids after `$after` (an id), in id order, up to $limit
FINDING_PAGE = f"""
MATCH (f:Finding)-[:ABOUT]->(c:CI)
USING INDEX f:Finding(status)
{_FILTER}  AND f.id > $after
RETURN f.id AS id
ORDER BY f.id
LIMIT $limit
"""

FINDING_PAGE_OF_CI = f"""
MATCH (c:CI {{uid: $uid}})<-[:ABOUT]-(f:Finding)
{_FILTER}  AND f.id > $after
RETURN f.id AS id
ORDER BY f.id
LIMIT $limit
"""

# the filter's findings counted by severity and status
FINDING_TOTALS = f"""
MATCH (f:Finding)-[:ABOUT]->(c:CI)
USING INDEX f:Finding(status)
{_FILTER}
RETURN f.severity AS severity, f.status AS status, count(*) AS n
"""

FINDING_TOTALS_OF_CI = f"""
MATCH (c:CI {{uid: $uid}})<-[:ABOUT]-(f:Finding)
{_FILTER}
RETURN f.severity AS severity, f.status AS status, count(*) AS n
"""

# audit runs newest first: the first page, and the page after a cursor (`$at`, `$id`)
AUDIT_RUN_FIRST = """
MATCH (r:AuditRun)
WHERE r.started_at IS NOT NULL
RETURN properties(r) AS p
ORDER BY r.started_at DESC, r.id DESC
LIMIT $limit
"""

AUDIT_RUN_AFTER = """
MATCH (r:AuditRun)
WHERE r.started_at <= $at AND (r.started_at < $at OR r.id < $id)
RETURN properties(r) AS p
ORDER BY r.started_at DESC, r.id DESC
LIMIT $limit
"""

AUDIT_RUN_COUNT = """
MATCH (r:AuditRun)
WHERE r.started_at IS NOT NULL
RETURN count(r) AS n
"""
