"""Identification: finding CIs by their identifier sets (labels and property names come
from schema/, values are parameters), and by what a person types (a uid or a name)."""

from __future__ import annotations

from cmdb.schema import CIClass

# What telling 'unchanged' from 'changed' needs, without reading the whole CI; the order
# is the order cmdb.identity.lookup unpacks.
LOOKUP_SUMMARY = (
    "[row.i, n.uid, n._fp, n._lfp, n._seen, n._scope, n._missed, n.status, "
    "n.last_seen.epochSeconds, n.last_seen.nanosecond, n._claims]"
)

# A CI by uid or name, as a person names it; at most 20, enough to say it is ambiguous.
FIND_BY_UID_OR_NAME = """
MATCH (c:CI) WHERE c.uid = $key OR c.name = $key
RETURN c.uid AS uid, c.name AS name, c._class AS class LIMIT 20
"""


def lookup_query(cls: CIClass, set_index: int) -> str:
    """One (class, identifier set) look-up for a batch of rows (`row.v0`.. the values,
    `row.p` the parent uid of a scoped class, `row.i` the caller's index).

    Everything found comes back as one list in one record: thousands of small records cost
    the driver more than the query.
    """
    id_set = cls.identification[set_index]
    props = [f"{a}: row.v{i}" for i, a in enumerate(id_set)]
    if cls.scoped_by:
        props.append("_parent: row.p")
    return (
        f"UNWIND $rows AS row MATCH (n:{cls.name} {{{', '.join(props)}}}) "
        f"RETURN collect({LOOKUP_SUMMARY}) AS found"
    )


def within_lookup_query(cls: CIClass, id_set: tuple[str, ...]) -> str:
    """The uids of the CIs of a scoped class under the parent `$p` carrying a reference-only
    identifier set (`$v0`.. its values)."""
    props = ", ".join([*(f"{a}: $v{i}" for i, a in enumerate(id_set)), "_parent: $p"])
    return f"MATCH (n:{cls.name} {{{props}}}) RETURN n.uid AS uid ORDER BY uid"


def global_lookup_query(cls: CIClass, id_set: tuple[str, ...]) -> str:
    """The uids of the CIs of a class carrying a global identifier set (`$v0`.. its values)."""
    props = ", ".join(f"{a}: $v{i}" for i, a in enumerate(id_set))
    return f"MATCH (n:{cls.name} {{{props}}}) RETURN n.uid AS uid ORDER BY uid"
