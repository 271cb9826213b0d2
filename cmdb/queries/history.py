"""History reads: states as of a time, a CI's versions and link events, change sets.

An as-of read is one index seek on (uid, _vfrom) over every state of the CI, current
(:CI) and frozen (:CIVersion), both labelled :State (tests/unit/cmdb/test_queries_text.py
checks the text, tests/integration/cmdb/test_history_reads.py the plan).
"""

from __future__ import annotations

from cmdb.queries.bookkeeping import PUBLIC_PROJECTION

# A state read hands back the stored properties minus the bookkeeping
# (PUBLIC_PROJECTION): datetimes are the costly values to ship and hydrate, so the
# internal ones are not sent at all. Current and as-of reads share it.

# Every state of a CI carries :State: the current one (the :CI node) and the frozen ones
# (:CIVersion). The newest state that began at or before $t is the state at $t: one seek
# on the (uid, _vfrom) index, read in descending order, first row; whatever the number of
# versions (see bench/ingest.py). States tie on `_vfrom` only where zero-length versions
# were frozen at the instant the state after them began (change sets written at one
# instant): `_to DESC` puts that state first (a current state's null `_to` sorts first,
# and a zero-length version ends where it began). The tie-break is ordering, not a filter
# on `_to`: with that filter the planner at times read every version (2,464 db hits
# against 18 for one CI of 1,000 versions, measured); ordered, the index order serves.
AS_OF = f"""
UNWIND $uids AS u
CALL (u) {{
  MATCH (s:State) WHERE s.uid = u AND s._vfrom <= $t
  WITH s ORDER BY s.uid DESC, s._vfrom DESC, s._to DESC LIMIT 1
  RETURN s {PUBLIC_PROJECTION} AS state
}}
RETURN u AS uid, state
"""

CURRENT = (
    f"UNWIND $uids AS uid MATCH (c:CI {{uid: uid}}) RETURN uid, c {PUBLIC_PROJECTION} AS state"
)

# The whole stored state, bookkeeping included (history events need _cs and friends).
CURRENT_FULL = "UNWIND $uids AS uid MATCH (c:CI {uid: uid}) RETURN uid, properties(c) AS state"

LINKS_AS_OF = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})-[r]-(o:CI)
WHERE r.since <= $t AND (r.until IS NULL OR r.until > $t)
RETURN uid, type(r) AS type, startNode(r) = c AS outgoing, o.uid AS other,
       properties(r) AS props
"""

# The frozen states of each CI in $uids, oldest first: a seek on (uid, _vfrom) per CI.
VERSIONS = """
UNWIND $uids AS u
CALL (u) {
  MATCH (v:State) WHERE v.uid = u AND v._vfrom >= $epoch AND v:CIVersion
  RETURN properties(v) AS state ORDER BY v._vfrom
}
RETURN u AS uid, state
"""

LINK_EVENTS = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})-[r]-(o:CI)
RETURN uid, type(r) AS type, startNode(r) = c AS outgoing, o.uid AS other, o.name AS other_name,
       r.since AS since, r.until AS until, r.cs_open AS cs_open, r.cs_close AS cs_close,
       r.source AS source, r.evidence AS evidence, elementId(r) AS id
"""

# Other CIs as tables name them, a page of uids in one query: name, class and the CI each
# is part of (an interface's device, by its stored parent uid).
REFS = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})
OPTIONAL MATCH (p:CI {uid: c._parent})
RETURN uid, c.name AS name, c._class AS class, p.uid AS parent_uid, p.name AS parent
"""

# When a CI began: its oldest state, first row of the (uid, _vfrom) index in order.
FIRST_STATE = """
MATCH (s:State) WHERE s.uid = $uid AND s._vfrom >= $epoch
RETURN s._vfrom AS at ORDER BY s._vfrom LIMIT 1
"""

CHANGESETS = "UNWIND $ids AS id MATCH (c:ChangeSet {id: id}) RETURN properties(c) AS cs"

CHANGED_IN_WINDOW = """
CALL () {
  MATCH (v:CIVersion) WHERE v._to > $t1 AND v._to <= $t2 RETURN v.uid AS uid
  UNION
  MATCH (c:CI) WHERE c.first_seen > $t1 AND c.first_seen <= $t2 RETURN c.uid AS uid
}
MATCH (c:CI {uid: uid}) WHERE $class IS NULL OR $class IN labels(c)
RETURN DISTINCT uid
"""
