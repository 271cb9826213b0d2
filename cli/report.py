"""`cmdb report status|inspection|audit --period P --format html|xlsx|csv --lang en|zh
--out PATH [--run ID]`: the reports the service contract asks for (audits/reports/),
written to one file; prints the path, its sections and rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from audits.reports import ReportRequest, check_out, check_request, make_report, parse_period
from audits.reports.period import FORMS
from audits.reports.vocabulary import check_lang
from cli.base import console, graph

app = typer.Typer(help="Reports: configuration status, inspection (巡检报告), audit run.",
                  no_args_is_help=True)  # fmt: skip

PeriodOpt = Annotated[str, typer.Option("--period", help=f"the period: {FORMS} (UTC)")]
FormatOpt = Annotated[str, typer.Option("--format", help="html, xlsx or csv (a .zip of CSVs)")]
LangOpt = Annotated[str, typer.Option("--lang", help="headings: en or zh")]
OutOpt = Annotated[Path, typer.Option("--out", help="the file to write")]


def _make(kind: str, period: str, format_: str, lang: str, out: Path, run: str | None) -> None:
    now = datetime.now(UTC)
    request = ReportRequest(kind, parse_period(period, now), format_, check_lang(lang), run)
    check_request(request)
    check_out(out)
    with graph() as (config, schema, driver):
        made = make_report(driver, schema, config, request, out, now)
    console.print(f"{escape(str(made.path))}: {made.kind} report ({made.format}), "
                  f"{len(made.sections)} sections, {made.rows} rows")  # fmt: skip
    console.print(f"sections: {', '.join(made.sections)}")


@app.command("status")
def status(period: PeriodOpt = "last-month", format_: FormatOpt = "html", lang: LangOpt = "en",
           out: OutOpt = Path("status-report.html")) -> None:  # fmt: skip
    """The configuration status report: CIs by class, status and location, the period's
    changes (OS and firmware versions apart) with their change requests, open findings by
    severity, each against the previous period."""
    _make("status", period, format_, lang, out, None)


@app.command("inspection")
def inspection(period: PeriodOpt = "last-month", format_: FormatOpt = "html",
               lang: LangOpt = "en",
               out: OutOpt = Path("inspection-report.html")) -> None:  # fmt: skip
    """The inspection report (巡检报告): per device last seen, OS and firmware, warranty
    and support, interfaces up and down, what discovery could not collect, CPUs and
    memory; and the devices needing action."""
    _make("inspection", period, format_, lang, out, None)


@app.command("audit")
def audit(period: PeriodOpt = "this-month", format_: FormatOpt = "html", lang: LangOpt = "en",
          out: OutOpt = Path("audit-report.html"),
          run: Annotated[str | None, typer.Option("--run", help="the AuditRun id (default: "
                                                   "the newest)")] = None) -> None:  # fmt: skip
    """The audit report of one run (its counts and findings) and findings by severity over
    the period."""
    _make("audit", period, format_, lang, out, run)
