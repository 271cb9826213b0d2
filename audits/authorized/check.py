"""A check of the changes observed in a period: each non-standard change discovery made
is matched to the change requests covering it (audits/authorized/observe.py); a matched
change is recorded on its request as an OBSERVED relationship to the CI (a request's
observed changes and a CI's authorized ones read from either end; MERGEd on the
change's key, so checking a period twice records it once); every change set's unmatched
changes on one CI are ONE unauthorized-change Finding (audits/findings.py's store and
life: a waiver, acknowledgement, resolution) with the diffs as evidence. Requests whose
window closed in the period are verified (audits/authorized/verify.py). Everything is
written in one transaction with an (:AuditRun {kind: 'changes'}); the next check starts
where this one's period ended."""

from __future__ import annotations

import json
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import neo4j
import pandas as pd

from audits.authorized.observe import match, observed, requests
from audits.authorized.standard import StandardChanges
from audits.errors import AuditError
from audits.evaluate import Violation
from audits.findings import Outcome, Stored, decide
from audits.rulefile import Rule, Scope
from audits.run import finding_writes, write_run
from cmdb.config import Config
from cmdb.properties import native
from cmdb.queries import authorized as q
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema

KIND = "changes"
DEFAULT_PERIOD = timedelta(hours=24)
RULE = Rule(
    id="unauthorized-change",
    title="Change observed without an approved change request",
    severity="major",
    doc="A change discovery observed that no approved or running change request covers.",
    scope=Scope(classes=["CI"]),
    cypher="// evaluated by audits/authorized (observed changes matched to change requests)",
)


@dataclass(frozen=True)
class ChangesCheck:
    id: str
    since: datetime
    until: datetime
    changes: pd.DataFrame  # the period's non-standard changes; `requests`: who covers each
    counts: dict[str, int]

    @property
    def unauthorized(self) -> pd.DataFrame:
        return self.changes[self.changes["requests"].map(len) == 0]


def last_check() -> Plan[datetime | None]:
    rows = yield Query(q.LAST_CHECK, {"kind": KIND})
    return native(rows[0]["until"]) if rows else None


def period(driver: neo4j.Driver, since: datetime | None, until: datetime) -> datetime:
    """The period's start: as given, else where the last check ended, else a day back."""
    start = since or run_plan(driver, last_check()) or until - DEFAULT_PERIOD
    if start >= until:
        raise AuditError(f"--since {start.isoformat()} is not before --until {until.isoformat()}")
    return start


def since_discovery(driver: neo4j.Driver, run_started: datetime) -> datetime:
    """Where the check after a discovery run starts: where the last check ended, else
    where the run began (the run's own changes are always inside)."""
    last = run_plan(driver, last_check())
    return run_started if last is None or last > run_started else last


def classify(
    schema: Schema, config: Config, since: datetime, until: datetime
) -> Plan[pd.DataFrame]:
    """The period's non-standard changes with the requests covering each (`requests`)."""
    standard = StandardChanges.of(schema, config.audits.standard_changes)
    changes = yield from observed(schema, since, until, standard)
    reqs = yield from requests(since, until)
    changes["requests"] = match(changes, reqs)
    return changes


def check_changes(
    driver: neo4j.Driver, schema: Schema, config: Config, *, since: datetime | None,
    until: datetime, actor: str, now: datetime,
) -> ChangesCheck:  # fmt: skip
    start = period(driver, since, until)
    t0 = time.monotonic()
    changes = run_plan(driver, classify(schema, config, start, until))
    stored = run_plan(driver, _stored(start, until))
    run_id = f"AUD-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    outcome = _findings(changes, stored, now, run_id)
    matched = _matches(changes)
    counts = {"changes": len(changes), "authorized": int((changes["requests"].map(len) > 0).sum()),
              "unauthorized": int((changes["requests"].map(len) == 0).sum()),
              **outcome.counts}  # fmt: skip
    ms = int((time.monotonic() - t0) * 1000)
    props = {"id": run_id, "kind": KIND, "actor": actor, "started_at": now,
             "ended_at": now + timedelta(milliseconds=ms), "since": start, "until": until,
             "rules": [RULE.id], "skipped": [], "duration_ms": ms, **counts}  # fmt: skip
    _write(driver, config.batch_size, props, outcome, matched)
    return ChangesCheck(run_id, start, until, changes, counts)


def _stored(since: datetime, until: datetime) -> Plan[list[Stored]]:
    rows = yield Query(q.FINDINGS_IN_PERIOD, {"rule": RULE.id, "since": since, "until": until})
    return [Stored.of(r) for r in rows]


def _findings(changes: pd.DataFrame, stored: list[Stored], now: datetime, run: str) -> Outcome:
    """One finding per change set and CI: opened, detected again, or resolved when a
    request now covers it (an emergency change approved after the fact)."""
    bad = changes[changes["requests"].map(len) == 0]
    found, ci_of, at_of = [], {}, {}
    for (uid, cs), group in bad.groupby(["uid", "cs"], sort=True):
        subject = f"{uid}|{cs}"  # the finding's key: rule|CI|change set
        ci_of[subject], at_of[subject] = uid, group["at"].min()
        diffs = group[["kind", "attribute", "before", "after", "at", "source"]]
        found.append(Violation(subject, {"changeset": cs, "changes": _records(diffs)}))
    outcome = decide(RULE, found, stored, now, run)
    for row in outcome.opened:  # the finding is ABOUT the CI
        subject = row["uid"]
        row["uid"] = ci_of[subject]
        row["props"] |= {"ci_uid": ci_of[subject], "changed_at": at_of[subject]}
    return outcome


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def plain(value: Any) -> Any:
    """A value as JSON holds it: a time as ISO text, pandas' NaN for "no value" as None
    (an attribute set for the first time has no before)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _matches(changes: pd.DataFrame) -> list[dict[str, Any]]:
    ok = changes[changes["requests"].map(len) > 0].explode("requests")
    return [
        {"cr": r["requests"], "uid": r["uid"], "key": r["key"],
         "props": {"kind": r["kind"], "attribute": r["attribute"], "at": r["at"],
                   "source": r["source"], "changeset": r["cs"],
                   "before": json.dumps(plain(r["before"]), default=str),
                   "after": json.dumps(plain(r["after"]), default=str)}}
        for r in ok.to_dict("records")
    ]  # fmt: skip


def _write(
    driver: neo4j.Driver, size: int, props: dict[str, Any], outcome: Outcome,
    matched: list[dict[str, Any]],
) -> None:  # fmt: skip
    writes = [*finding_writes([outcome]), (q.RECORD_MATCHES, matched)]
    write_run(driver, size, props, writes, "the check")
