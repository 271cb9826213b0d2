"""Manual relationships: the open link of one type between two CIs (closing it by hand).

The type comes from schema/ (the caller checks it there); the uids are parameters. A
symmetric type's link may be stored either way round.
"""

from __future__ import annotations

from cmdb.schema import RelType


def open_link_query(rel: RelType) -> str:
    arrow = "-" if rel.symmetric else "->"
    return (
        f"MATCH (a:CI {{uid: $a}})-[r:{rel.name}]{arrow}(b:CI {{uid: $b}}) "
        "WHERE r.until IS NULL RETURN elementId(r) AS id, r.since AS since"
    )
