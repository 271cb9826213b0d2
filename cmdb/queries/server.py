"""What the Neo4j server says about itself."""

from __future__ import annotations

import neo4j

VERSION = "CALL dbms.components() YIELD versions RETURN versions[0] AS version"


def neo4j_version(driver: neo4j.Driver) -> str:
    records, _, _ = driver.execute_query(VERSION, routing_=neo4j.RoutingControl.READ)
    return str(records[0]["version"])
