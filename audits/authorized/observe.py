"""What discovery observed in a period, as one table, and which change requests cover
each change: read in bounded pages (cmdb/queries/authorized.py), matched with pandas.

A change is covered by a request in an authorizing state whose window holds its time
([start, end)) and that names its CI or the device the CI hangs from (an Interface's,
a component's: HAS_INTERFACE / HAS_COMPONENT). Standard changes (class and attribute
patterns, audits/authorized/standard.py) are left out before matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from audits.authorized.standard import StandardChanges
from cmdb.history import diff_states
from cmdb.properties import native
from cmdb.queries import authorized as q
from cmdb.queries.bookkeeping import public
from cmdb.queryplan import Plan, Query, Rows
from cmdb.schema import Schema

DISCOVERY_SOURCES = ("ssh", "snmp")
# a request authorizes changes once approved (or started, an emergency change) and
# keeps covering its window's changes when it is completed, failed or reviewed after
AUTHORIZING = ("approved", "in_progress", "completed", "failed", "reviewed")
PAGE = 5000
COLUMNS = ["uid", "class", "kind", "attribute", "before", "after", "at", "source", "cs", "key",
           "other"]  # fmt: skip


@dataclass(frozen=True)
class Request:
    id: str
    start: datetime
    end: datetime
    affected: tuple[str, ...]


def observed(
    schema: Schema, since: datetime, until: datetime, standard: StandardChanges
) -> Plan[pd.DataFrame]:
    """Every non-standard change of the period: one row per attribute change (a status
    change is one), per link opened or closed; `parents` the other CIs a request may name
    to cover it: the devices its CI hangs from, and a link's other end and its device (a
    symmetric link is stored one way round, either way)."""
    params = {"since": since, "until": until, "sources": list(DISCOVERY_SOURCES)}
    rows: list[dict[str, Any]] = []
    for raw in (yield from _pages(q.OBSERVED_CHANGES, params)):
        rows += _attribute_changes(raw)
    for rel in schema.relationships.values():
        rows += map(_link_change, (yield from _pages(q.observed_links_query(rel), params)))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame[~standard.matches(frame)].reset_index(drop=True)
    ends = set(frame["uid"]) | set(frame["other"].dropna())
    found = yield Query(q.PARENTS, {"uids": sorted(ends)})
    parents = {r["uid"]: tuple(r["parents"]) for r in found}
    frame["parents"] = [
        (*parents.get(u, ()), *((o, *parents.get(o, ())) if isinstance(o, str) else ()))
        for u, o in zip(frame["uid"], frame["other"], strict=True)
    ]
    return frame


def _pages(text: str, params: dict[str, Any]) -> Plan[Rows]:
    """Every row of a cursor-paged read, a page at a time."""
    out: Rows = []
    cursor: tuple[Any, str] = (params["since"], "")
    while True:
        page = yield Query(text, {**params, "cat": cursor[0], "ckey": cursor[1], "limit": PAGE})
        out += page
        if len(page) < PAGE:
            return out
        cursor = (page[-1]["at"], page[-1]["key"])


def _attribute_changes(r: dict[str, Any]) -> list[dict[str, Any]]:
    at = native(r["at"])
    before, after = public(r["before"]), public(r["after"] or {})
    return [
        {"uid": r["uid"], "class": r["class"], "kind": "change", "attribute": attr,
         "before": old, "after": new, "at": at, "source": r["source"], "cs": r["cs"],
         "key": f"{r['key']}|{attr}", "other": None}
        for attr, (old, new) in diff_states(before, after).items()
    ]  # fmt: skip


def _link_change(r: dict[str, Any]) -> dict[str, Any]:
    link = {"type": r["type"], "other": r["other"], "other_name": r["other_name"]}
    before, after = (None, link) if r["kind"] == "link_open" else (link, None)
    return {"uid": r["uid"], "class": r["class"], "kind": r["kind"], "attribute": r["type"],
            "before": before, "after": after, "at": native(r["at"]), "source": r["source"],
            "cs": r["cs"], "key": r["key"], "other": r["other"]}  # fmt: skip


def requests(since: datetime, until: datetime) -> Plan[list[Request]]:
    """The authorizing requests whose window overlaps [since, until)."""
    rows = yield Query(q.REQUESTS_IN_PERIOD, {"states": list(AUTHORIZING), "since": since,
                                              "until": until})  # fmt: skip
    return [Request(r["id"], native(r["start"]), native(r["end"]), tuple(r["affected"]))
            for r in rows]  # fmt: skip


def match(changes: pd.DataFrame, reqs: Sequence[Request]) -> pd.Series:
    """Per change (its index), the ids of the requests covering it (sorted; empty: none)."""
    covered = pd.DataFrame(
        [(r.id, uid, r.start, r.end) for r in reqs for uid in r.affected],
        columns=["cr", "target", "start", "end"],
    )
    targets = pd.concat([
        pd.DataFrame({"row": changes.index, "target": changes["uid"], "at": changes["at"]}),
        changes.assign(row=changes.index)[["row", "parents", "at"]]
        .explode("parents").dropna(subset=["parents"]).rename(columns={"parents": "target"}),
    ])  # fmt: skip
    pairs = targets.merge(covered, on="target")
    pairs = pairs[(pairs["start"] <= pairs["at"]) & (pairs["at"] < pairs["end"])]
    by_row = pairs.groupby("row")["cr"].agg(lambda s: tuple(sorted(set(s))))
    return pd.Series([by_row.get(i, ()) for i in changes.index], index=changes.index, dtype=object)
