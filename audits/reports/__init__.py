"""Reports the service contract asks for: the configuration status report, the
inspection report (巡检报告) and the audit report of a run, as one self-contained HTML
file, an XLSX workbook (a sheet per section) or a .zip of CSVs, headed in English or
Chinese. `build_report` reads the graph into frames (a few bounded reads per section),
`write_report` writes them; `make_report` does both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import neo4j
import pandas as pd

from audits.reports.audit import audit_sections
from audits.reports.errors import ReportError
from audits.reports.files import write_csv_zip, write_xlsx
from audits.reports.frames import note_text
from audits.reports.html import write_html
from audits.reports.inspection import inspection_sections
from audits.reports.model import FORMATS, KINDS, Report, Section
from audits.reports.period import Period, parse_period
from audits.reports.status import status_sections
from audits.reports.vocabulary import check_lang, heading
from cmdb.config import Config
from cmdb.queryplan import Plan, run_plan
from cmdb.schema import Schema

__all__ = ["FORMATS", "KINDS", "Period", "Report", "ReportError", "ReportFile", "ReportRequest",
           "build_report", "check_out", "check_request", "make_report", "parse_period",
           "write_report"]  # fmt: skip


@dataclass(frozen=True)
class ReportRequest:
    kind: str  # "status" | "inspection" | "audit"
    period: Period
    format: str  # "html" | "xlsx" | "csv"
    lang: str  # "zh" | "en"
    run: str | None = None  # audit report: the AuditRun id (default: the newest run)


@dataclass(frozen=True)
class ReportFile:
    path: Path
    kind: str
    format: str
    sections: tuple[str, ...]
    rows: int


def check_request(request: ReportRequest) -> None:
    """One clear error for a kind, format or language we do not make."""
    if request.kind not in KINDS:
        raise ReportError(f"no report {request.kind[:40]!r}: expected one of {', '.join(KINDS)}")
    if request.format not in FORMATS:
        raise ReportError(f"--format {request.format[:40]!r}: expected one of {', '.join(FORMATS)}")
    check_lang(request.lang)


def build_report(
    driver: neo4j.Driver, schema: Schema, config: Config, request: ReportRequest, now: datetime
) -> Report:
    """The report's frames, read from the graph as of `now`."""
    return run_plan(driver, report_plan(schema, config, request, now))


def report_plan(
    schema: Schema, config: Config, request: ReportRequest, now: datetime
) -> Plan[Report]:
    """build_report as a query plan (the CLI's sync driver or the API's async one)."""
    check_request(request)
    if request.kind == "status":
        sections = yield from status_sections(request.period, now)
    elif request.kind == "inspection":
        sections = yield from inspection_sections(schema, config, request.period, now)
    else:
        sections = yield from audit_sections(request.period, request.run, now)
    overview = _overview(request, sections, now)
    return Report(request.kind, request.period, request.lang, now, (overview, *sections))


def write_report(report: Report, format: str, out: Path) -> ReportFile:
    """The report written to `out` (a file; its folder must exist) as `format`."""
    if format not in FORMATS:
        raise ReportError(f"--format {format[:40]!r}: expected one of {', '.join(FORMATS)}")
    writer = {"html": write_html, "xlsx": write_xlsx, "csv": write_csv_zip}[format]
    try:
        writer(report, out)
    except OSError as exc:
        raise ReportError(
            f"--out {str(out)[:200]}: cannot write it ({exc.strerror or exc})"
        ) from None
    return ReportFile(out, report.kind, format, tuple(s.key for s in report.sections), report.rows)


def make_report(
    driver: neo4j.Driver, schema: Schema, config: Config, request: ReportRequest, out: Path,
    now: datetime,
) -> ReportFile:  # fmt: skip
    check_request(request)
    check_out(out)
    return write_report(build_report(driver, schema, config, request, now), request.format, out)


def check_out(out: Path) -> None:
    """An output path we can write: its folder exists and it is not a folder."""
    if out.is_dir():
        raise ReportError(f"--out {str(out)[:200]}: is a folder; name a file")
    if not out.parent.is_dir():
        raise ReportError(f"--out {str(out)[:200]}: no folder {str(out.parent)[:200]}")


def _overview(request: ReportRequest, sections: tuple[Section, ...], now: datetime) -> Section:
    lang, period = request.lang, request.period
    prev = period.previous()
    items = [(heading("notes", "period", lang), f"{period.label} ({_span(period)})")]
    if request.kind == "status":
        items.append((heading("notes", "previous_period", lang), f"{prev.label} ({_span(prev)})"))
    items.append((heading("notes", "generated", lang), now.strftime("%Y-%m-%d %H:%M:%S")))
    items += [(heading("sections", s.key, lang), str(len(s.frame))) for s in sections]
    items += [("", note_text(n, lang)) for s in sections for n in s.notes]
    frame = pd.DataFrame(items, columns=["item", "value"])
    return Section("overview", frame)


def _span(period: Period) -> str:
    last = period.end - pd.Timedelta(days=1)
    return f"{period.start:%Y-%m-%d} .. {last:%Y-%m-%d}"
