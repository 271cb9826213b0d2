"""A register file imported: read -> headings -> rows -> facts -> one ingest (or a dry
run: the ingest plans in a read transaction and writes nothing, cmdb.ingest.Ingestor).
Rows the schema's validation refuses (a value of the wrong shape) are refused one by one
and the rest imported; the file as a whole fails only when it cannot be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audits.register.errors import RegisterError
from audits.register.facts import Facts, build_facts
from audits.register.headings import Header, find_header
from audits.register.read import collect_grid
from audits.register.rows import ParsedRows, RegisterRow, RowProblem, parse_rows
from audits.register.vocabulary import Vocabulary, read_mapping, vocabulary
from cmdb.ingest import Ingestor
from cmdb.ingest.result import IngestResult
from cmdb.queries.registers import classes_by_serial_query
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema
from cmdb.validate import InvalidObservation, Validated

_ROW_KEY = re.compile(r"key 'row (\d+)'")
PART_ROWS = 10_000  # rows per change set (see import_register)


@dataclass
class ImportReport:
    path: Path
    sheet: str
    header: Header
    imported: list[int]  # sheet rows in the change set
    skipped: list[int]  # blank and subtotal rows
    problems: list[RowProblem]  # refused rows, in row order
    notes: list[RowProblem]  # imported rows, part of them left out
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_opened: int = 0
    links_pending: int = 0  # links whose target is not on record yet (they wait for it)
    changeset_id: str | None = None  # the (last) change set written
    changesets: list[str] = field(default_factory=list)  # every one, a part of the file each
    diff: list[dict[str, Any]] = field(default_factory=list)

    def record(self, result: IngestResult) -> None:
        """One part's ingest, added to the file's counts."""
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged
        self.links_opened += result.links_opened
        self.links_pending += result.pending
        self.diff += result.diff
        if result.changeset_id:
            self.changeset_id = result.changeset_id
            self.changesets.append(result.changeset_id)


@dataclass(frozen=True)
class RegisterFile:
    """A register as read, before any graph is touched."""

    path: Path
    sheet: str
    header: Header
    parsed: ParsedRows


def read_register(
    path: Path, sheet: str | None = None, mapping: Path | None = None
) -> RegisterFile:
    """The header and rows of a register (no graph needed); RegisterError when the file,
    its sheet or the mapping cannot be read."""
    words = vocabulary()
    if mapping is not None:
        words = words.with_mapping(read_mapping(mapping))
    grid = collect_grid(path, sheet)
    header = find_header(grid, words)
    return RegisterFile(path, grid.sheet, header, parse_rows(grid, header, words))


def import_register(
    ingestor: Ingestor, register: RegisterFile, actor: str = "register", dry_run: bool = False,
    reason: str | None = None,
) -> ImportReport:  # fmt: skip
    """The register's rows ingested as one change set (planned only, for a dry run); the
    change set's reason names the file, and `reason` when given. A file of more than
    PART_ROWS rows is ingested as one change set per PART_ROWS rows (a transaction holds
    what one change set writes, and 100,000 rows outgrow Neo4j's transaction memory at
    a 3 GB heap, bench/audit.py): an identifier is refused on a later part as on a later
    row, and if a part fails, the parts before it stay written and importing the file
    again writes only what is not written yet."""
    path, parsed = register.path, register.parsed
    where = (str(path), register.sheet)
    why = f"register {path.name}" + (f": {reason}" if reason else "")
    parts = [parsed.rows[i : i + PART_ROWS] for i in range(0, len(parsed.rows), PART_ROWS)]
    report = ImportReport(path, register.sheet, register.header, [], parsed.skipped,
                          list(parsed.problems), [])  # fmt: skip
    seen: dict[str, int] = {}
    for k, rows in enumerate(parts or [[]], 1):
        part_why = why if len(parts) <= 1 else f"{why} (part {k} of {len(parts)})"
        validated, facts = _validated(ingestor, rows, vocabulary(), where, actor, part_why, seen)
        seen = facts.seen
        report.imported += facts.rows
        report.problems += facts.problems
        report.notes += facts.notes
        if facts.rows:
            report.record(ingestor.ingest(validated, dry_run=dry_run))
    report.problems.sort(key=lambda p: p.row)
    return report


def read_recorded_classes(schema: Schema, rows: list[RegisterRow]) -> Plan[dict[str, set[str]]]:
    """The classes of the recorded devices carrying the rows' serial numbers."""
    serials = sorted({str(r.values["serial"]) for r in rows if r.values.get("serial")})
    classes = [
        c.name for c in schema.concrete()
        if schema.is_a(c.name, "Device") and ("serial_number",) in c.identification
    ]  # fmt: skip
    found: dict[str, set[str]] = {}
    if serials and classes:
        for row in (yield Query(classes_by_serial_query(classes), {"serials": serials})):
            found.setdefault(row["serial"], set()).add(row["class"])
    return found


def _validated(
    ingestor: Ingestor, rows: list[RegisterRow], words: Vocabulary, where: tuple[str, str],
    actor: str, reason: str, seen: dict[str, int],
) -> tuple[Validated, Facts]:  # fmt: skip
    """The change set of the rows as the ingest's validation passes it: a row it refuses
    is a problem of that row, and the rest is built again without it."""
    refused: list[RowProblem] = []
    now = datetime.now(UTC)
    recorded = run_plan(ingestor.driver, read_recorded_classes(ingestor.schema, rows))
    while True:
        facts = build_facts(rows, ingestor.schema, where, actor, reason, now,
                            words.kind_attributes, recorded, seen)  # fmt: skip
        try:
            validated = ingestor.validate(facts.changeset, now)
        except InvalidObservation as exc:
            match = _ROW_KEY.search(exc.at or "")
            if match is None:
                raise RegisterError(f"{where[0]}: {exc}") from None
            number = int(match[1])
            field_name = f"{exc.field}: " if exc.field else ""
            refused.append(RowProblem(*where, number, "", f"{field_name}{exc.reason}"))
            rows = [r for r in rows if r.row != number]
            continue
        facts.problems.extend(refused)
        return validated, facts
