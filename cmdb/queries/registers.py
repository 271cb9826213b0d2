"""Reads of the recorded inventory as a register (audits/register/export.py): each
device of the given classes (not retired) with its register attributes, the place it is
LOCATED_IN with the places above it (rack, room, location; bounded), its owners
(OWNED_BY a Person or Team) and its contracts (COVERED_BY), open links only."""

from __future__ import annotations

REGISTER_DEVICES = """
MATCH (d:CI:Device)
WHERE d._class IN $classes AND d.status <> 'retired'
CALL (d) {
  OPTIONAL MATCH path = (d)-[:LOCATED_IN*1..3]->(:Location)
  WHERE all(r IN relationships(path) WHERE r.until IS NULL)
  RETURN [n IN nodes(path)[1..] | [n._class, n.name]] AS places
  ORDER BY length(path) DESC
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
