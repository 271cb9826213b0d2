"""Reports over GraphQL: the mutation `report(kind, period, format, lang, run)` makes a
report as `cmdb report` does (audits.reports.make_report) into the app's reports folder
(`<data dir>/reports/<token>/<file>`, the token 32 random URL-safe characters) and
answers with its download URL, its expiry, sections and rows. The route
`GET /reports/<token>/<file>` serves it for an hour (REPORT_TTL), then it is gone.

The download needs the same bearer token as /graphql, of a role that holds `run_audits`:
a URL travels (logs, browser history, a proxy, a Referer), and a report lists the whole
estate, so the URL alone must not be enough; the unguessable token keeps one auditor's
file from another's guess. Expired folders are swept whenever a report is made.

Instances serving one Neo4j share no disk: a report is downloaded from the instance
that made it (or give them one shared reports folder)."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from strawberry.types import Info

from api.arguments import bad, text
from api.auth import BearerAuth, Unauthorized, unauthorized, unavailable
from api.context import RequestContext
from api.db import QueryTimeoutError
from api.parts import ApiPart
from api.permissions import needs
from audits.reports import FORMATS, KINDS, ReportError, ReportRequest, make_report, parse_period
from audits.reports.vocabulary import check_lang
from cmdb.config import Config
from cmdb.errors import CMDBError
from cmdb.roles import Permission, may

REPORT_TTL = timedelta(hours=1)
PERMISSION: Permission = "run_audits"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_NAME = re.compile(r"^[\w.-]{1,160}$")
_UNSAFE = re.compile(r"[^\w.-]+")
EXTENSION = {"html": "html", "xlsx": "xlsx", "csv": "zip"}  # csv: a .zip of CSVs


def reports_dir(config: Config) -> Path:
    return config.data_dir / "reports"


@strawberry.type(description="A report made for download (GET it with the same bearer token).")
class ReportLink:
    url: str = strawberry.field(description="where to GET it, within the hour")
    path: str = strawberry.field(description="the URL's path on this server")
    expires_at: datetime
    kind: str
    format: str
    file_name: str
    sections: list[str]
    rows: int


def sweep(folder: Path, now: float) -> None:
    """Remove the report folders older than REPORT_TTL."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and now - entry.stat().st_mtime > REPORT_TTL.total_seconds():
            shutil.rmtree(entry, ignore_errors=True)


def _request(kind: str, period: str, format: str, lang: str, run: str | None) -> ReportRequest:
    """The arguments checked, each bad one named."""
    if kind not in KINDS:
        raise bad("kind", f"{kind[:40]!r}: one of {', '.join(KINDS)}")
    if format not in FORMATS:
        raise bad("format", f"{format[:40]!r}: one of {', '.join(FORMATS)}")
    try:
        check_lang(lang)
        when = parse_period(text("period", period, 100) or "", datetime.now(UTC))
    except ReportError as exc:
        argument = "lang" if str(exc).startswith("--lang") else "period"
        raise bad(argument, str(exc).removeprefix("--lang ")) from None
    return ReportRequest(kind, when, format, lang, text("run", run))


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        extensions=[needs(PERMISSION)],
        description="Make a report (status, inspection or audit; html, xlsx or csv as a .zip; "
        "zh or en) of a period (2026-11, 2026-Q4, 2026, 2026-11-01..2026-11-30, last-month, "
        "this-month) and get its download URL, good for an hour.",
    )
    async def report(
        self,
        info: Info[RequestContext, None],
        kind: str,
        period: str,
        format: str = "html",
        lang: str = "en",
        run: str | None = None,
    ) -> ReportLink:
        request = _request(kind, period, format, lang, run)
        ctx = info.context
        folder = reports_dir(ctx.config)
        token = secrets.token_urlsafe(24)  # 32 characters
        label = _UNSAFE.sub("_", request.period.label)[:60]
        name = f"{kind}-{label}.{EXTENSION[format]}"
        out = folder / token / name
        now = datetime.now(UTC)

        def work(driver: neo4j.Driver) -> Any:
            sweep(folder, time.time())
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                return make_report(driver, ctx.model, ctx.config, request, out, now)
            except BaseException:
                shutil.rmtree(out.parent, ignore_errors=True)
                raise

        driver: neo4j.Driver = ctx.request.app.state.sync_driver
        try:
            made = await asyncio.to_thread(work, driver)
        except CMDBError as exc:
            raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None
        path = f"/reports/{token}/{name}"
        return ReportLink(
            url=str(ctx.request.base_url).rstrip("/") + path,
            path=path,
            expires_at=now + REPORT_TTL,
            kind=kind,
            format=format,
            file_name=name,
            sections=list(made.sections),
            rows=made.rows,
        )


def download_route(config: Config, state: Any) -> Route:
    """GET /reports/<token>/<file>: the report, to a bearer token with `run_audits`."""
    auth = BearerAuth(_never, state, timeout=config.api.query_timeout_seconds)

    async def download(request: Request) -> Response:
        try:
            viewer = await auth.authenticate(request.headers.get("authorization"))
        except Unauthorized as refused:
            return unauthorized(refused)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, QueryTimeoutError,
                CMDBError, OSError):  # fmt: skip
            return unavailable()
        if not may(viewer.role, PERMISSION):
            message = f"permission '{PERMISSION}' needed (role {viewer.role})"
            return _error(403, message, "FORBIDDEN")
        token, name = request.path_params["token"], request.path_params["name"]
        path = reports_dir(config) / token / name
        if not (_TOKEN.match(token) and _NAME.match(name)) or not path.is_file():
            return _error(404, "no such report (made by another instance, or expired)")
        if time.time() - path.stat().st_mtime > REPORT_TTL.total_seconds():
            shutil.rmtree(path.parent, ignore_errors=True)
            return _error(404, "the report expired: make it again")
        return FileResponse(path, filename=name)

    return Route("/reports/{token}/{name}", download, methods=["GET"])


def _error(status: int, message: str, code: str = "NOT_FOUND") -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


async def _never(scope: Any, receive: Any, send: Any) -> None:  # BearerAuth's app: unused
    raise RuntimeError("not an app")


PART = ApiPart(mutation=ReportMutation)
