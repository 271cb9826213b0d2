"""The schema's migration records ((:SchemaMigration {id, version, checksum, applied_at,
note})): which steps a graph has had, recording one, and waiting for new indexes. The
DDL itself is generated from schema/ in cmdb.migrations."""

from __future__ import annotations

from datetime import datetime

import neo4j

APPLIED = "MATCH (m:SchemaMigration) RETURN m.id AS id, m.version AS version"

# The derived DDL, re-applied under a new id when the schema changes.
RECORD_DERIVED = """
MERGE (m:SchemaMigration {id: $id})
SET m.version = $version, m.checksum = $checksum, m.applied_at = $at, m.note = $note
"""

# A data migration file, in the transaction of its statements (applied once: the id is
# unique, so a second writer fails instead of recording it twice).
RECORD_FILE = """
CREATE (:SchemaMigration {id: $id, version: $version, checksum: $checksum,
                          applied_at: $at, note: $note})
"""

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"


def applied_steps(driver: neo4j.Driver) -> dict[str, int | None]:
    """The id of every step applied to the graph, with the schema version it recorded."""
    records, _, _ = driver.execute_query(APPLIED)
    return {str(r["id"]): r["version"] for r in records}


def record_derived(
    driver: neo4j.Driver, step: str, version: int, checksum: str, at: datetime, note: str
) -> None:
    driver.execute_query(
        RECORD_DERIVED, id=step, version=version, checksum=checksum, at=at, note=note
    )


def record_file(
    tx: neo4j.Transaction, step: str, version: int, checksum: str, at: datetime, note: str
) -> None:
    tx.run(RECORD_FILE, id=step, version=version, checksum=checksum, at=at, note=note)


def await_indexes(driver: neo4j.Driver, seconds: int = 300) -> None:
    """Return once every index is online (schema DDL returns before they are built)."""
    driver.execute_query(AWAIT_INDEXES, seconds=seconds)
