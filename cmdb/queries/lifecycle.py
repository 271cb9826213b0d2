"""Manual edits and the lifecycle policy: reading the CI an edit changes, and finding the
CIs the time-based policy moves (stale active -> absent -> retired)."""

from __future__ import annotations

# The whole stored state of one CI, bookkeeping included (an edit keeps `_prov`).
READ_CI = "MATCH (c:CI {uid: $uid}) RETURN properties(c) AS p"

# Active CIs a scoped source reported, last seen before $before.
STALE_ACTIVE = """
MATCH (c:CI) WHERE c.status = 'active' AND c._scope IS NOT NULL AND c.last_seen < $before
RETURN c.uid AS uid
"""

# CIs absent since before $before (their current state began then).
LONG_ABSENT = """
MATCH (c:CI) WHERE c.status = 'absent' AND c._vfrom < $before
RETURN c.uid AS uid
"""
