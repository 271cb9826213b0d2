"""Ingest's reads of CIs: stored states, when attributes were set, the latest change,
the CIs a scoped change set missed, and what a device taken over holds (cmdb.ingest's
Neo4j reader runs them; look-ups by identifier set are in cmdb.queries.identify)."""

from __future__ import annotations

# Times come back as [epoch seconds, nanoseconds]: hydrating driver datetimes for every
# CI of a large change set costs more than the query.
READ_CIS = """
UNWIND $uids AS u MATCH (n:CI {uid: u})
RETURN n {.*, first_seen: null,
          last_seen: [n.last_seen.epochSeconds, n.last_seen.nanosecond],
          _vfrom: [n._vfrom.epochSeconds, n._vfrom.nanosecond]} AS p
"""

# Of these attributes of a CI, those set after $t: changed by a version that ended after
# $t (a version's `_changed` names what changed at its `_to`), or all of them when the CI
# was created after $t. Only asked for a change set older than the CI's last change.
SET_AFTER = """
MATCH (n:CI {uid: $uid})
OPTIONAL MATCH (v:State) WHERE v.uid = $uid AND v._vfrom >= $epoch AND v:CIVersion
  AND v._to > $t
WITH n, collect(v._changed) AS changed
RETURN CASE WHEN n.first_seen > $t THEN $attrs
       ELSE [a IN $attrs WHERE any(c IN changed WHERE a IN c)] END AS newer
"""

LATEST_CHANGE = "UNWIND $uids AS u MATCH (n:CI {uid: u}) RETURN max(n._vfrom) AS at"

# A CI seen after the change set's time was not missed by it (a late change set).
SCOPE_MISSED = (
    "MATCH (n:CI {_scope: $scope}) WHERE n.status = 'active' "
    "AND ($classes IS NULL OR n._class IN $classes) AND NOT n.uid IN $seen "
    "AND NOT n.last_seen > $at "
    "RETURN n.uid AS uid, coalesce(n._missed, 0) AS missed"
)

# The discovery run of the change set that made a CI's current state.
STATE_RUN = "MATCH (c:ChangeSet {id: $cs}) RETURN c.discovery_run AS run"

# A device's parts, and theirs (an address on an interface): scoped CIs two levels down,
# with the discovery run whose change set created each (its first state's `_cs`).
PARTS = """
MATCH (d:CI {uid: $uid})--(c:CI) WHERE c._parent = $uid
OPTIONAL MATCH (c)--(g:CI) WHERE g._parent = c.uid
WITH collect(DISTINCT c) + collect(DISTINCT g) AS parts
UNWIND parts AS c
WITH DISTINCT c
CALL (c) {
  MATCH (s:State) WHERE s.uid = c.uid AND s._vfrom >= $epoch
  WITH s ORDER BY s.uid, s._vfrom, s._to LIMIT 1
  OPTIONAL MATCH (made:ChangeSet {id: s._cs})
  RETURN made.discovery_run AS made_in
}
RETURN c.uid AS uid, c._class AS class, c._scope AS scope, c.status AS status, made_in
"""
