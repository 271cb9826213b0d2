"""Discovery runs as graph records: what a run swept, what answered, what failed.

A `(:DiscoveryRun)` node is written once, at the end of a run, in one small
transaction. Coverage and failures are JSON text (maps of any depth are not Neo4j
property values). Change sets of the run point at it by `discovery_run` = its id. A run
stopped by a signal is `interrupted`: `reached` says how many of its targets it worked
on (coverage holds only those), the rest it never touched and so certifies nothing. A
run record never holds a credential: failures carry the target, protocol, kind, the
collector's message and the command, and none of those is built from a secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import neo4j

from cmdb.properties import native
from cmdb.queries.runs import READ_CONFLICTS, READ_RUN, READ_RUNS, READ_RUNS_PAGE, WRITE_RUN
from cmdb.queryplan import Plan, Query


@dataclass(frozen=True)
class Failure:
    target: str
    protocol: str
    kind: str  # timeout, connect_failed, auth_failed, command_failed, parse_error, ...
    message: str
    command: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"target": self.target, "protocol": self.protocol, "kind": self.kind,
                "message": self.message, "command": self.command}  # fmt: skip


@dataclass(frozen=True)
class DiscoveryRun:
    """One run of a job. `coverage`: target -> protocol -> {status, tables: {name: status}}.

    `targets`: the job's addresses; `reached`: those the run worked on (all of them unless
    `status` is `interrupted`); `failed`: reached, and no protocol answered; `site`: the
    remote site whose collector ran it (None for a run on this machine)."""

    id: str
    job: str
    started_at: datetime
    finished_at: datetime
    targets: int
    answered: int  # targets where at least one protocol answered
    failed: int  # targets where no protocol answered
    coverage: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    status: str = "completed"  # or "interrupted" (SIGINT/SIGTERM: discovery.run_stop)
    reached: int | None = None  # None: every target
    site: str | None = None  # the remote site whose collector ran it; None: run here

    def props(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "job": self.job,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "targets": self.targets,
            "answered": self.answered,
            "failed": self.failed,
            "coverage": json.dumps(self.coverage, sort_keys=True),
            "failures": json.dumps([f.as_dict() for f in self.failures], sort_keys=True),
            "status": self.status,
            "reached": self.targets if self.reached is None else self.reached,
            "site": self.site,
        }


def record_run(driver: neo4j.Driver, run: DiscoveryRun) -> None:
    """Write the run's node (one transaction)."""
    with driver.session() as session:
        session.execute_write(lambda tx: tx.run(WRITE_RUN, props=run.props()).consume())


def read_runs(driver: neo4j.Driver, job: str | None = None, limit: int = 20) -> list[DiscoveryRun]:
    """The newest runs first, of one job or of all."""
    records, _, _ = driver.execute_query(READ_RUNS, job=job, limit=limit, routing_="r")
    return [_from_props(r["p"]) for r in records]


def read_run(driver: neo4j.Driver, run_id: str) -> DiscoveryRun | None:
    records, _, _ = driver.execute_query(READ_RUN, id=run_id, routing_="r")
    return _from_props(records[0]["p"]) if records else None


def runs_plan(
    job: str | None, limit: int, after: tuple[datetime, str] | None = None
) -> Plan[list[DiscoveryRun]]:
    """Up to `limit` runs (of one job, or all), newest first, after the run `after`
    ((started_at, id) of the last run of the previous page)."""
    cat, cid = after if after is not None else (datetime(9999, 1, 1).astimezone(), "")
    params = {"job": job, "limit": limit, "cat": cat, "cid": cid}
    rows = yield Query(READ_RUNS_PAGE, params)
    return [_from_props(r["p"]) for r in rows]


def run_plan(run_id: str) -> Plan[DiscoveryRun | None]:
    rows = yield Query(READ_RUN, {"id": run_id})
    return _from_props(rows[0]["p"]) if rows else None


@dataclass(frozen=True)
class IdentificationConflict:
    """One fact's identifiers found several CIs: the ingest chose `chosen` and recorded
    the rest (cmdb.ingest.identify.conflict_row)."""

    key: str
    class_name: str
    uids: list[str]
    chosen: str
    identifiers: dict[str, str]
    status: str
    first_detected: datetime
    last_detected: datetime
    changeset: str | None


def conflicts_plan(status: str | None, limit: int) -> Plan[list[IdentificationConflict]]:
    rows = yield Query(READ_CONFLICTS, {"status": status, "limit": limit})
    return [
        IdentificationConflict(
            key=p["key"], class_name=p["class"], uids=list(p["uids"]), chosen=p["chosen"],
            identifiers=json.loads(p.get("identifiers") or "{}"), status=p["status"],
            first_detected=native(p["first_detected"]), last_detected=native(p["last_detected"]),
            changeset=p.get("cs"),
        )
        for p in (r["p"] for r in rows)
    ]  # fmt: skip


def _from_props(props: dict[str, Any]) -> DiscoveryRun:
    failures = [Failure(**f) for f in json.loads(props.get("failures") or "[]")]
    return DiscoveryRun(
        id=props["id"],
        job=props["job"],
        started_at=native(props["started_at"]),
        finished_at=native(props["finished_at"]),
        targets=int(props["targets"]),
        answered=int(props["answered"]),
        failed=int(props["failed"]),
        coverage=json.loads(props.get("coverage") or "{}"),
        failures=failures,
        status=str(props.get("status") or "completed"),  # runs recorded before the status
        reached=int(props.get("reached", props["targets"])),
        site=props.get("site"),
    )
