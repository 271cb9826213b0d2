"""Discovery runs: the one write of a run's node, and its reads (newest first)."""

from __future__ import annotations

WRITE_RUN = "CREATE (r:DiscoveryRun) SET r = $props"

READ_RUNS = """
MATCH (r:DiscoveryRun)
WHERE $job IS NULL OR r.job = $job
RETURN properties(r) AS p
ORDER BY r.started_at DESC
LIMIT $limit
"""

READ_RUN = "MATCH (r:DiscoveryRun {id: $id}) RETURN properties(r) AS p"

# A page of runs, newest first, after the cursor ($cat, $cid): the started_at index
# read in order.
READ_RUNS_PAGE = """
MATCH (r:DiscoveryRun)
WHERE r.started_at <= $cat AND ($job IS NULL OR r.job = $job)
  AND (r.started_at < $cat OR r.id < $cid)
RETURN properties(r) AS p
ORDER BY r.started_at DESC, r.id DESC
LIMIT $limit
"""

# Identification conflicts (one fact's identifiers found several CIs), newest first.
READ_CONFLICTS = """
MATCH (c:IdentificationConflict)
WHERE $status IS NULL OR c.status = $status
RETURN properties(c) AS p
ORDER BY c.last_detected DESC, c.key
LIMIT $limit
"""
