"""The API's reads of CIs: a page of CIs under a filter, full-text search, a CI's links
with their other ends, and what discovery saw of a CI. Every value is a parameter; the
only names in the text are labels of schema/'s core and the index `ci_search`.

Time: every read takes `$t`, the instant the whole answer is read at (now when the
request gave no `asOf`). A CI's state at `$t` is one seek on the (uid, _vfrom) index
(as cmdb/queries/history.py AS_OF); a link is open at `$t` when it began at or before
`$t` and had not ended by then.
"""

from __future__ import annotations

from cmdb.queries.bookkeeping import PUBLIC_PROJECTION

# The state of node variable `{node}` as of $t, as `{name}` (null before it existed).
_state_at_text = """
CALL ({node}) {{
  MATCH (s:State) WHERE s.uid = {node}.uid AND s._vfrom <= $t
  WITH s ORDER BY s.uid DESC, s._vfrom DESC, s._to DESC LIMIT 1
  RETURN s {projection} AS {name}
}}"""


def _state_at(node: str, name: str) -> str:
    return _state_at_text.format(node=node, name=name, projection=PUBLIC_PROJECTION)


# CIs by their current name (a name is no identity: several CIs may share one).
UIDS_BY_NAME = "MATCH (c:CI) WHERE c.name = $name RETURN c.uid AS uid ORDER BY uid LIMIT $limit"

# The states of a batch of CIs as of $t.
STATES = f"""
UNWIND $uids AS uid
MATCH (c:CI {{uid: uid}})
{_state_at("c", "state")}
RETURN uid, state
"""

# A batch of CIs' links of some types (`$types`), one direction (`$outgoing`: true, false,
# or null for both), open at some instant of [$from, $to] ($from = $to = $t for "open at
# $t"), each with its other end's state as of $t.
LINKS = f"""
UNWIND $uids AS uid
MATCH (c:CI {{uid: uid}})-[r]-(o:CI)
WHERE type(r) IN $types
  AND ($outgoing IS NULL OR (startNode(r) = c) = $outgoing)
  AND r.since <= $to AND (r.until IS NULL OR r.until > $from)
{_state_at("o", "other")}
WITH uid, r, c, other WHERE other IS NOT NULL
RETURN uid, type(r) AS type, startNode(r) = c AS outgoing, other, properties(r) AS props
"""

# What discovery saw of a batch of CIs: the sources that reported each (with when, in
# `_seen`), its scope (`protocol:target`, the target whose runs cover it), and the newest
# discovery runs that swept that target since the CI first appeared (started by $t),
# each with its coverage (JSON text; the target's entry is read from it).
COVERAGE = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})
WITH uid, c, substring(c._scope, size(split(c._scope, ':')[0]) + 1) AS target
CALL (c, target) {
  MATCH (run:DiscoveryRun)
  WHERE run.started_at <= $t AND run.finished_at >= c.first_seen
    AND run.coverage CONTAINS ('"' + target + '"')
  WITH run ORDER BY run.started_at DESC LIMIT $runs
  RETURN collect({id: run.id, job: run.job, started_at: run.started_at, status: run.status,
                  coverage: run.coverage}) AS runs
}
RETURN uid, c._seen AS seen, c._scope AS scope, c.last_seen AS last_seen, runs
"""

# -- a page of CIs ------------------------------------------------------------------
# The CIs located in a place (a Location by uid, name or code), through any chain of
# LOCATED_IN links open at $t (a rack in a room in the site).
LOCATED_IN_PLACE = """
CALL () {
  MATCH (l:CI {uid: $location}) WHERE l:Location RETURN l
  UNION MATCH (l:Location {name: $location}) RETURN l
  UNION MATCH (l:Location {code: $location}) RETURN l
}
MATCH (l)<-[rs:LOCATED_IN*1..6]-(c:CI)
WHERE all(r IN rs WHERE r.since <= $t AND (r.until IS NULL OR r.until > $t))
RETURN DISTINCT c.uid AS uid
"""

# `c` is the current node, `s` the state the filter reads (the current node itself, or
# the state as of $t). Every filter is off when its parameter is null.
_link_open = "r.since <= $t AND (r.until IS NULL OR r.until > $t)"
_filter = f"""
WHERE s IS NOT NULL
  AND ($classes IS NULL OR s._class IN $classes)
  AND ($statuses IS NULL OR s.status IN $statuses)
  AND ($name IS NULL OR s.name = $name)
  AND ($name_contains IS NULL OR toLower(s.name) CONTAINS $name_contains)
  AND ($name_regex IS NULL OR s.name =~ $name_regex)
  AND ($seen_before IS NULL OR s.last_seen < $seen_before)
  AND ($seen_after IS NULL OR s.last_seen > $seen_after)
  AND ($source IS NULL OR c._seen CONTAINS $source)
  AND all(f IN $attributes WHERE CASE f.op
        WHEN 'eq' THEN s[f.name] = f.value
        WHEN 'has' THEN f.value IN s[f.name]
        WHEN 'in' THEN s[f.name] IN f.values
        WHEN 'range' THEN (f.min IS NULL OR s[f.name] >= f.min)
                      AND (f.max IS NULL OR s[f.name] <= f.max)
        WHEN 'exists' THEN (s[f.name] IS NOT NULL) = f.exists
        ELSE false END)
  AND ($located IS NULL OR c.uid IN $located)
  AND ($owner IS NULL OR EXISTS {{
        MATCH (c)-[r:OWNED_BY]->(o:CI)
        WHERE (o.uid = $owner OR o.name = $owner) AND {_link_open}
      }})
