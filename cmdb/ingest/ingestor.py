"""The public entry point: `Ingestor.ingest(changeset)` validates a change set, plans it
(cmdb.ingest.pipeline) in one transaction and writes the plan in that same transaction;
a dry run plans in a read transaction and writes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import neo4j

from cmdb.config import Config
from cmdb.errors import ObservationError
from cmdb.ingest.neo4j_reader import Neo4jReader
from cmdb.ingest.pipeline import plan
from cmdb.ingest.result import IngestResult
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from cmdb.validate import Validated, validate_changeset
from cmdb.write import Tx, write


class _Collision(Exception):
    """A concurrent writer created the same CI first; plan again."""


class Ingestor:
    def __init__(self, driver: neo4j.Driver, schema: Schema, config: Config) -> None:
        self.driver = driver
        self.schema = schema
        self.config = config

    def validate(self, changeset: ChangeSet, now: datetime | None = None) -> Validated:
        """Every check a change set passes before anything of it is written (the schema,
        its references, its time against the clock), or ObservationError."""
        now = now or datetime.now(UTC)
        return validate_changeset(self.schema, changeset, now, self.config.max_clock_skew)

    def ingest(self, changeset: ChangeSet | Validated, dry_run: bool = False) -> IngestResult:
        """Ingest a change set, or one `validate` already checked."""
        return _ingest(self, changeset, dry_run=dry_run, history=True)

    def ingest_many(
        self, changesets: list[ChangeSet] | list[Validated], workers: int = 2
    ) -> list[IngestResult]:
        """Ingest independent change sets (one per target, say), `workers` at a time.

        Each is still its own transaction. While one waits for the database, another is
        validated and planned, which keeps both the Python process and Neo4j busy. Writers
        take locks on shared nodes in one order (see cmdb.write), and a deadlock the
        database still detects is retried by the driver.
        """
        if workers <= 1 or len(changesets) <= 1:
            return [self.ingest(cs) for cs in changesets]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
            return list(pool.map(self.ingest, changesets))

    def _plan_only(self, tx: Tx, validated: Validated) -> IngestResult:
        return plan(
            Neo4jReader(tx, self.config.batch_size), self.schema, self.config, validated
        ).result

    def _run(self, tx: Tx, validated: Validated, history: bool) -> IngestResult:
        planned = plan(Neo4jReader(tx, self.config.batch_size), self.schema, self.config, validated)
        try:
            write(tx, planned.writes, planned.record, self.config.batch_size, history=history)
        except neo4j.exceptions.ConstraintError as exc:
            if "_idk" in (exc.message or ""):
                raise _Collision from exc
            raise
        if not planned.writes.changes():
            planned.result.changeset_id = None
        return planned.result


def ingest_state_only(ingestor: Ingestor, changeset: ChangeSet) -> IngestResult:
    """The benchmark's baseline (bench/ingest.py), never for real data: the same ingest
    with the versions left out, so the cost of history can be measured against it."""
    return _ingest(ingestor, changeset, dry_run=False, history=False)


def _ingest(
    ingestor: Ingestor, changeset: ChangeSet | Validated, dry_run: bool, history: bool
) -> IngestResult:
    validated = changeset if isinstance(changeset, Validated) else ingestor.validate(changeset)
    for _attempt in range(3):
        try:
            with ingestor.driver.session() as session:
                if dry_run:
                    return session.execute_read(ingestor._plan_only, validated)
                return session.execute_write(ingestor._run, validated, history)
        except _Collision:
            continue
    label = validated.changeset.label()
    raise ObservationError(label, None, "concurrent writers kept colliding")
