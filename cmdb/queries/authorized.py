"""Changes authorized or not (audits/authorized/): what discovery observed in a period,
the change requests whose windows cover it, and what a check records.

Every read of observed changes is held to an index range on the period ($since <= at <
$until: version_to, each relationship type's since/until), keeps the change sets of the
discovery sources ($sources) and reads one page ($limit rows) after the cursor ($cat,
$ckey) in (at, key) order: a period of a million changes is read in bounded pages.
A matched change is an (:ChangeRequest)-[:OBSERVED {key}]->(:CI) relationship.
"""

from __future__ import annotations

from cmdb.queries.changelog import link_changes_in_window
from cmdb.schema import RelType

_CURSOR = "(at > $cat OR (at = $cat AND key > $ckey))"

# A CI's first discovery run is its arrival: what the change sets of the discovery run in
# which a CI first appeared did to it (one protocol creates it, another fills it in) is
# not a change of it. `cs` a change set; `ci_first` the first_seen of the CI in question
# (of a link's newer end).
_not_its_arrival = """
OPTIONAL MATCH (run:DiscoveryRun {id: cs.discovery_run})
WITH * WHERE run IS NULL OR ci_first IS NULL OR ci_first < run.started_at
"""

# A frozen version is the state a change set ended; the state that change set began is
# the one of the same CI that began then (cmdb/queries/changelog.py reads it alike).
OBSERVED_CHANGES = f"""
MATCH (v:CIVersion) WHERE v._to >= $since AND v._to < $until
WITH v, v._to AS at, v.uid + '|' + v._cs_to AS key
WHERE {_CURSOR}
MATCH (cs:ChangeSet {{id: v._cs_to}}) WHERE cs.source IN $sources
MATCH (ci:CI {{uid: v.uid}})
WITH v, cs, at, key, ci.first_seen AS ci_first
{_not_its_arrival}
WITH v, cs, at, key ORDER BY at, key LIMIT $limit
CALL (v) {{
  MATCH (n:State) WHERE n.uid = v.uid AND n._vfrom = v._to AND n._cs = v._cs_to
  RETURN properties(n) AS after LIMIT 1
}}
RETURN at, key, v.uid AS uid, v._class AS class, cs.id AS cs, cs.source AS source,
       properties(v) AS before, after
"""


def observed_links_query(rel: RelType) -> str:
    """Links of one relationship type (from schema/) opened or closed in the period by a
    discovery source's change set, one page in (at, key) order; the link's source end is
    the CI the change is about. A link opened at the instant one of its ends was created
    (one change set: its time is the CI's first_seen and the link's since), or opened or
    closed by the discovery run in which one end first appeared (a target that answers
    as a device another owns withdraws what it reported), is part of that CI's arrival,
    not a change of its own."""
    t = rel.name
    ends = (
        "a.uid AS uid, a._class AS class, b.uid AS other, b.name AS other_name, "
        "a.first_seen AS a_first, b.first_seen AS b_first"
    )
    return (
        link_changes_in_window(t, ends) + f"WITH * WHERE {_CURSOR} "
        "AND NOT (kind = 'link_open' AND (at = a_first OR at = b_first)) "
        "MATCH (cs:ChangeSet {id: csid}) WHERE cs.source IN $sources "
        "WITH *, CASE WHEN a_first > b_first THEN a_first ELSE b_first END AS ci_first "
        f"{_not_its_arrival}"
        f"RETURN at, key, kind, csid AS cs, cs.source AS source, '{t}' AS type, uid, class, "
        "other, other_name ORDER BY at, key LIMIT $limit"
    )


# The requests in the given states whose window overlaps [$since, $until), with the CIs
# they name.
REQUESTS_IN_PERIOD = """
MATCH (c:ChangeRequest)
WHERE c.state IN $states AND c.window_start < $until AND c.window_end > $since
OPTIONAL MATCH (c)-[:AFFECTS]->(ci:CI)
RETURN c.id AS id, c.window_start AS start, c.window_end AS end, collect(ci.uid) AS affected
"""

# The devices each CI hangs from (an Interface's device, a component's).
PARENTS = """
UNWIND $uids AS uid
MATCH (d:CI)-[:HAS_INTERFACE|HAS_COMPONENT]->(c:CI {uid: uid})
RETURN uid, collect(DISTINCT d.uid) AS parents
"""

# Matched changes, each once (its key), on the request it was matched to.
RECORD_MATCHES = """
UNWIND $rows AS row
MATCH (c:ChangeRequest {id: row.cr})
MATCH (ci:CI {uid: row.uid})
MERGE (c)-[o:OBSERVED {key: row.key}]->(ci)
SET o += row.props
RETURN row.key AS key
"""

# The unauthorized-change findings of changes made in the period.
FINDINGS_IN_PERIOD = """
MATCH (f:Finding {rule: $rule})-[:ABOUT]->(c:CI)
USING INDEX f:Finding(rule)
WHERE f.changed_at >= $since AND f.changed_at < $until
RETURN f.key AS key, f.id AS id, f.status AS status, f.revision AS revision,
       f.waiver_until AS waiver_until, c.uid AS uid
"""

# Where the last check of changes ended (its period's end).
LAST_CHECK = """
MATCH (r:AuditRun)
WHERE r.started_at IS NOT NULL AND r.kind = $kind
RETURN r.until AS until
ORDER BY r.started_at DESC
LIMIT 1
"""

# Requests whose window closed in [$since, $until): their verification is due.
CLOSED_IN_PERIOD = """
MATCH (c:ChangeRequest)
WHERE c.state IN $states AND c.window_end >= $since AND c.window_end < $until
RETURN c.id AS id
ORDER BY c.id
"""

REQUEST_WINDOW = """
MATCH (c:ChangeRequest {id: $id})
OPTIONAL MATCH (c)-[:AFFECTS]->(ci:CI)
RETURN c.id AS id, c.state AS state, c.window_start AS start, c.window_end AS end,
       collect(ci.uid) AS affected, c.verification AS verification
"""

# A verification's result on its request (JSON text), for the review step to read.
STORE_VERIFICATION = """
MATCH (c:ChangeRequest {id: $id})
SET c.verification = $json, c.verified_at = $at
RETURN c.id AS id
"""