"""
_now = "MATCH (c:CI) WHERE c.first_seen <= $t\nWITH c, c AS s"
_then = f"MATCH (c:CI) WHERE c.first_seen <= $t\n{_state_at('c', 's')}\nWITH c, s"
# the sort key of `$order` (a name the API chose, never request text); times as epoch
# nanoseconds, exact in a cursor
_key = """
WITH s, CASE $order
  WHEN 'name' THEN coalesce(s.name, '')
  WHEN 'class' THEN s._class
  WHEN 'last_seen' THEN s.last_seen.epochSeconds * 1000000000 + s.last_seen.nanosecond
  WHEN 'first_seen' THEN s.first_seen.epochSeconds * 1000000000 + s.first_seen.nanosecond
  ELSE s.uid END AS key
"""
_after_asc = (
    "WHERE $after_uid IS NULL OR key > $after_key OR (key = $after_key AND s.uid > $after_uid)"
)
_after_desc = (
    "WHERE $after_uid IS NULL OR key < $after_key OR (key = $after_key AND s.uid < $after_uid)"
)
_return = f"RETURN s {PUBLIC_PROJECTION} AS state, key"


def _page(read: str, after: str, direction: str) -> str:
    return "\n".join(
        [read, _filter, _key, after, _return, f"ORDER BY key {direction}, s.uid {direction}",
         "LIMIT $limit"]
    )  # fmt: skip


# -- a page read in index order ---------------------------------------------------------
# Ordered by name or by uid, a page is read in the order of a range index of the class's
# label (`{label}` comes from schema/: CI for no class filter): (name, uid), so that CIs
# of one name are in uid order too, or (uid). The read stops at $limit rows whatever the
# CIs number; a filter is applied to the rows as they come. The hint keeps the planner
# from seeking `first_seen` instead and sorting all it found.
_indexed_read = """
MATCH (c:{label}) USING INDEX c:{label}({props})
WHERE {seek} AND c.first_seen <= $t
{state}
{filter}
WITH c, s ORDER BY {order} LIMIT $limit
"""
INDEXED_ORDERS = ("name", "uid")


def cis_page_indexed(
    label: str, field: str, descending: bool, after: bool, as_of: bool, named: bool = False
) -> str:
    """A page of `label`'s CIs in the order of `field` (one of INDEXED_ORDERS), past a
    cursor or not, read now or (ordered by uid only: a name may have changed) as of $t;
    `named`: the filter has a name ($name), whose CIs alone the name order seeks.

    Past a cursor in name order, the rest of the cursor's name (thousands of CIs may share
    one: eth0) is a seek of its own on (name = $after_key, uid past $after_uid), beside the
    seek of the names past it; the two pages' worth are then ordered and cut."""
    if as_of and (field != "uid" or label != "CI"):
        raise ValueError("as of a time, only the uid order of all CIs is read in index order")
    cmp, direction = ("<", "DESC") if descending else (">", "ASC")
    # the planner knows the index's order under the name the CI was read as last: `s` now
    # (the node itself), `c` as of a time (`s` is then a map)
    state = f"{_state_at('c', 's')}\nWITH c, s" if as_of else "WITH c, c AS s"
    var = "c" if as_of else "s"

    def read(props: str, seek: str, order: str) -> str:
        return _indexed_read.format(label=label, props=props, seek=seek, state=state,
                                    filter=_filter, order=order)  # fmt: skip

    if field == "uid":
        seek = f"c.uid {cmp} $after_uid" if after else "c.uid IS NOT NULL"
        body = read("uid", seek, f"{var}.uid {direction}")
    else:
        order = f"s.name {direction}, s.uid {direction}"
        first = "c.name = $name" if named else "c.name IS NOT NULL"
        body = read("name, uid", f"{first} AND c.uid IS NOT NULL", order)
        if after:
            ties = read("name, uid", f"c.name = $after_key AND c.uid {cmp} $after_uid", order)
            up_to = f" AND c.name {'>' if descending else '<'}= $name" if named else ""
            rest = read("name, uid", f"c.name {cmp} $after_key{up_to} AND c.uid IS NOT NULL", order)
            body = (f"CALL () {{{ties}RETURN s\nUNION ALL{rest}RETURN s\n}}\n"
                    f"WITH s ORDER BY {order} LIMIT $limit\n")  # fmt: skip
    return f"{body}RETURN s {PUBLIC_PROJECTION} AS state, s.{field} AS key"


