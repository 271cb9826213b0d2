"""An audit run: every rule (or those named) evaluated, each in read transactions, then
every finding it opens, detects again, resolves, reopens or lets lapse, and the
(:AuditRun) itself, written in ONE transaction in bounded UNWIND batches: a run that
fails leaves nothing of itself behind. Times and the actor come from the caller."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import neo4j

from audits.errors import AuditError
from audits.evaluate import scope_labels, violations
from audits.findings import Outcome, Stored, decide
from audits.rulefile import Rule
from cmdb.batch import chunks
from cmdb.config import Config
from cmdb.properties import native
from cmdb.queries import audits as q
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema

COUNTS = ("violations", "opened", "reopened", "resolved", "lapsed", "still_open", "waived")


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    skipped: str | None  # why it did not run (not effective yet, out of the run's scope)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRun:
    id: str
    actor: str
    started_at: datetime
    ended_at: datetime
    duration_ms: int
    scope: str | None
    results: tuple[RuleResult, ...]
    kind: str = "rules"  # rules, reconcile (the changes check writes its own: changes)
    reason: str | None = None  # why it was run (the API asks for one)

    def total(self, name: str) -> int:
        return sum(r.counts.get(name, 0) for r in self.results)

    def props(self) -> dict[str, Any]:
        ran = [r.rule.id for r in self.results if r.skipped is None]
        return {"id": self.id, "kind": self.kind, "actor": self.actor,
                "started_at": self.started_at,
                "ended_at": self.ended_at, "duration_ms": self.duration_ms,
                "scope": self.scope, "reason": self.reason, "rules": ran,
                "skipped": [r.rule.id for r in self.results if r.skipped is not None],
                **{name: self.total(name) for name in COUNTS}}  # fmt: skip


def select(rules: Sequence[Rule], ids: Sequence[str] | None) -> list[Rule]:
    """The rules named (all when None); an unknown id is refused with the known ones."""
    if not ids:
        return list(rules)
    known = {r.id: r for r in rules}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise AuditError(f"no rule {unknown[0][:60]!r}; rules: {', '.join(sorted(known))}")
    return [known[i] for i in dict.fromkeys(ids)]


def run_audit(
    driver: neo4j.Driver,
    schema: Schema,
    config: Config,
    rules: Sequence[Rule],
    *,
    actor: str,
    now: datetime,
    scope: str | None = None,
    progress: Callable[[Rule], None] | None = None,
    reason: str | None = None,
) -> AuditRun:
    """Evaluate `rules` as of `now` (over the CIs of class `scope` only, if given) and
    write what changed; returns the run as stored."""
    if scope is not None and scope not in schema.classes:
        raise AuditError(f"--scope {scope[:60]!r} is no class of the schema")
    run_id = f"AUD-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    t0 = time.monotonic()
    results, outcomes = [], []
    for rule in rules:
        result, outcome = _evaluate(driver, schema, config, rule, now, scope, run_id)
        results.append(result)
        if outcome is not None:
            outcomes.append(outcome)
        if progress is not None:
            progress(rule)
    duration = int((time.monotonic() - t0) * 1000)
    run = AuditRun(
        run_id, actor, now, now + timedelta(milliseconds=duration), duration, scope,
        tuple(results), reason=reason,
    )  # fmt: skip
    _write(driver, config.batch_size, run, outcomes)
    return run


def _evaluate(
    driver: neo4j.Driver, schema: Schema, config: Config, rule: Rule, now: datetime,
    scope: str | None, run_id: str,
) -> tuple[RuleResult, Outcome | None]:  # fmt: skip
    if rule.effective_from is not None and now.date() < rule.effective_from:
        return RuleResult(rule, f"effective from {rule.effective_from}"), None
    labels = scope_labels(rule, schema, scope)
    if not labels:
        return RuleResult(rule, f"no {scope} in its scope"), None
    try:
        found = run_plan(driver, violations(rule, labels, schema, config.audits, now))
        rows = run_plan(driver, _stored(rule.id, labels))
    except neo4j.exceptions.ClientError as exc:
        raise AuditError(f"{rule.path}: rule {rule.id}: Neo4j refused it: {exc.message}") from None
    outcome = decide(rule, found, rows, now, run_id)
    return RuleResult(rule, None, outcome.counts), outcome


def _stored(rule_id: str, labels: list[str]) -> Plan[list[Stored]]:
    rows = yield Query(q.FINDINGS_OF_RULE, {"rule": rule_id, "labels": labels})
    return [Stored.of(r) for r in rows]


def _write(driver: neo4j.Driver, size: int, run: AuditRun, outcomes: list[Outcome]) -> None:
    write_run(driver, size, run.props(), finding_writes(outcomes), "the audit")


Writes = Sequence[tuple[str, Sequence[dict[str, Any]]]]  # a write query and its rows


def finding_writes(outcomes: Sequence[Outcome]) -> Writes:
    """The writes of findings decided (cmdb/queries/audits.py), in the order they go."""
    return [(text, rows) for outcome in outcomes
            for text, rows in ((q.OPEN_FINDINGS, outcome.opened), (q.STEP_FINDINGS, outcome.steps),
                               (q.DETECTED, outcome.detected))]  # fmt: skip


def write_run(
    driver: neo4j.Driver, size: int, run_props: dict[str, Any], writes: Writes, what: str
) -> None:
    """`writes` in batches of `size`, then the run (`run_props`: id, actor, started_at and
    its counts) in ONE transaction. Each write returns a row per row it wrote: fewer, or
    a finding opened meanwhile (a constraint), means findings changed while `what` ran,
    and nothing is written."""
    changed = (f"findings changed while {what} ran (another run, an auditor): nothing was "
               "written; run it again")  # fmt: skip
    params = {"at": run_props["started_at"], "run": run_props["id"], "actor": run_props["actor"]}
    try:
        with driver.session() as session, session.begin_transaction() as tx:
            for text, rows in writes:
                for batch in chunks(rows, size):
                    if len(list(tx.run(text, {**params, "rows": list(batch)}))) != len(batch):
                        raise AuditError(changed)
            tx.run(q.WRITE_RUN, {"props": run_props}).consume()
            tx.commit()
    except neo4j.exceptions.ConstraintError:  # another run opened one of its findings
        raise AuditError(changed) from None


def recent_runs(limit: int = 20) -> Plan[list[dict[str, Any]]]:
    """The newest audit runs as stored (their fields), newest first."""
    rows = yield Query(q.READ_RUNS, {"limit": limit})
    return [{k: native(v) for k, v in r["p"].items()} for r in rows]
