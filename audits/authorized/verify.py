"""Verification of a change request whose window has closed: what it planned against what
discovery observed in its window (non-standard changes, audits/authorized/observe.py):
- as planned: changes on a CI it names (or on an Interface / component of a device it
  names);
- unplanned extras: changes in its window on CIs it does not name that no other request
  covers either;
- planned but not observed: the CIs it names with no change (theirs or their parts').
Stored on the request as JSON (`verification`, `verified_at`) for its review step."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import neo4j
import pandas as pd

from audits.authorized.check import classify, plain
from audits.authorized.observe import AUTHORIZING
from audits.errors import AuditError
from cmdb.config import Config
from cmdb.properties import native
from cmdb.queries import authorized as q
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema


@dataclass(frozen=True)
class Verification:
    request: str
    window_start: datetime
    window_end: datetime
    verified_at: datetime
    as_planned: list[dict[str, Any]]
    extras: list[dict[str, Any]]
    not_observed: list[str]  # uids

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, sort_keys=True)


def verify(
    driver: neo4j.Driver, schema: Schema, config: Config, request_id: str, now: datetime
) -> Verification:
    """Verify one request (refused while its window is open) and store the result."""
    rows = run_plan(driver, _window(request_id))
    if not rows:
        raise AuditError(f"no change request {request_id[:40]!r}")
    row = rows[0]
    start, end = native(row["start"]), native(row["end"])
    if end > now:
        raise AuditError(f"change request {row['id']}: its window is open until {end.isoformat()}")
    changes = run_plan(driver, classify(schema, config, start, end))
    result = compare(row["id"], start, end, tuple(row["affected"]), changes, now)
    driver.execute_query(q.STORE_VERIFICATION, {"id": row["id"], "json": result.to_json(),
                                                "at": now})  # fmt: skip
    return result


def _window(request_id: str) -> Plan[list[dict[str, Any]]]:
    rows = yield Query(q.REQUEST_WINDOW, {"id": request_id})
    return rows


def compare(
    request_id: str, start: datetime, end: datetime, affected: tuple[str, ...],
    changes: pd.DataFrame, now: datetime,
) -> Verification:  # fmt: skip
    """The pure part: the window's changes (with the requests covering each) sorted out."""
    # as bool: a window without changes maps to an empty object Series, which pandas
    # would take for a list of column labels
    mine = changes["requests"].map(lambda crs: request_id in crs).astype(bool)
    unmatched = changes["requests"].map(len) == 0
    planned = changes[mine]
    seen = set(planned["uid"]) | {p for ps in planned["parents"] for p in ps}
    return Verification(
        request=request_id, window_start=start, window_end=end, verified_at=now,
        as_planned=_rows(planned), extras=_rows(changes[unmatched & ~mine]),
        not_observed=sorted(u for u in affected if u not in seen),
    )  # fmt: skip


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = ["uid", "kind", "attribute", "before", "after", "at", "source"]
    return [
        {k: plain(v) for k, v in r.items()}
        for r in frame.sort_values(["at", "uid"])[cols].to_dict("records")
    ]


def due(since: datetime, until: datetime) -> Plan[list[str]]:
    """The authorizing requests whose window closed in [since, until)."""
    rows = yield Query(q.CLOSED_IN_PERIOD, {"states": list(AUTHORIZING), "since": since,
                                            "until": until})  # fmt: skip
    return [r["id"] for r in rows]


def verify_due(
    driver: neo4j.Driver, schema: Schema, config: Config, since: datetime, until: datetime,
    now: datetime,
) -> list[Verification]:  # fmt: skip
    """Verify every authorizing request whose window closed in [since, min(until, now))."""
    ids = run_plan(driver, due(since, min(until, now)))
    return [verify(driver, schema, config, i, now) for i in ids]
