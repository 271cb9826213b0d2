"""Writes that keep history: the change set node, CI creates and updates (a version
frozen first), touches, links opened and closed, pending links, identification conflicts.

Labels and relationship types come from schema/; every value is a parameter; rows are
sent in batches (`UNWIND $rows`). cmdb.write runs them, in one transaction per change set.
"""

from __future__ import annotations

from cmdb.queries.bookkeeping import VERSION_PROJECTION
from cmdb.schema import CIClass

CREATE_CHANGESET = "CREATE (c:ChangeSet) SET c = $props"

UPDATE_CIS = f"""
UNWIND $rows AS row
MATCH (n:CI {{uid: row.uid}})
CREATE (v:CIVersion:State)
SET v = n {VERSION_PROJECTION},
    v._to = $at, v._cs_to = $cs, v._changed = row.changed
SET n += row.set, n._vfrom = $at, n._cs = $cs
SET n.last_seen = CASE WHEN row.seen THEN $at ELSE n.last_seen END
"""

# State-only variant: the same change without history (used only by the benchmark).
UPDATE_CIS_NO_HISTORY = """
UNWIND $rows AS row
MATCH (n:CI {uid: row.uid})
SET n += row.set, n._vfrom = $at, n._cs = $cs
"""

TOUCH_CIS = """
UNWIND $rows AS row
MATCH (n:CI {uid: row.uid})
SET n += row.set
SET n.last_seen = CASE WHEN row.seen THEN $at ELSE n.last_seen END
"""

CLOSE_LINKS = """
UNWIND $ids AS id
MATCH ()-[r]->() WHERE elementId(r) = id
SET r.until = $at, r.cs_close = $cs
"""


CREATE_PENDING = """
UNWIND $rows AS row
CREATE (p:PendingLink) SET p = row, p.first_seen = $at
"""

DELETE_PENDING = """
UNWIND $ids AS id
MATCH (p:PendingLink) WHERE elementId(p) = id
DELETE p
"""

TOUCH_LINKS = """
UNWIND $rows AS row
MATCH ()-[r]->() WHERE elementId(r) = row.id
SET r += row.set
SET r.last_seen = CASE WHEN row.seen THEN $at ELSE r.last_seen END
"""

RECORD_CONFLICTS = """
UNWIND $rows AS row
MERGE (c:IdentificationConflict {key: row.key})
ON CREATE SET c.first_detected = $at, c.status = 'open'
SET c.class = row.class, c.uids = row.uids, c.chosen = row.chosen,
    c.identifiers = row.identifiers, c.last_detected = $at, c.cs = $cs
"""


def create_cis_query(cls: CIClass) -> str:
    labels = ":".join([*cls.labels, "State"])
    # Times are one parameter for the whole change set, not a value per row: packing
    # thousands of datetimes costs more than the rest of the row.
    return (
        f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row, "
        "n.first_seen = $at, n.last_seen = $at, n._vfrom = $at"
    )


def create_links_query(rel_type: str) -> str:
    # The few distinct property maps (source, evidence, change set, scope) are sent once
    # in $props; a row names its map by position.
    return (
        "UNWIND $rows AS row MATCH (a:CI {uid: row.a}) MATCH (b:CI {uid: row.b}) "
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = $props[row.p], r.since = $at, r.last_seen = $at"
    )
