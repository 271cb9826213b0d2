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
