"""Ingest's reads of links and pending links: the state of wanted links, the open links
and pending links a scope holds, pending links by key (cmdb.ingest's Neo4j reader runs
them). Relationship types come from schema/; every value is a parameter."""

from __future__ import annotations

from cmdb.schema import RelType

ANY_PENDING = "MATCH (p:PendingLink) WITH count(p) AS n RETURN n > 0 AS any"

SCOPED_PENDING = (
    "MATCH (p:PendingLink {scope: $scope}) WHERE p.source = $source "
    "RETURN elementId(p) AS id, p.key AS key, p.type AS type, p.known_uid AS known"
)
PENDING_BY_KEY = (
    "UNWIND $keys AS k MATCH (p:PendingLink {key: k}) "
    "RETURN elementId(p) AS id, p.key AS key, p.type AS type, p.known_uid AS known, "
    "p.known_end AS known_end, p.evidence AS evidence, p.source AS source, p.scope AS scope, "
    "p.attrs AS attrs"
)

# Open links and pending links of one scope of one source on these CIs (a device taken
# over and its parts).
SCOPED_LINKS_ON = """
UNWIND $uids AS u MATCH (:CI {uid: u})-[r]-()
WHERE r.until IS NULL AND r.scope = $scope AND r.source = $source
RETURN DISTINCT elementId(r) AS id, type(r) AS t, startNode(r).uid AS a, endNode(r).uid AS b
"""
SCOPED_PENDING_ON = (
    "MATCH (p:PendingLink {scope: $scope}) WHERE p.source = $source AND p.known_uid IN $uids "
    "RETURN elementId(p) AS id, p.type AS type"
)


def link_state_query(rel: RelType) -> str:
    """Of the wanted links of one type, those missing (late: closed after $at), stale,
    reported under a new scope, or with other attributes (`_a`) than reported.

    Matching happens in the database, so a re-run that finds its links in place and fresh
    gets nothing back.
    """
    arrow = "-" if rel.symmetric else "->"
    return (
        "UNWIND $rows AS row MATCH (a:CI {uid: row.a}) "
        f"OPTIONAL MATCH (a)-[r:{rel.name}]{arrow}(:CI {{uid: row.b}}) WHERE r.until IS NULL "
        "WITH row, a, r WHERE r IS NULL OR r.last_seen < $stale "
        "OR ($scope IS NOT NULL AND r.scope <> $scope) OR coalesce(r._a, '') <> row.attrs "
        "RETURN row.i AS i, elementId(r) AS id, r.last_seen < $stale AS stale, "
        "($scope IS NOT NULL AND r.scope <> $scope) AS moved, "
        "coalesce(r._a, '') <> row.attrs AS changed, "
        # a report older than the link's closing does not reopen it (a late sighting)
        f"r IS NULL AND EXISTS {{ (a)-[c:{rel.name}]{arrow}(:CI {{uid: row.b}}) "
        "WHERE c.until > $at } AS late"
    )


def close_query(rels: list[RelType]) -> str:
    """Open links this source reported under the scope, as one list of [id, type, a uid,
    b uid] (a -> b as stored); not those reported after $at (by a newer change set).

    Which of them are still reported is decided in Python: sending every reported pair
    as a parameter cost more than the look-up itself, and a first load has none to get.
    """
    if not rels:
        return "RETURN [] AS links"
    parts = [
        f"MATCH (a)-[r:{rel.name} {{scope: $scope}}]->(b) WHERE r.until IS NULL "
        "AND r.source = $source AND NOT r.last_seen > $at "
        f"RETURN elementId(r) AS id, '{rel.name}' AS t, a.uid AS a, b.uid AS b"
        for rel in rels
    ]
    return "CALL () { " + " UNION ALL ".join(parts) + " } RETURN collect([id, t, a, b]) AS links"
