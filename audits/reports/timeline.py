"""Findings over time: every finding and every step of its life read in pages of the id
index (cmdb/queries/reports.py FINDINGS_PAGE), and the unresolved ones counted by
severity at given times, in pandas (a finding is unresolved from an open or reopen step
until a resolve step)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from audits.rulefile import SEVERITIES
from cmdb.queries import reports as q
from cmdb.queryplan import Plan, Query

PAGE = 5000
FINDING_COLUMNS = ["id", "rule", "severity", "status", "title", "uid", "name", "class",
                   "opened_at", "resolved_at", "last_detected_at"]  # fmt: skip
EVENT_COLUMNS = ["id", "severity", "at", "to_status", "run", "action"]


def read_findings() -> Plan[tuple[pd.DataFrame, pd.DataFrame]]:
    """(findings, events): one row per finding, one per step, times as UTC timestamps."""
    rows: list[dict[str, Any]] = []
    after = ""
    while True:
        page = yield Query(q.FINDINGS_PAGE, {"after": after, "limit": PAGE})
        rows += page
        if len(page) < PAGE:
            break
        after = page[-1]["id"]
    findings = pd.DataFrame(rows, columns=[*FINDING_COLUMNS, "events"])
    events = findings[["id", "severity", "events"]].explode("events").dropna(subset=["events"])
    parts = pd.DataFrame(events["events"].tolist(), columns=EVENT_COLUMNS[2:], index=events.index)
    events = pd.concat([events[["id", "severity"]], parts], axis=1).reset_index(drop=True)
    events["at"] = pd.to_datetime(events["at"], unit="ms", utc=True)
    for col in ("opened_at", "resolved_at", "last_detected_at"):
        findings[col] = pd.to_datetime(findings[col], unit="ms", utc=True)
    return findings.drop(columns="events"), events.sort_values(["at", "id"], kind="stable")


def unresolved_at(events: pd.DataFrame, times: Sequence[datetime]) -> pd.DataFrame:
    """Unresolved findings by severity (columns, worst first) just before each time
    (rows): a period's end is its first instant outside it."""
    ev = events.sort_values(["id", "at"], kind="stable").copy()
    ev["open"] = (ev["to_status"] != "resolved").astype(int)
    ev["delta"] = ev["open"] - ev.groupby("id")["open"].shift(fill_value=0)
    moves = ev[ev["delta"] != 0]
    index = pd.DatetimeIndex(pd.to_datetime(list(times), utc=True))
    out = pd.DataFrame(0, index=index, columns=list(SEVERITIES), dtype="int64")
    for severity, group in moves.groupby("severity"):
        steps = group.sort_values("at")
        total = steps["delta"].cumsum().to_numpy()
        at = steps["at"].dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
        pos = at.searchsorted(index.tz_convert(None).to_numpy(dtype="datetime64[ns]"), "left")
        counts = [int(total[p - 1]) if p else 0 for p in pos]
        out[str(severity)] = counts
    return out
