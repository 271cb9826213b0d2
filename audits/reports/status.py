"""The configuration status report: CIs by class and status and by location at the
period's end against the previous period's end, the period's attribute and status
changes (the change log's own reads, cmdb/queries/changelog.py) with their change
requests, OS and firmware version changes among them, and unresolved findings by
severity against the previous period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from audits.reports.model import Chart, Note, Section
from audits.reports.period import Period
from audits.reports.timeline import read_findings, unresolved_at
from cmdb.history import EPOCH, diff_states
from cmdb.properties import native
from cmdb.queries import reports as q
from cmdb.queries.bookkeeping import public
from cmdb.queries.changelog import CHANGED_IN_WINDOW
from cmdb.queries.history import CHANGESETS
from cmdb.queryplan import Plan, Query

PAGE = 5000
MAX_CHANGES = 200_000  # rows read from one period's change log at most (said when hit)
VERSION_ATTRIBUTES = ("os_version", "os_name", "firmware", "firmware_rev", "software_rev")
CHANGE_COLUMNS = ["at", "ci", "class", "uid", "attribute", "before", "after", "source",
                  "change_set", "change_request"]  # fmt: skip


def status_sections(period: Period, now: datetime) -> Plan[tuple[Section, ...]]:
    del now  # as of the period's end: nothing is recorded after now
    end = period.end
    prev = period.previous()
    by_class = yield from _compare(q.COUNTS_AS_OF, end, prev.end, ["class", "status"])
    by_location = yield from _compare(q.LOCATED_AS_OF, end, prev.end, ["location", "class"])
    changes, capped = yield from _changes(period.start, end)
    _, events = yield from read_findings()
    severity = unresolved_at(events, [end, prev.end]).T
    severity.columns = pd.Index(["count", "previous"])
    severity["difference"] = severity["count"] - severity["previous"]
    severity = severity.rename_axis("severity").reset_index()
    totals = by_class.groupby("class", sort=True)["count"].sum()
    chart = Chart(
        "bars", tuple(totals.index.astype(str)), (("count", tuple(totals.astype(float))),)
    )
    cap = (Note("capped", (("n", MAX_CHANGES),)),) if capped else ()
    return (
        Section("counts_by_class", by_class, chart=chart),
        Section("counts_by_location", by_location),
        Section("changes", changes, notes=(Note("links_excluded"), *cap)),
        Section("version_changes", changes[changes["attribute"].isin(VERSION_ATTRIBUTES)]
                .reset_index(drop=True)),
        Section("findings_by_severity", severity),
    )  # fmt: skip


def _compare(text: str, end: datetime, prev_end: datetime, keys: list[str]) -> Plan[pd.DataFrame]:
    """Counts at `end` and at `prev_end` side by side, with their difference."""
    now = pd.DataFrame((yield Query(text, {"t": end})), columns=[*keys, "count"])
    before = pd.DataFrame((yield Query(text, {"t": prev_end})), columns=[*keys, "count"])
    both = now.merge(before.rename(columns={"count": "previous"}), on=keys, how="outer")
    both[["count", "previous"]] = both[["count", "previous"]].fillna(0).astype("int64")
    both["difference"] = both["count"] - both["previous"]
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def _changes(since: datetime, until: datetime) -> Plan[tuple[pd.DataFrame, bool]]:
    """Attribute and status changes in [since, until), oldest first, with the change set's
    source and change request; True when MAX_CHANGES stopped the read."""
    params: dict[str, Any] = {"since": since, "until": until, "source": None, "actor": None,
                              "cr": None, "epoch": EPOCH, "limit": PAGE}  # fmt: skip
    cursor: tuple[Any, str] = (until, "\uffff")
    raw: list[dict[str, Any]] = []
    while len(raw) < MAX_CHANGES:
        page = yield Query(CHANGED_IN_WINDOW, {**params, "cat": cursor[0], "ckey": cursor[1]})
        fresh = [r for r in page if (r["at"], r["key"]) != cursor]
        raw += fresh
        if len(page) < PAGE or not fresh:
            break
        cursor = (page[-1]["at"], page[-1]["key"])
    capped = len(raw) >= MAX_CHANGES
    rows = [row for r in raw[:MAX_CHANGES] for row in _rows(r)]
    ids = sorted({r["change_set"] for r in rows})
    sets = yield Query(CHANGESETS, {"ids": ids})
    by_id = {s["cs"]["id"]: s["cs"] for s in sets}
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame["source"] = frame["change_set"].map(lambda i: by_id.get(i, {}).get("source"))
    frame["change_request"] = frame["change_set"].map(
        lambda i: by_id.get(i, {}).get("change_request"))  # fmt: skip
    frame = frame.sort_values(["at", "uid", "attribute"], kind="stable").reset_index(drop=True)
    return frame, capped


def _rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per attribute a version's change set changed."""
    before, after = public(r["before"]), public(r["after"] or {})
    at, cls = native(r["at"]), r["before"].get("_class")
    name = after.get("name") or before.get("name")
    return [{"at": at, "ci": name, "class": cls, "uid": r["uid"], "attribute": attr,
             "before": _text(old), "after": _text(new), "source": None,
             "change_set": r["cs"], "change_request": None}
            for attr, (old, new) in diff_states(before, after).items()]  # fmt: skip


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
