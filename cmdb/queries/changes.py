"""Change requests: (:ChangeRequest {id: 'CHG0000001', ...}) nodes (not CIs), AFFECTS the
CIs they name, each step of their life a (:ChangeTransition) they HAVE. Every write
checks the revision it was decided on (`revision`), so two writers never both move one
request: the later one finds no row and is told to read it again."""

from __future__ import annotations

# The next id from the one sequence node (unique: concurrent creations queue on it).
CREATE_REQUEST = """
MERGE (k:ChangeRequestSequence {name: 'CHG'})
ON CREATE SET k.last = 0
SET k.last = k.last + 1
WITH k.last AS n
CREATE (c:ChangeRequest {id: 'CHG' + right('0000000' + toString(n), 7)})
SET c += $props, c.state = 'draft', c.revision = 1, c.created_at = $at, c.updated_at = $at,
    c.touched = $affected, c.touched_services = [], c.decided = false
WITH c
CALL (c) {
  UNWIND $affected AS uid
  MATCH (ci:CI {uid: uid})
  CREATE (c)-[:AFFECTS]->(ci)
}
CREATE (c)-[:HAS_TRANSITION]->(:ChangeTransition {seq: 1, action: 'create', to_state: 'draft',
                                                  actor: $actor, at: $at, comment: $comment})
RETURN c.id AS id
"""

# A draft's fields edited; `$affected` null leaves its CIs as they are.
UPDATE_DRAFT = """
MATCH (c:ChangeRequest {id: $id})
WHERE c.revision = $revision AND c.state = 'draft'
SET c += $props, c.revision = c.revision + 1, c.updated_at = $at,
    c.touched = coalesce($affected, c.touched)
WITH c
CALL (c) {
  MATCH (c)-[r:AFFECTS]->()
  WHERE $affected IS NOT NULL
  DELETE r
}
CALL (c) {
  UNWIND coalesce($affected, []) AS uid
  MATCH (ci:CI {uid: uid})
  CREATE (c)-[:AFFECTS]->(ci)
}
CREATE (c)-[:HAS_TRANSITION]->(:ChangeTransition {seq: c.revision, action: 'update',
       from_state: 'draft', to_state: 'draft', actor: $actor, at: $at, comment: $comment})
RETURN c.id AS id
"""

# One action: the new state and what it sets (an assessment, a decision), and its record.
TRANSITION = """
MATCH (c:ChangeRequest {id: $id})
WHERE c.revision = $revision
SET c += $props, c.state = $to_state, c.revision = c.revision + 1, c.updated_at = $at
CREATE (c)-[:HAS_TRANSITION]->(:ChangeTransition {seq: c.revision, action: $action,
       from_state: $from_state, to_state: $to_state, actor: $actor, at: $at,
       comment: $comment, after_the_fact: $after_the_fact})
RETURN c.id AS id
"""

READ_REQUESTS = """
UNWIND $ids AS id
MATCH (c:ChangeRequest {id: id})
CALL (c) {
  OPTIONAL MATCH (c)-[:AFFECTS]->(ci:CI)
  RETURN collect(ci {.uid, .name, class: ci._class}) AS affected
}
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_TRANSITION]->(t:ChangeTransition)
  WITH t ORDER BY t.seq
  RETURN collect(properties(t)) AS transitions
}
RETURN properties(c) AS request, affected, transitions
"""

# A page, newest first: ids after the cursor, one more than asked (is there a next page?).
PAGE = """
MATCH (c:ChangeRequest)
WHERE c.state IN $states AND ($after IS NULL OR c.id < $after)
RETURN c.id AS id
ORDER BY c.id DESC
LIMIT $limit
"""

COUNT = "MATCH (c:ChangeRequest) WHERE c.state IN $states RETURN count(c) AS n"

# The CIs a request names or its impact reached, as the tables name them.
TOUCHED_CIS = """
UNWIND $uids AS uid
MATCH (c:CI {uid: uid})
RETURN c.uid AS uid, c.name AS name, c._class AS class, c.criticality AS criticality
"""

# Other requests in the given states whose window overlaps [$start, $end) and whose
# impact touches one of the CIs or business services: the shared ones.
CONFLICTS = """
MATCH (c:ChangeRequest)
WHERE c.state IN $states AND c.id <> $id
  AND c.window_start < $end AND c.window_end > $start
WITH c, [u IN c.touched WHERE u IN $touched] AS shared,
     [s IN c.touched_services WHERE s IN $services] AS shared_services
WHERE size(shared) > 0 OR size(shared_services) > 0
RETURN c.id AS id, shared, shared_services
ORDER BY c.id
"""

# The change sets written under each request (ChangeSet.change_request), oldest first.
CHANGE_SETS = """
UNWIND $ids AS id
MATCH (s:ChangeSet)
WHERE s.change_request = id
RETURN id, properties(s) AS cs
ORDER BY s.at
"""
