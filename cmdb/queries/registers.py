"""Reads of the recorded inventory as a register (audits/register/export.py): each
device of the given classes (not retired) with its register attributes, the place it is
LOCATED_IN with the places above it (rack, room, location: three steps at most), its owners
(OWNED_BY a Person or Team) and its contracts (COVERED_BY), open links only."""

from __future__ import annotations

REGISTER_DEVICES = """
MATCH (d:CI:Device)
WHERE d._class IN $classes AND d.status <> 'retired'
CALL (d) {
  OPTIONAL MATCH (d)-[r1:LOCATED_IN]->(p1:CI) WHERE r1.until IS NULL
  OPTIONAL MATCH (p1)-[r2:LOCATED_IN]->(p2:CI) WHERE r2.until IS NULL
  OPTIONAL MATCH (p2)-[r3:LOCATED_IN]->(p3:CI) WHERE r3.until IS NULL
  RETURN [p IN [p1, p2, p3] WHERE p IS NOT NULL | [p._class, p.name]] AS places
  LIMIT 1
}
CALL (d) {
  OPTIONAL MATCH (d)-[r:OWNED_BY]->(o:CI)
  WHERE r.until IS NULL
  RETURN collect([o._class, coalesce(o.email, o.name)]) AS owners
}
CALL (d) {
  OPTIONAL MATCH (d)-[r:COVERED_BY]->(c:CI:Contract)
  WHERE r.until IS NULL
  RETURN collect(c.contract_number) AS contracts
}
RETURN d.uid AS uid, d._class AS class, d.name AS name, d.serial_number AS serial_number,
       d.asset_tag AS asset_tag, d.vendor AS vendor, d.model AS model,
       d.hostname AS hostname, d.warranty_end AS warranty_end,
       d.description AS description,
       coalesce(d.device_kind, d.peripheral_kind, d.endpoint_kind) AS kind,
       places, owners, contracts
ORDER BY d.uid
"""


def classes_by_serial_query(classes: list[str]) -> str:
    """The class of each recorded CI carrying one of `$serials` as its serial number,
    among `classes` (device classes identified by their serial number: one index seek
    each, labels from schema/)."""
    return "\nUNION ALL\n".join(
        f"UNWIND $serials AS s MATCH (n:{cls} {{serial_number: s}}) "
        "RETURN s AS serial, n._class AS class"
        for cls in classes
    )