def cis_count_now(label: str, filtered: bool) -> str:
    """The number of `label`'s CIs now: under a filter, every CI read and tested; without,
    the label's count from Neo4j's count store (no CI read) less the few CIs first seen
    after $t (a seek)."""
    if filtered:
        read = f"MATCH (c:{label}) WHERE c.first_seen <= $t\nWITH c, c AS s"
        return f"{read}\n{_filter}\nRETURN count(*) AS total"
    return f"""
CALL () {{ MATCH (c:{label}) RETURN count(c) AS stored }}
CALL () {{
  MATCH (c:CI) USING INDEX c:CI(first_seen) WHERE c.first_seen > $t AND c:{label}
  RETURN count(c) AS later
}}
RETURN stored - later AS total
"""


# The indexed reads and counts of all CIs (the plan tests read them).
CIS_PAGE_BY_NAME = cis_page_indexed("CI", "name", descending=False, after=False, as_of=False)
CIS_PAGE_BY_NAME_AFTER = cis_page_indexed("CI", "name", descending=False, after=True, as_of=False)
CIS_PAGE_BY_NAME_DESC = cis_page_indexed("CI", "name", descending=True, after=True, as_of=False)
CIS_PAGE_BY_UID_AFTER = cis_page_indexed("CI", "uid", descending=False, after=True, as_of=False)
CIS_PAGE_BY_UID_AS_OF = cis_page_indexed("CI", "uid", descending=False, after=True, as_of=True)
CIS_COUNT_ALL = cis_count_now("CI", filtered=False)

# -- a page in any other order, or by name as of a time: every CI under the filter read,
# then sorted
CIS_PAGE_NOW = _page(_now, _after_asc, "ASC")
CIS_PAGE_NOW_DESC = _page(_now, _after_desc, "DESC")
CIS_PAGE_AS_OF = _page(_then, _after_asc, "ASC")
CIS_PAGE_AS_OF_DESC = _page(_then, _after_desc, "DESC")
CIS_COUNT_NOW = f"{_now}\n{_filter}\nRETURN count(*) AS total"
CIS_COUNT_AS_OF = f"{_then}\n{_filter}\nRETURN count(*) AS total"

# -- full-text search -----------------------------------------------------------------
SEARCH_INDEX = "ci_search"
# `$query` is a Lucene query the API built from the user's text (every term escaped).
SEARCH = f"""
CALL db.index.fulltext.queryNodes('{SEARCH_INDEX}', $query, {{limit: $limit}})
YIELD node, score
{_state_at("node", "state")}
WITH node, score, state WHERE state IS NOT NULL
RETURN state, score ORDER BY score DESC, node.uid
"""

# -- attribute provenance ---------------------------------------------------------------
# Who owns each attribute of a batch of CIs (`_prov`: attribute -> source) and when each
# source last reported it (`_seen`: source -> ISO time), JSON texts as stored now.
PROVENANCE = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})
RETURN uid, c._prov AS prov, c._seen AS seen
"""
