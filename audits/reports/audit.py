"""The audit report of one run (`run`, else the newest): what it ran and counted, the
findings it left unresolved or resolved, and the unresolved findings by severity over
the period (the chart): days for a period up to 62 days, months beyond."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from audits.reports.errors import ReportError
from audits.reports.model import Chart, Note, Section
from audits.reports.period import Period
from audits.reports.timeline import read_findings, unresolved_at
from audits.rulefile import SEVERITIES
from audits.run import COUNTS
from cmdb.properties import native
from cmdb.queries import audits as qa
from cmdb.queryplan import Plan, Query

RUN_FIELDS = ("id", "actor", "started_at", "ended_at", "duration_ms", "scope", "rules",
              "skipped", *COUNTS)  # fmt: skip
FINDING_COLUMNS = ["id", "rule", "severity", "status", "in_run", "ci", "class", "uid",
                   "title", "opened_at", "last_detected_at", "resolved_at"]  # fmt: skip


def audit_sections(period: Period, run_id: str | None, now: datetime) -> Plan[tuple[Section, ...]]:
    props = yield from _run(run_id)
    findings, events = yield from read_findings()
    times = _times(period, now)
    over_time = unresolved_at(events, times[1:])
    over_time.index = pd.Index([t.strftime("%Y-%m-%d") for t in times[:-1]], name="date")
    chart = Chart("lines", tuple(over_time.index),
                  tuple((s, tuple(over_time[s].astype(float))) for s in SEVERITIES))  # fmt: skip
    if props is None:
        empty = pd.DataFrame(columns=["item", "value"])
        return (Section("run", empty, notes=(Note("no_run"),)),
                Section("severity_over_time", over_time.reset_index(), chart=chart))  # fmt: skip
    # the fields every run has, in this order, then whatever else its kind stored
    fields = [k for k in RUN_FIELDS if k in props] + sorted(set(props) - set(RUN_FIELDS))
    run = pd.DataFrame({"item": fields, "value": [_value(props[k]) for k in fields]})
    return (
        Section("run", run),
        Section("findings", _of_run(findings, events, props)),
        Section("severity_over_time", over_time.reset_index(), chart=chart),
    )


def _run(run_id: str | None) -> Plan[dict[str, Any] | None]:
    if run_id is None:
        rows = yield Query(qa.READ_RUNS, {"limit": 1})
        return {k: native(v) for k, v in rows[0]["p"].items()} if rows else None
    rows = yield Query(qa.READ_RUN, {"id": run_id})
    if not rows:
        raise ReportError(f"--run {run_id[:60]!r}: no such audit run (cmdb audit runs lists them)")
    return {k: native(v) for k, v in rows[0]["p"].items()}


def _of_run(findings: pd.DataFrame, events: pd.DataFrame, run: dict[str, Any]) -> pd.DataFrame:
    """The findings of the run's rules unresolved when it ended, and those it resolved;
    `in_run`: what the run did to each (opened, reopened, resolved, lapsed) or `still_open`."""
    at = pd.Timestamp(run["started_at"]).tz_convert("UTC")
    ev = events[(events["at"] <= at)].sort_values(["id", "at"], kind="stable")
    last = ev.groupby("id").tail(1).set_index("id")
    mine = findings[findings["rule"].isin(list(run.get("rules") or []))].set_index("id")
    mine = mine.join(last[["to_status", "run", "action"]], how="inner")
    by_run = mine["run"] == run["id"]
    keep = (mine["to_status"] != "resolved") | by_run
    mine = mine[keep]
    out = pd.DataFrame({
        "rule": mine["rule"], "severity": mine["severity"], "status": mine["to_status"],
        "in_run": mine["action"].where(by_run[keep], "still_open"), "ci": mine["name"],
        "class": mine["class"], "uid": mine["uid"], "title": mine["title"],
        "opened_at": mine["opened_at"], "last_detected_at": mine["last_detected_at"],
        "resolved_at": mine["resolved_at"],
    }).rename_axis("id").reset_index()  # fmt: skip
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out = out.sort_values(["severity", "id"], key=lambda c: c.map(order) if c.name ==
                          "severity" else c, kind="stable")  # fmt: skip
    return out[FINDING_COLUMNS].reset_index(drop=True)


def _times(period: Period, now: datetime) -> list[datetime]:
    """The starts of the bins begun by `now` and the last one's end: days, or months for
    a period beyond 62 days."""
    freq = "D" if period.end - period.start <= pd.Timedelta(days=62) else "MS"
    edges = pd.date_range(period.start, period.end, freq=freq)
    begun = int((edges[:-1] <= pd.Timestamp(now)).sum())
    return [t.to_pydatetime() for t in edges[: begun + 1]] if begun else []


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return "" if value is None else str(value)
