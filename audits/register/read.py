"""Read stage: one sheet of a register as a grid of cell values (I/O only).

XLSX through openpyxl (a merged range's value copied into every cell it covers, so a
heading merged over two rows or two columns heads each of them); CSV through pandas,
every cell as text. Real Excel dates stay datetimes; everything else is as stored."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from audits.register.errors import RegisterError

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Grid:
    path: Path
    sheet: str  # the sheet's name; "" for a CSV file
    rows: list[list[Cell]]  # row i is the sheet's row i + 1


def collect_grid(path: Path, sheet: str | None = None) -> Grid:
    """The cells of `path` (its `sheet`, or the first one); RegisterError when the file or
    sheet cannot be read."""
    if not path.is_file():
        raise RegisterError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise RegisterError(f"{path}: a CSV file has no sheets (--sheet {sheet})")
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    raise RegisterError(f"{path}: not a register (expected .xlsx or .csv)")


def _read_csv(path: Path) -> Grid:
    try:
        frame = pd.read_csv(
            path, header=None, dtype=str, keep_default_na=False, skip_blank_lines=False,
            encoding="utf-8-sig",
        )  # fmt: skip
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RegisterError(f"{path}: not a readable CSV file (UTF-8): {exc}") from None
    except pd.errors.EmptyDataError:
        raise RegisterError(f"{path}: the file is empty") from None
    rows: list[list[Cell]] = [[v if v != "" else None for v in row] for row in frame.values]
    return Grid(path, "", rows)


def _read_xlsx(path: Path, sheet: str | None) -> Grid:
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RegisterError(f"{path}: not a readable XLSX file ({exc})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise RegisterError(
                f"{path}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})"
            )
        rows: list[list[Cell]] = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            top = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, merged.max_col):
                    rows[r][c] = top
        return Grid(path, ws.title, rows)
    finally:
        book.close()
