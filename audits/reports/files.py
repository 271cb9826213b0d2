"""The XLSX report (one sheet per section, pandas' openpyxl engine in one ExcelWriter)
and the CSV report (a .zip of one UTF-8-with-BOM CSV per section: Excel opens Chinese
headings right)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from audits.reports.frames import localized, section_title
from audits.reports.model import Report

_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")


def write_xlsx(report: Report, out: Path) -> None:
    used: set[str] = set()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for section in report.sections:
            name = sheet_name(section_title(section, report.lang), used)
            localized(section, report.lang).to_excel(writer, sheet_name=name, index=False)


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unused Excel sheet name (at most 31 characters, none of []:*?/\\')."""
    base = _NOT_IN_SHEET_NAMES.sub(" ", title).strip()[:31] or "sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    used.add(name.lower())
    return name


def write_csv_zip(report: Report, out: Path) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, section in enumerate(report.sections, 1):
            text = localized(section, report.lang).to_csv(index=False)
            archive.writestr(f"{i:02d}-{section.key}.csv", "\ufeff" + text)
