"""Audits over GraphQL, the mutations (the `run_audits` permission: auditor and admin):
`runAudit` (the rules run now, one AuditRun), `acknowledge` and `waive` (the approver is
the token), `importRegister` (a register uploaded as a GraphQL multipart request). Each
takes a `reason`; each is what the CLI does (cli/audit.py, cli/register.py), the sync
core run in a worker thread on the app's sync driver. A refusal is one GraphQL error
naming the argument, and nothing of it is written (a run, a step and an import are
each one transaction)."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import neo4j
import strawberry
from graphql import GraphQLError
from strawberry.file_uploads import Upload
from strawberry.types import Info

from api.arguments import bad, moment, text
from api.audit_types import (
    AuditRunType,
    FindingType,
    RegisterImport,
    finding_type,
    register_import,
    run_type,
)
from api.changes import run as run_operation
from api.context import RequestContext
from api.permissions import needs, viewer_of
from audits import review
from audits.errors import AuditError
from audits.register.errors import RegisterError
from audits.register.importer import import_register, read_register
from audits.rulecheck import load_rules
from audits.run import run_audit, select
from cmdb.changes.steps import Operation
from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor

T = TypeVar("T")
Ctx = Info[RequestContext, None]
MAX_REASON = 2000  # as review's comments
MAX_RULES = 200
SUFFIXES = (".xlsx", ".xlsm", ".csv")
CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.\- ]+")


def _reason(reason: str) -> str:
    if not reason.strip():
        raise bad("reason", "say why (it is recorded)")
    return text("reason", reason, MAX_REASON) or ""


async def _in_thread(info: Ctx, work: Callable[[neo4j.Driver], T], argument: str = "") -> T:
    """The sync core's work in a worker thread; its refusal is one GraphQL error."""
    driver: neo4j.Driver = info.context.request.app.state.sync_driver
    try:
        return await asyncio.to_thread(work, driver)
    except CMDBError as exc:
        message = f"{argument}: {exc}" if argument else str(exc)
        raise GraphQLError(message, extensions={"code": "BAD_USER_INPUT"}) from None


async def _step(info: Ctx, argument: str, operation: Operation[T]) -> T:
    try:
        return await run_operation(info.context.db, operation)
    except CMDBError as exc:
        raise bad(argument, str(exc)) from None


@strawberry.type
class AuditMutation:
    @strawberry.mutation(
        extensions=[needs("run_audits")],
        description="Run the rules now (all, or those named; over one class's CIs if `scope`): "
        "findings opened, resolved, reopened, waivers lapsed; one AuditRun recorded.",
    )
    async def run_audit(
        self,
        info: Ctx,
        reason: str,
        rules: list[str] | None = None,
        scope: str | None = None,
    ) -> AuditRunType:
        why = _reason(reason)
        ctx = info.context
        if scope is not None and scope not in ctx.model.classes:
            raise bad("scope", f"{scope[:60]!r} is no class of the schema")
        if rules is not None and len(rules) > MAX_RULES:
            raise bad("rules", f"at most {MAX_RULES} rule ids, got {len(rules)}")
        try:  # a bad rule file of the server: named with its line
            known = load_rules(ctx.model, ctx.config.audits.rule_dirs)
        except AuditError as exc:
            raise GraphQLError(str(exc)) from None
        try:
            chosen = select(known, [text("rules", r) or "" for r in rules or []] or None)
        except AuditError as exc:
            raise bad("rules", str(exc)) from None
        actor = viewer_of(info).name

        def work(driver: neo4j.Driver) -> AuditRunType:
            done = run_audit(driver, ctx.model, ctx.config, chosen, actor=actor,
                             now=datetime.now(UTC), scope=scope, reason=why)  # fmt: skip
            return run_type(done, why)

        return await _in_thread(info, work)

    @strawberry.mutation(
        extensions=[needs("run_audits")],
        description="Acknowledge an open finding (its id, or rule|uid): it stays until resolved.",
    )
    async def acknowledge(self, info: Ctx, finding: str, reason: str) -> FindingType:
        why = _reason(reason)
        ref = text("finding", finding) or ""
        op = review.acknowledge(ref, viewer_of(info).name, datetime.now(UTC), why)
        return finding_type(await _step(info, "finding", op))

    @strawberry.mutation(
        extensions=[needs("run_audits")],
        description="Waive an unresolved finding until a time (the approver: this token); the "
        "first audit run after it lapses reopens it.",
    )
    async def waive(self, info: Ctx, finding: str, reason: str, until: datetime) -> FindingType:
        why = _reason(reason)
        ref = text("finding", finding) or ""
        expiry = moment("until", until) or until
        now = datetime.now(UTC)
        if expiry <= now:
            raise bad("until", f"{expiry.isoformat()} is not ahead of now")
        actor = viewer_of(info).name
        op = review.waive(ref, why, expiry, actor, actor, now)
        return finding_type(await _step(info, "finding", op))

    @strawberry.mutation(
        extensions=[needs("run_audits")],
        description="Import a device register (.xlsx or .csv, sent as a GraphQL multipart "
        "upload, at most api.max_upload_bytes): one change set of source `register`; bad rows "
        "are listed (file, sheet, row, column, reason) and skipped. `dryRun`: write nothing.",
    )
    async def import_register(
        self,
        info: Ctx,
        file: Upload,
        reason: str,
        sheet: str | None = None,
        dry_run: bool = False,
    ) -> RegisterImport:
        why = _reason(reason)
        sheet = text("sheet", sheet)
        name = _file_name(file)
        limit = info.context.config.api.max_upload_bytes
        ctx = info.context
        actor = viewer_of(info).name
        with tempfile.TemporaryDirectory(prefix="cmdb-upload-") as folder:
            path = Path(folder) / name
            await _save(file, path, limit)

            def work(driver: neo4j.Driver) -> RegisterImport:
                try:
                    register = read_register(path, sheet)
                    ingestor = Ingestor(driver, ctx.model, ctx.config)
                    report = import_register(ingestor, register, actor, dry_run, why)
                except RegisterError as exc:  # name the upload, not the server's folder
                    raise RegisterError(str(exc).replace(f"{folder}/", "")) from None
                return register_import(report, name, dry_run)

            return await _in_thread(info, work)


def _file_name(file: object) -> str:
    """The upload's file name (its last part, tame characters); its type by the suffix."""
    raw = str(getattr(file, "filename", None) or "")
    name = _UNSAFE.sub("_", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")[:120]
    if not name.lower().endswith(SUFFIXES):
        shown = raw[:80] or "(no file name)"
        raise bad("file", f"{shown!r}: a register is .xlsx or .csv")
    return name


async def _save(file: object, path: Path, limit: int) -> None:
    """The upload written to `path`; one over `limit` bytes is refused."""
    read = getattr(file, "read", None)
    if read is None:
        raise bad("file", "not a file upload (send it as a GraphQL multipart request)")
    size = 0
    with path.open("wb") as out:
        while chunk := await read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise bad("file", f"larger than the upload cap api.max_upload_bytes={limit}")
            out.write(chunk)
