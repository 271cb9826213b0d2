"""Reports (audits/reports/): the few bounded reads their frames are built from.

Times come back as epoch milliseconds and dates as ISO text (pandas converts a column
at once); lists of labels are schema/ class names joined by the caller; every value is a
parameter. Reads over the estate are paged on an index order (uid, finding id) and stop
at `$limit` rows; the change log's reads are cmdb/queries/changelog.py's own.
"""

from __future__ import annotations

from collections.abc import Sequence

# CIs by class and status just before $t (a period's end, its first instant outside it):
# the current states begun before $t (the CI(_vfrom) index) and the frozen ones that
# began before $t and ended at or after it (the version_to index).
COUNTS_AS_OF = """
CALL () {
  MATCH (c:CI) WHERE c._vfrom < $t
  RETURN c._class AS class, c.status AS status
  UNION ALL
  MATCH (v:CIVersion) WHERE v._to >= $t AND v._vfrom < $t
  RETURN v._class AS class, v.status AS status
}
RETURN class, status, count(*) AS count
"""

# CIs by the place they were located in just before $t (LOCATED_IN links open then) and
# class.
LOCATED_AS_OF = """
MATCH (c:CI)-[r:LOCATED_IN]->(l:CI)
WHERE r.since < $t AND (r.until IS NULL OR r.until >= $t)
RETURN coalesce(l.name, l.uid) AS location, c._class AS class, count(*) AS count
"""

# Findings in id order after $after, each with its CI and its life's steps.
FINDINGS_PAGE = """
MATCH (f:Finding)
USING INDEX f:Finding(id)
WHERE f.id > $after
WITH f ORDER BY f.id LIMIT $limit
MATCH (f)-[:ABOUT]->(c:CI)
CALL (f) {
  OPTIONAL MATCH (f)-[:HAS_EVENT]->(e:FindingEvent)
  RETURN collect([e.at.epochMillis, e.to_status, e.run, e.action]) AS events
}
RETURN f.id AS id, f.rule AS rule, f.severity AS severity, f.status AS status,
       f.title AS title, c.uid AS uid, c.name AS name, c._class AS class,
       f.opened_at.epochMillis AS opened_at, f.resolved_at.epochMillis AS resolved_at,
       f.last_detected_at.epochMillis AS last_detected_at, events
"""

# Discovery runs that started in [$since, $until), newest first, at most $limit.
RUNS_IN_PERIOD = """
MATCH (r:DiscoveryRun)
WHERE r.started_at >= $since AND r.started_at < $until
RETURN r.id AS id, r.started_at.epochMillis AS started_at, r.coverage AS coverage,
       r.failures AS failures
ORDER BY r.started_at DESC
LIMIT $limit
"""


def devices_page(labels: Sequence[str]) -> str:
    """The live devices of `labels` (schema/ classes) in uid order after $after, at most
    $limit: their inspection attributes, interfaces up and down (open HAS_INTERFACE), the
    support contracts covering them (open COVERED_BY to a live Contract) and their
    unresolved findings ($serious: the severities that call for action)."""
    return f"""
MATCH (c:CI)
WHERE c.uid > $after AND c:{"|".join(labels)} AND c.status IN $statuses
WITH c ORDER BY c.uid LIMIT $limit
CALL (c) {{
  OPTIONAL MATCH (c)-[h:HAS_INTERFACE]->(i:Interface)
  WHERE h.until IS NULL AND i.status IN $live
  RETURN count(CASE WHEN i.oper_status IN $up THEN 1 END) AS interfaces_up,
         count(CASE WHEN i.oper_status IN $down THEN 1 END) AS interfaces_down
}}
CALL (c) {{
  OPTIONAL MATCH (c)-[r:COVERED_BY]->(k:Contract)
  WHERE r.until IS NULL AND k.status IN $live
  RETURN count(k) AS contracts, count(CASE WHEN k IS NOT NULL AND k.end_date IS NULL
         THEN 1 END) AS open_ended, toString(max(k.end_date)) AS support_end
}}
CALL (c) {{
  OPTIONAL MATCH (f:Finding)-[:ABOUT]->(c)
  WHERE f.status IN $unresolved
  RETURN count(f) AS findings, count(CASE WHEN f.severity IN $serious THEN 1 END) AS serious
}}
RETURN c.uid AS uid, c._class AS class, c.name AS name, c.status AS status,
       c.management_ip AS management_ip, c.vendor AS vendor, c.model AS model,
       c.serial_number AS serial_number, c.os_name AS os_name, c.os_version AS os_version,
       c.firmware AS firmware, toString(c.warranty_end) AS warranty_end,
       c.cpu_count AS cpu_count, c.memory_bytes AS memory_bytes,
       c.last_seen.epochMillis AS last_seen, interfaces_up, interfaces_down, contracts,
       open_ended, support_end, findings, serious
"""
