"""Constraints and indexes derived from schema/, applied as versioned, idempotent migrations.

Two kinds of step, each recorded as a (:SchemaMigration {id, checksum, applied_at}) node:
- `derived`: every constraint/index the current schema implies (CREATE ... IF NOT EXISTS,
  so re-applying is harmless); recorded under the schema checksum.
- files in schema/migrations/NNNN_name.cypher: data migrations, applied once each, in
  order, one transaction each. A graph that records a newer schema version than this
  code knows is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import neo4j

from cmdb.errors import MigrationError
from cmdb.queries.api_reads import SEARCH_INDEX
from cmdb.queries.migrations import applied_steps, await_indexes, record_derived, record_file
from cmdb.schema import SCHEMA_DIR, CIClass, Schema

MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.cypher$")


@dataclass(frozen=True)
class Applied:
    id: str
    statements: int


# Bump when derived_statements() changes, so graphs built by older code get the new DDL.
DERIVED_REVISION = 9  # 6: the full-text index ci_search; 7: the page indexes of every label;
# 8: findings and audit runs; 9: scheduled runs


def _ident(*parts: str) -> str:
    return "_".join(p.lower() for p in parts)


# audits (audits/, cmdb/queries/audits.py): findings by id, by (rule, CI) key, by rule and
# by status; their ids from one sequence node; audit runs by id and start
AUDIT_DDL = [
    "CREATE CONSTRAINT finding_id IF NOT EXISTS FOR (f:Finding) REQUIRE f.id IS UNIQUE",
    "CREATE CONSTRAINT finding_key IF NOT EXISTS FOR (f:Finding) REQUIRE f.key IS UNIQUE",
    "CREATE INDEX finding_rule IF NOT EXISTS FOR (f:Finding) ON (f.rule)",
    "CREATE INDEX finding_status IF NOT EXISTS FOR (f:Finding) ON (f.status)",
    "CREATE CONSTRAINT finding_sequence IF NOT EXISTS "
    "FOR (k:FindingSequence) REQUIRE k.name IS UNIQUE",
    "CREATE CONSTRAINT auditrun_id IF NOT EXISTS FOR (r:AuditRun) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX auditrun_started IF NOT EXISTS FOR (r:AuditRun) ON (r.started_at)",
    # the scheduler's runs (cmdb/schedule.py): a task's newest tick, at start-up
    "CREATE INDEX scheduledrun_task_due IF NOT EXISTS FOR (r:ScheduledRun) ON (r.task, r.due)",
]


def derived_statements(schema: Schema) -> list[str]:
    """Every constraint and index the schema implies. Labels come only from the schema."""
    stmts = [
        "CREATE CONSTRAINT ci_uid IF NOT EXISTS FOR (n:CI) REQUIRE n.uid IS UNIQUE",
        # The identity key a CI was created under: makes concurrent creation race-free.
        "CREATE CONSTRAINT ci_idk IF NOT EXISTS FOR (n:CI) REQUIRE n._idk IS UNIQUE",
        "CREATE INDEX ci_name IF NOT EXISTS FOR (n:CI) ON (n.name)",
        "CREATE INDEX ci_scope IF NOT EXISTS FOR (n:CI) ON (n._scope)",
        "CREATE INDEX ci_status IF NOT EXISTS FOR (n:CI) ON (n.status)",
        "CREATE INDEX ci_vfrom IF NOT EXISTS FOR (n:CI) ON (n._vfrom)",
        "CREATE INDEX ci_first_seen IF NOT EXISTS FOR (n:CI) ON (n.first_seen)",
        # Every state of a CI, the current one (:CI:State) and the frozen ones
        # (:CIVersion:State), in one (uid, _vfrom) index: an as-of read is one seek.
        "CREATE INDEX state_uid_from IF NOT EXISTS FOR (s:State) ON (s.uid, s._vfrom)",
        "DROP INDEX version_uid_from IF EXISTS",  # replaced by state_uid_from
        "CREATE INDEX version_to IF NOT EXISTS FOR (v:CIVersion) ON (v._to)",
        "CREATE CONSTRAINT changeset_id IF NOT EXISTS FOR (c:ChangeSet) REQUIRE c.id IS UNIQUE",
        "CREATE INDEX changeset_at IF NOT EXISTS FOR (c:ChangeSet) ON (c.at)",
        "CREATE INDEX pending_key IF NOT EXISTS FOR (p:PendingLink) ON (p.key)",
        "CREATE INDEX pending_scope IF NOT EXISTS FOR (p:PendingLink) ON (p.scope)",
        "CREATE INDEX conflict_key IF NOT EXISTS FOR (c:IdentificationConflict) ON (c.key)",
        "CREATE CONSTRAINT discoveryrun_id IF NOT EXISTS "
        "FOR (r:DiscoveryRun) REQUIRE r.id IS UNIQUE",
        "CREATE INDEX discoveryrun_started IF NOT EXISTS FOR (r:DiscoveryRun) ON (r.started_at)",
        "CREATE CONSTRAINT migration_id IF NOT EXISTS "
        "FOR (m:SchemaMigration) REQUIRE m.id IS UNIQUE",
        # API tokens (cmdb/tokens.py): one name each, found by the hash of their secret
        "CREATE CONSTRAINT apitoken_name IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.name IS UNIQUE",
        "CREATE CONSTRAINT apitoken_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE",
        # change requests (cmdb/changes/): ids from one sequence node, listed by state; the
        # change sets written under a request found by its id
        "CREATE CONSTRAINT changerequest_id IF NOT EXISTS "
        "FOR (c:ChangeRequest) REQUIRE c.id IS UNIQUE",
        "CREATE CONSTRAINT changerequest_sequence IF NOT EXISTS "
        "FOR (k:ChangeRequestSequence) REQUIRE k.name IS UNIQUE",
        "CREATE INDEX changerequest_state IF NOT EXISTS FOR (c:ChangeRequest) ON (c.state)",
        "CREATE INDEX changeset_change_request IF NOT EXISTS "
        "FOR (c:ChangeSet) ON (c.change_request)", *AUDIT_DDL,
    ]  # fmt: skip
    for cls in schema.concrete():
        stmts.extend(_class_indexes(cls))
    for label in schema.classes:
        stmts.extend(page_indexes(label))
    # dropped and made again: CREATE ... IF NOT EXISTS goes by the name, and a schema that
    # changes what is searched must change the index (derived steps run once per schema)
    stmts += [f"DROP INDEX {SEARCH_INDEX} IF EXISTS", search_index(schema)]
    for rel in schema.relationships.values():
        stmts.append(
            f"CREATE INDEX rel_{rel.name.lower()}_since IF NOT EXISTS "
            f"FOR ()-[r:{rel.name}]-() ON (r.since)"
        )
        stmts.append(
            f"CREATE INDEX rel_{rel.name.lower()}_scope IF NOT EXISTS "
            f"FOR ()-[r:{rel.name}]-() ON (r.scope)"
        )
        stmts.append(
            f"CREATE INDEX rel_{rel.name.lower()}_until IF NOT EXISTS "
            f"FOR ()-[r:{rel.name}]-() ON (r.until)"
        )
    return stmts


def page_indexes(label: str) -> list[str]:
    """The indexes a page of a label's CIs (the API's `cis`) is read in the order of, so
    that a page reads its own rows and no more: (name, uid) for the name order, ties in uid
    order; (uid) for the uid order (CI's is the uniqueness constraint's)."""
    stmts = [
        f"CREATE INDEX {_ident('page', label, 'name', 'uid')} IF NOT EXISTS "
        f"FOR (n:{label}) ON (n.name, n.uid)"
    ]
    if label != "CI":
        stmts.append(
            f"CREATE INDEX {_ident('page', label, 'uid')} IF NOT EXISTS FOR (n:{label}) ON (n.uid)"
        )
    return stmts


# Attributes searched besides the identifiers: addresses and MACs by their names.
SEARCHED = re.compile(r"(^|_)(mac|ip|address|serial)(_|$)")


def search_index(schema: Schema) -> str:
    """The full-text index of `search`: names and every string attribute that alone
    identifies a CI (serials, host names, MACs, addresses, numbers) or names an address or
    a MAC. One index over :CI (the current states)."""
    props = {"name"}
    for cls in schema.classes.values():
        alone = {s[0] for s in (*cls.identification, *cls.global_identification) if len(s) == 1}
        props |= {
            attr.name
            for attr in cls.attributes.values()
            if attr.type == "string" and (attr.name in alone or SEARCHED.search(attr.name))
        }
    on = ", ".join(f"n.{p}" for p in sorted(props))
    return f"CREATE FULLTEXT INDEX {SEARCH_INDEX} IF NOT EXISTS FOR (n:CI) ON EACH [{on}]"


def _class_indexes(cls: CIClass) -> list[str]:
    """The indexes of a class's identifier sets (a scoped class's with `_parent`)."""
    stmts: list[str] = []
    for id_set in cls.identification:
        # An index's name says what it covers, so that a class that becomes scoped
        # (IPAddress, schema version 3) gets a new index instead of keeping the old
        # one under the old name: CREATE ... IF NOT EXISTS goes by the name.
        props = list(id_set)
        name = _ident(cls.name, *id_set)
        if cls.scoped_by:
            stmts.append(f"DROP INDEX {name} IF EXISTS")
            props, name = ["_parent", *props], _ident(cls.name, "parent", *id_set)
        on = ", ".join(f"n.{p}" for p in props)
        stmts.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{cls.name}) ON ({on})")
    for id_set in cls.reference_identification:
        name = _ident(cls.name, "parent", "ref", *id_set)
        on = ", ".join(f"n.{p}" for p in ["_parent", *id_set])
        stmts.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{cls.name}) ON ({on})")
    for id_set in cls.global_identification:
        name = _ident(cls.name, "global", *id_set)
        on = ", ".join(f"n.{p}" for p in id_set)
        stmts.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{cls.name}) ON ({on})")
    return stmts


def migration_files(directory: Path = SCHEMA_DIR / "migrations") -> list[Path]:
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.iterdir() if p.suffix == ".cypher")
    for path in files:
        if not MIGRATION_FILE.match(path.name):
            raise MigrationError(f"{path}: migration files are named NNNN_snake_name.cypher")
    return files


def apply(driver: neo4j.Driver, schema: Schema, directory: Path | None = None) -> list[Applied]:
    """Bring the graph up to this schema. Idempotent; returns what was applied now."""
    done = applied_steps(driver)
    newest = max((version or 0 for version in done.values()), default=0)
    if newest > schema.version:
        raise MigrationError(
            f"the graph is at schema version {newest}, this code knows version {schema.version}"
        )
    applied: list[Applied] = []
    for mig_id, path in _steps(schema, set(done), directory):
        if path is None:  # the derived constraints and indexes
            stmts = derived_statements(schema)
            for stmt in stmts:  # schema DDL cannot share a transaction with writes
                driver.execute_query(stmt)
            await_indexes(driver)
            note = f"{len(stmts)} constraints and indexes"
            record_derived(driver, mig_id, schema.version, schema.checksum, datetime.now(UTC), note)
            applied.append(Applied(mig_id, len(stmts)))
            continue
        text = path.read_text(encoding="utf-8")
        stmts = [s.strip() for s in text.split(";") if s.strip() and not _comment_only(s)]
        with driver.session() as session, session.begin_transaction() as tx:
            for stmt in stmts:
                try:
                    tx.run(stmt)
                except neo4j.exceptions.Neo4jError as exc:
                    raise MigrationError(f"{path}: {exc.message}") from None
            record_file(tx, mig_id, schema.version, schema.checksum, datetime.now(UTC), path.name)
            tx.commit()
        applied.append(Applied(mig_id, len(stmts)))
    return applied


def _steps(
    schema: Schema, done: set[str], directory: Path | None
) -> list[tuple[str, Path | None]]:
    """The steps not done yet, in order, by id: the derived DDL (no file), then the data
    migration files."""
    files = migration_files(directory or SCHEMA_DIR / "migrations")
    steps: list[tuple[str, Path | None]] = [(f"derived:{DERIVED_REVISION}:{schema.checksum}", None)]
    steps += [(f"file:{path.name}", path) for path in files]
    return [(step, path) for step, path in steps if step not in done]


def pending(driver: neo4j.Driver, schema: Schema, directory: Path | None = None) -> list[str]:
    """The steps `apply` would take on this graph now: none on a graph that is in step."""
    return missing_steps(schema, set(applied_steps(driver)), directory)


def missing_steps(schema: Schema, done: set[str], directory: Path | None = None) -> list[str]:
    """The steps `apply` would take on a graph that has had the steps `done` (the API's
    /readyz reads `done` through its async driver)."""
    return [step for step, _path in _steps(schema, done, directory)]


def require(driver: neo4j.Driver, schema: Schema, directory: Path | None = None) -> None:
    """Refuse to work on a graph this code's schema has not been applied to: code of a
    newer schema would write CIs the stored ones are not identified with (and older code
    is refused by `apply`)."""
    missing = pending(driver, schema, directory)
    if missing:
        raise MigrationError(
            f"the graph is not at schema version {schema.version} ({schema.checksum}): "
            f"{', '.join(missing)} not applied; run `cmdb schema apply` (or `cmdb db up`)"
        )


def _comment_only(stmt: str) -> bool:
    return all(line.strip().startswith("//") or not line.strip() for line in stmt.splitlines())
