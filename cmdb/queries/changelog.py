"""The change log of the whole graph: the events of every CI in a time window, newest
first, one page at a time (cmdb/changelog.py).

Each read is bounded by the window ($since <= at < $until, an index range: version_to,
ci_first_seen, each relationship type's since/until), starts at the page cursor (events
at or before ($cat, $ckey) in (at, key) order), keeps only the change sets the filters
name ($source, $actor, $cr; null means any) and stops at $limit rows. A row's key tells
it from the others at one instant; the change set is one seek on its unique id.
"""

from __future__ import annotations

from cmdb.schema import RelType

_CURSOR = "(at < $cat OR (at = $cat AND key <= $ckey))"
_FILTERS = (
    "($source IS NULL OR cs.source = $source) AND ($actor IS NULL OR cs.actor = $actor) "
    "AND ($cr IS NULL OR cs.change_request = $cr)"
)

# A frozen version is the state a change set ended: the state it began is the one of
# the same CI that began then and that this change set made.
CHANGED_IN_WINDOW = f"""
MATCH (v:CIVersion) WHERE v._to >= $since AND v._to < $until
WITH v, v._to AS at, 'c|' + v.uid + '|' + v._cs_to AS key
WHERE {_CURSOR}
MATCH (cs:ChangeSet {{id: v._cs_to}}) WHERE {_FILTERS}
WITH v, at, key ORDER BY at DESC, key DESC LIMIT $limit
CALL (v) {{
  MATCH (n:State) WHERE n.uid = v.uid AND n._vfrom = v._to AND n._cs = v._cs_to
  RETURN properties(n) AS after LIMIT 1
}}
RETURN at, key, v.uid AS uid, v._cs_to AS cs, properties(v) AS before, after
"""

# A CI's creation: its first state (the first row of the (uid, _vfrom) index).
CREATED_IN_WINDOW = f"""
MATCH (c:CI) WHERE c.first_seen >= $since AND c.first_seen < $until
WITH c, c.first_seen AS at, 'n|' + c.uid AS key
WHERE {_CURSOR}
CALL (c) {{
  MATCH (s:State) WHERE s.uid = c.uid AND s._vfrom >= $epoch
  RETURN s ORDER BY s._vfrom LIMIT 1
}}
MATCH (cs:ChangeSet {{id: s._cs}}) WHERE {_FILTERS}
WITH c, s, at, key ORDER BY at DESC, key DESC LIMIT $limit
RETURN at, key, c.uid AS uid, s._cs AS cs, properties(s) AS after
"""


def link_changes_in_window(t: str, ends: str) -> str:
    """A subquery of the links of type `t` opened and closed in [$since, $until): each
    branch held to the type's since or until index, returning at, key, kind, csid and
    `ends` (the RETURN items naming the link's ends)."""
    return (
        "CALL () { "
        f"MATCH (a:CI)-[r:{t}]->(b:CI) USING INDEX r:{t}(since) "
        "WHERE r.since >= $since AND r.since < $until "
        f"RETURN r.since AS at, 'o|' + elementId(r) AS key, 'link_open' AS kind, "
        f"r.cs_open AS csid, {ends} "
        "UNION ALL "
        f"MATCH (a:CI)-[r:{t}]->(b:CI) USING INDEX r:{t}(until) "
        "WHERE r.until >= $since AND r.until < $until "
        f"RETURN r.until AS at, 'x|' + elementId(r) AS key, 'link_close' AS kind, "
        f"r.cs_close AS csid, {ends} "
        "} "
    )


def links_in_window_query(rel: RelType) -> str:
    """Links of one relationship type (from schema/) opened and closed in the window: a
    typed pattern, each branch held to the type's since or until index (a type with many
    links, HAS_INTERFACE, was otherwise read from every CI). One query per type: a union
    over every type costs the planner far more than the reads."""
    t = rel.name
    ends = "a.uid AS a, a.name AS a_name, b.uid AS b, b.name AS b_name, r.evidence AS evidence"
    return (
        link_changes_in_window(t, ends) + f"WITH * WHERE {_CURSOR} "
        f"MATCH (cs:ChangeSet {{id: csid}}) WHERE {_FILTERS} "
        f"RETURN at, key, kind, csid AS cs, '{t}' AS type, a, a_name, b, b_name, evidence "
        "ORDER BY at DESC, key DESC LIMIT $limit"
    )
