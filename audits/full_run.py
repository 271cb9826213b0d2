"""A full audit: the rules, the reconciliation of the register with discovery, and the
changes check of the period since the last one, run one after the other as `cmdb audit
run` and a scheduled audit do. Each part is its own (:AuditRun) (kind rules, reconcile,
changes), written in its own transaction: a part that fails leaves the ones before it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import neo4j

from audits.authorized.check import ChangesCheck, check_changes, last_check
from audits.reconcile.run import RULES as RECONCILE_KINDS
from audits.reconcile.run import Reconciled, reconcile
from audits.register.importer import RegisterFile
from audits.rulefile import Rule
from audits.run import AuditRun, run_audit
from cmdb.config import Config
from cmdb.queryplan import run_plan
from cmdb.schema import Schema


@dataclass(frozen=True)
class Parts:
    """Which parts run besides the rules; the register file gives reconciliation its
    drift and duplicate-row kinds."""

    reconcile: bool = True
    changes: bool = True
    register: RegisterFile | None = None


@dataclass(frozen=True)
class FullAudit:
    rules: AuditRun
    reconciled: Reconciled | None  # None: not asked for
    changes: ChangesCheck | None  # None: not asked for, or nothing new since the last check
    changes_skipped: str | None = None  # why the changes check did not run


# the reconciliation's kinds that compare the register file's rows (audits.reconcile.run
# find): without the file they do not run
REGISTER_ONLY = ("drift", "duplicate-row")


def steps(rules: Sequence[Rule], parts: Parts) -> int:
    """How many progress steps a full audit takes (a progress bar's total)."""
    kinds = [k for k in RECONCILE_KINDS if parts.register is not None or k not in REGISTER_ONLY]
    return len(rules) + (len(kinds) if parts.reconcile else 0) + int(parts.changes)


def full_audit(
    driver: neo4j.Driver, schema: Schema, config: Config, rules: Sequence[Rule], parts: Parts,
    *, actor: str, now: datetime, scope: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> FullAudit:  # fmt: skip
    """The rules as of `now` (over `scope` only, if given), then the parts asked for."""
    tick = progress or (lambda _step: None)
    ran = run_audit(driver, schema, config, rules, actor=actor, now=now, scope=scope,
                    progress=lambda rule: tick(rule.id))  # fmt: skip
    reconciled = None
    if parts.reconcile:
        reconciled = reconcile(driver, config.batch_size, parts.register, actor=actor, now=now,
                               progress=lambda kind: tick(f"reconcile-{kind}"))  # fmt: skip
    if not parts.changes:
        return FullAudit(ran, reconciled, None)
    since = run_plan(driver, last_check())
    if since is not None and since >= now:
        tick("changes")
        return FullAudit(ran, reconciled, None, f"checked up to {since.isoformat()} already")
    checked = check_changes(driver, schema, config, since=since, until=now, actor=actor, now=now)
    tick("changes")
    return FullAudit(ran, reconciled, checked)
