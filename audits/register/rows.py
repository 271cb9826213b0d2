"""Rows stage: the data rows under a header as typed register rows, or the reasons a row
is refused (pure). Blank rows and subtotal rows (合计, 小计, total) are skipped; text is
normalised (full-width forms folded); dates parsed; the type word looked up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from audits.register.dates import parse_date
from audits.register.headings import Column, Header
from audits.register.read import Cell, Grid
from audits.register.vocabulary import Vocabulary, heading_key, normalize_text

DATE_FIELDS = ("purchase_date", "warranty_end")
SUBTOTAL = ("合计", "小计", "总计", "共计", "total", "subtotal", "sum")
IDENTIFIERS = ("serial", "hostname")


@dataclass(frozen=True)
class RegisterRow:
    row: int  # the sheet's row number (1-based)
    cls: str | None  # None: no type given (the recorded CI's class, if any, serves)
    kind: str | None
    values: dict[str, str | date]  # field -> value; empty cells left out


@dataclass(frozen=True)
class RowProblem:
    path: str
    sheet: str
    row: int
    column: str  # "C (型号)"; "" for the row as a whole
    reason: str

    def message(self) -> str:
        sheet = f", sheet {self.sheet!r}" if self.sheet else ""
        column = f", column {self.column}" if self.column else ""
        return f"{self.path}{sheet}, row {self.row}{column}: {self.reason}"


@dataclass
class ParsedRows:
    rows: list[RegisterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # blank and subtotal rows


def cell_text(value: Cell) -> str:
    """A cell as text: a whole float (an Excel number: 123456.0) without its `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return normalize_text(str(int(value)))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return normalize_text(str(value))


def is_subtotal(cells: list[str]) -> bool:
    return any(
        heading_key(c).startswith(SUBTOTAL[:4]) or heading_key(c) in SUBTOTAL for c in cells if c
    )


def parse_rows(grid: Grid, header: Header, words: Vocabulary) -> ParsedRows:
    out = ParsedRows()
    for index in range(header.row + 1, len(grid.rows)):
        cells = grid.rows[index]
        texts = [cell_text(c) for c in cells]
        if not any(texts) or is_subtotal(texts):
            out.skipped.append(index + 1)
            continue
        row, problems = parse_row(grid, header, words, index)
        out.problems.extend(problems)
        if row is not None:
            out.rows.append(row)
    return out


def parse_row(
    grid: Grid, header: Header, words: Vocabulary, index: int
) -> tuple[RegisterRow | None, list[RowProblem]]:
    cells = grid.rows[index]
    problems: list[RowProblem] = []

    def refuse(column: Column | None, reason: str) -> None:
        where = f"{column.letter} ({column.heading})" if column else ""
        problems.append(RowProblem(str(grid.path), grid.sheet, index + 1, where, reason))

    values: dict[str, str | date] = {}
    for column in header.columns:
        raw = cells[column.index] if column.index < len(cells) else None
        text = cell_text(raw)
        if not text:
            continue
        if column.field in DATE_FIELDS:
            day = parse_date(raw)
            if day is None:
                refuse(column, f"not a date: {text!r} (2025-03-31, 2025/3/31, 2025年3月31日)")
            else:
                values[column.field] = day
        else:
            values[column.field] = text
    if not any(values.get(f) for f in IDENTIFIERS):
        refuse(header.column("serial") or header.column("hostname"),
               "no identifier: neither a serial number nor a host name")  # fmt: skip
    type_column = header.column("type")
    word = values.get("type")
    entry = words.types.get(heading_key(str(word))) if word else None
    if word and entry is None:
        refuse(type_column, f"unknown type {word!r} (types: audits/register/types.yaml)")
    if problems:
        return None, problems
    cls, kind = (entry.cls, entry.kind) if entry else (None, None)
    return RegisterRow(index + 1, cls, kind, values), []
