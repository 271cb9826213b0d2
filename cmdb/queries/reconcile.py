"""Reconciliation reads (audits/reconcile): the devices of the register's classes with
what reconciliation compares (identifiers, the per-source sightings `_seen` and attribute
owners `_prov`, the names of their open places and owners with each link's source), and
the addresses discovery runs reached. Labels come from schema/ only; values are
parameters."""

from __future__ import annotations

from collections.abc import Sequence


def devices_query(labels: Sequence[str]) -> str:
    """The CIs of `labels` in `$statuses`: one label scan each (a union, so the planner
    cannot choose to read every node), their open LOCATED_IN and OWNED_BY links' far ends
    (class, and name or e-mail) with the link's source, and the places a far end is
    within (its open LOCATED_IN chain, two steps at most: a rack's room and location)."""
    scans = "\n  UNION ALL\n  ".join(f"MATCH (c:{label}) RETURN c" for label in labels)
    return f"""
CALL () {{
  {scans}
}}
WITH c WHERE c.status IN $statuses
CALL (c) {{
  OPTIONAL MATCH (c)-[r:LOCATED_IN|OWNED_BY]->(t:CI)
  WHERE r.until IS NULL
  RETURN collect({{type: type(r), class: t._class, name: coalesce(t.email, t.name),
                   source: r.source,
                   within: [(t)-[u:LOCATED_IN*1..2]->(p:CI)
                            WHERE all(x IN u WHERE x.until IS NULL) | [size(u), p.name]]}})
         AS links
}}
RETURN c.uid AS uid, c._class AS class, c.name AS name, c.status AS status,
       c.serial_number AS serial_number, c.hostname AS hostname, c.model AS model,
       c.management_ip AS management_ip, toString(c.warranty_end) AS warranty_end,
       c._seen AS seen, c._prov AS prov, links
"""


# The targets every discovery run worked on (its coverage: target -> protocol -> status).
RUN_COVERAGE = """
MATCH (r:DiscoveryRun)
RETURN r.id AS run, r.coverage AS coverage
ORDER BY r.started_at DESC
LIMIT $limit
"""

# Switch ports that are up with an open CONNECTED_TO, and whether an information point is
# patched to them (an open PATCHED_TO), on the switches the information-point table
# records (one point patched to a port of theirs): the table is reconciled for what it
# covers; the rule switch-port-known judges every switch.
CONNECTED_PORTS = """
MATCH (d:NetworkDevice)-[h:HAS_INTERFACE]->(i:Interface)
USING SCAN d:NetworkDevice
WHERE h.until IS NULL AND i.status IN $statuses AND i.oper_status = $up
  AND EXISTS { MATCH (i)-[c:CONNECTED_TO]-(:Interface) WHERE c.until IS NULL }
  AND EXISTS { MATCH (d)-[:HAS_INTERFACE]->(:Interface)<-[t:PATCHED_TO]-(:InformationPoint)
               WHERE t.until IS NULL }
RETURN i.uid AS uid, i.name AS name, d.name AS device,
       EXISTS { MATCH (:InformationPoint)-[p:PATCHED_TO]->(i) WHERE p.until IS NULL }
         AS patched
"""

# Information points with the port they are patched to (an open PATCHED_TO), if any.
POINT_PORTS = """
MATCH (p:InformationPoint)
WHERE p.status IN $statuses
OPTIONAL MATCH (p)-[r:PATCHED_TO]->(i:Interface)
WHERE r.until IS NULL
RETURN p.uid AS uid, p.point_id AS point_id, i.uid AS port_uid, i.name AS port,
       i.oper_status AS oper_status
"""

# Identification conflicts still open (one fact's identifiers found several CIs): few.
OPEN_CONFLICTS = """
MATCH (c:IdentificationConflict)
WHERE c.status = $open
RETURN c.key AS key, c.class AS class, c.uids AS uids, c.chosen AS chosen,
       c.identifiers AS identifiers
"""
