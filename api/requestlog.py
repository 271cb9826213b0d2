"""One structured line per GraphQL request on the logger `cmdb.api`, and the request's
figures for /metrics. The line is JSON: operation, status, duration_ms, db_queries,
db_ms, errors, user (the token's name). Never the token, the query text or variables.

Each GraphQL error is one JSON line there too (`log_errors`, in place of strawberry's
log of the whole document): operation, error (the message, its quoted parts elided: they
echo the query's values and names), path, code. An expected error (bad input, permission,
limits, query timeout) is that line alone; an unexpected exception adds its traceback.

`RequestObserver` (ASGI) opens a `RequestRecord` per request in a context variable; the
GraphQL view fills it in (the request's Db, its viewer, its operation name, its errors)
and the observer writes it out when the answer is sent.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.db import Db, QueryTimeoutError
from api.metrics import ApiMetrics

LOG = logging.getLogger("cmdb.api")
MAX_NAME = 100  # characters of an operation name kept
ANONYMOUS = "anonymous"
MAX_MESSAGE = 300  # characters of an error message kept
# a quoted part of a message: graphql-core and our checks quote what the query said
QUOTED = re.compile(r'"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*"?|(?<!\w)\'(?:[^\'\\\n]|\\.)*\'?')


@dataclass
class RequestRecord:
    operation: str = ANONYMOUS
    errors: int = 0
    user: str | None = None
    db: Db | None = None


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("cmdb_api_request", default=None)


def current_record() -> RequestRecord:
    """This request's record (a detached one outside `RequestObserver`)."""
    return _CURRENT.get() or RequestRecord()


class OperationName(SchemaExtension):
    """Notes the operation's name on the request's record, once the document is parsed."""

    def on_validate(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        if name:
            current_record().operation = name[:MAX_NAME]
        yield


class RequestObserver:
    """ASGI middleware around /graphql: times each request, then logs its line and counts
    it in the metrics."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics, path: str = "/graphql") -> None:
        self.app = app
        self.metrics = metrics
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        record = RequestRecord()
        token = _CURRENT.set(record)
        started = time.perf_counter()
        status = 500
        written = False

        async def watched_send(message: Message) -> None:
            nonlocal status, written
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # written before the answer's last bytes leave: a client that has its
                # answer finds the request logged and counted
                written = True
                self._write(record, status, time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        finally:
            _CURRENT.reset(token)
            if not written:  # failed before answering
                self._write(record, status, time.perf_counter() - started)

    def _write(self, record: RequestRecord, status: int, seconds: float) -> None:
        queries = record.db.queries if record.db is not None else 0
        db_seconds = record.db.seconds if record.db is not None else 0.0
        self.metrics.observe_request(record.operation, status, seconds, record.errors, queries)
        LOG.info(json.dumps({
            "operation": record.operation,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "db_queries": queries,
            "db_ms": round(db_seconds * 1000, 2),
            "errors": record.errors,
            "user": record.user,
        }))  # fmt: skip


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Each error as one line on `cmdb.api`; an unexpected exception with its traceback.
    Never the query text or the variables."""
    name = execution_context.operation_name if execution_context is not None else None
    for error in errors:
        cause = error.original_error
        expected = cause is None or isinstance(cause, GraphQLError | QueryTimeoutError)
        line = json.dumps({
            "operation": (name or ANONYMOUS)[:MAX_NAME],
            "error": _elided(error.message),
            "path": ".".join(str(p) for p in error.path) if error.path else None,
            "code": _code(error),
        })  # fmt: skip
        if expected:
            LOG.info(line)
        else:
            assert cause is not None
            LOG.error(line, exc_info=(type(cause), cause, cause.__traceback__))


def _elided(message: str) -> str:
    return QUOTED.sub('"…"', message)[:MAX_MESSAGE]


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if isinstance(error.original_error, QueryTimeoutError):
        return "QUERY_TIMEOUT"
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        return "INTERNAL_SERVER_ERROR"
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED"  # the document's checks and the request limits
