"""Summaries of the graph for people: how many CIs of each class in each status, and the
best-connected discovered device (what `cmdb demo` prints and offers to look at)."""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

CI_COUNTS = """
MATCH (c:CI)
RETURN c._class AS class, c.status AS status, count(*) AS n
ORDER BY class, status
"""

# The discovered network device with the most open links from its ports (ties by name).
BEST_CONNECTED_DEVICE = """
MATCH (d:CI:NetworkDevice)-[:HAS_INTERFACE]->(:Interface)-[r:CONNECTED_TO]-()
WHERE r.until IS NULL AND d._scope IS NOT NULL
RETURN d.name AS name, count(r) AS n
ORDER BY n DESC, name
LIMIT 1
"""


@dataclass(frozen=True)
class CICount:
    class_name: str
    status: str
    cis: int


def count_cis(driver: neo4j.Driver) -> list[CICount]:
    """The number of CIs per (class, status), in that order."""
    records, _, _ = driver.execute_query(CI_COUNTS, routing_=neo4j.RoutingControl.READ)
    return [CICount(r["class"], r["status"], int(r["n"])) for r in records]


def best_connected_device(driver: neo4j.Driver) -> str | None:
    """The name of the discovered network device with the most open links, if any."""
    records, _, _ = driver.execute_query(BEST_CONNECTED_DEVICE, routing_=neo4j.RoutingControl.READ)
    return str(records[0]["name"]) if records else None
