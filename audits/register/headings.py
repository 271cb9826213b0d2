"""Headings stage: which row of a grid is the header, and which column holds which field
(pure). The header is the row, among the first rows, that names the most distinct fields;
a title row above it names none. A two-row header (位置 merged over 机房 | 机柜) reads
as its lower row once the read stage has copied merged values into every cell: each
column gets the lower row's field, or the upper row's where the lower names none."""

from __future__ import annotations

from dataclasses import dataclass

from audits.register.errors import RegisterError
from audits.register.read import Cell, Grid
from audits.register.vocabulary import Vocabulary, heading_key

SEARCHED_ROWS = 20  # a header further down is no register's


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    heading: str  # as written (the lower row's when two rows head it)
    field: str

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Header:
    row: int  # the 0-based index of the (lower) header row: data follows it
    columns: list[Column]  # one per field, leftmost first

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _fields(row: list[Cell], words: Vocabulary) -> list[str | None]:
    return [words.headings.get(heading_key(str(c))) if c is not None else None for c in row]


def find_header(
    grid: Grid, words: Vocabulary, identifiers: tuple[str, ...] = ("serial", "hostname")
) -> Header:
    """The header of a register, or RegisterError naming the file and sheet; a column of
    one of `identifiers` is required."""
    best: tuple[int, int] | None = None  # (distinct fields, row index)
    for index, row in enumerate(grid.rows[:SEARCHED_ROWS]):
        found = {f for f in _fields(row, words) if f is not None}
        if len(found) >= 2 and (best is None or len(found) >= best[0]):
            best = (len(found), index)
    if best is None:
        where = f"{grid.path}" + (f", sheet {grid.sheet!r}" if grid.sheet else "")
        raise RegisterError(
            f"{where}: no header row: no row of the first {SEARCHED_ROWS} names two known "
            "headings (name the columns with --mapping)"
        )
    index = best[1]
    lower = _fields(grid.rows[index], words)
    upper = _fields(grid.rows[index - 1], words) if index > 0 else [None] * len(lower)
    columns: list[Column] = []
    taken: set[str] = set()
    for i, field in enumerate(lower):
        source = index
        if field is None and i < len(upper) and upper[i] is not None:
            field, source = upper[i], index - 1
        if field is None or field in taken:
            continue
        taken.add(field)
        columns.append(Column(i, str(grid.rows[source][i]), field))
    if not any(c.field in identifiers for c in columns):
        wanted = " or ".join(words.export_headings["zh"][f] + " / " + words.export_headings["en"][f]
                             for f in identifiers)  # fmt: skip
        raise RegisterError(
            f"{grid.path}: row {index + 1}: no column of {wanted}: a row could not be matched "
            "to a CI"
        )
    return Header(index, columns)
