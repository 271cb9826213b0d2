"""One structured line per GraphQL request on the logger `cmdb.api`, and the request's
figures for /metrics. The line is JSON: operation, status, duration_ms, db_queries,
db_ms, errors, user (the token's name). Never the token, the query text or variables.

`RequestObserver` (ASGI) opens a `RequestRecord` per request in a context variable; the
GraphQL view fills it in (the request's Db, its viewer, its operation name, its errors)
and the observer writes it out when the answer is sent.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.db import Db
from api.metrics import ApiMetrics

LOG = logging.getLogger("cmdb.api")
MAX_NAME = 100  # characters of an operation name kept
ANONYMOUS = "anonymous"


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
