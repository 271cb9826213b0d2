"""The starlette application: /graphql (strawberry, GraphiQL in the browser), /healthz
(the process is up), /readyz (Neo4j answers and has this code's schema) and /metrics
(Prometheus). Its lifespan owns the one async Neo4j driver; nothing else is kept between
requests (tokens, change requests and snapshots live in the graph), so any number of
instances can serve one Neo4j.

Every request is held to the limits of `cmdb.yaml`'s `api:` section (api/limits.py),
logged as one JSON line and counted (api/requestlog.py, api/metrics.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import neo4j
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api import webui
from api.auth import BearerAuth, request_viewer
from api.context import RequestContext, Viewer
from api.db import Db
from api.graphiql import assets_mount, offline_page
from api.limits import BodySizeLimit, cap_result, limit_extensions, result_refused
from api.metrics import ApiMetrics
from api.reports import download_route
from api.requestlog import OperationName, RequestObserver, current_record
from api.schema import build_schema
from cmdb import migrations
from cmdb.config import Config
from cmdb.connection import bolt_uri, connect, connect_async
from cmdb.errors import CMDBError
from cmdb.impact.kept import TopologyCache
from cmdb.queries.migrations import APPLIED
from cmdb.schema import Schema

READY_SECONDS = 10.0  # the longest /readyz waits for Neo4j


class _GraphQL(GraphQL[RequestContext, None]):
    def __init__(self, app_state: Any, model: Schema, config: Config, metrics: ApiMetrics) -> None:
        extensions = [*limit_extensions(config.api), OperationName]
        # file uploads (importRegister): strawberry's multipart requests. No cross-site form
        # can send one that runs: every operation needs the Authorization header (never a
        # cookie), which a browser sends cross-origin only after a CORS preflight this app
        # does not grant.
        super().__init__(
            build_schema(model, extensions), graphql_ide="graphiql", multipart_uploads_enabled=True
        )
        self._state = app_state
        self._model = model
        self._config = config
        self._metrics = metrics
        # impact analysis's network, read once per graph version (cmdb/impact/topology.py)
        self._topologies = TopologyCache()
        self._ide_page = offline_page(self.graphql_ide_html)  # GraphiQL without unpkg.com

    async def get_context(  # type: ignore[override]
        self, request: Request, response: Response | None
    ) -> RequestContext:
        driver: neo4j.AsyncDriver = self._state.driver
        db = Db(
            driver, timeout=self._config.api.query_timeout_seconds,
            observe=self._metrics.observe_query, sync_driver=self._state.sync_driver,
        )  # fmt: skip
        context = RequestContext(
            request=request,
            response=response,
            db=db,
            model=self._model,
            config=self._config,
            viewer=await self._viewer(request),
            topologies=self._topologies,
        )
        record = current_record()
        record.db = db
        record.user = context.viewer.name if context.viewer is not None else None
        return context

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """The request run; then the spooled files of a multipart upload closed (strawberry
        leaves them open, also when the operation is refused before its resolver)."""
        try:
            return await super().run(request, context, root_value)
        finally:
            if isinstance(request, Request):
                await request.close()

    async def _viewer(self, request: Request) -> Viewer | None:
        """Who is asking: the request's bearer token, checked (api/auth.py)."""
        return request_viewer(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_page)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        current_record().errors = len(result.errors or [])
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str | bytes:
        """The answer as JSON, unless it is over the result-size cap."""
        limit = self._config.api.max_result_bytes
        encoded = cap_result(super().encode_json(data), limit)
        if encoded is None:
            current_record().errors += 1
            return result_refused(limit)
        return encoded


def create_app(config: Config, model: Schema) -> Starlette:
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = await connect_async(config)
        # manual changes run cmdb's sync write core in a worker thread (api/mutations.py)
        app.state.sync_driver = connect(config)
        try:
            yield
        finally:
            await app.state.driver.close()
            app.state.sync_driver.close()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        reason = await _not_ready(request.app.state.driver, config, model)
        if reason is not None:
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready"})

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics.endpoint),
            assets_mount(),
            *webui.routes(),
        ],
        middleware=[
            Middleware(RequestObserver, metrics=metrics),
            Middleware(
                BodySizeLimit,
                max_bytes=config.api.max_body_bytes,
                max_upload_bytes=config.api.max_upload_bytes,
            ),
        ],
        lifespan=lifespan,
    )
    app.router.routes.append(download_route(config, app.state))  # GET /reports/<token>/<file>
    graphql = _GraphQL(app.state, model, config, metrics)
    # an ASGI app as the route's endpoint: starlette calls it with scope, receive, send
    guarded = BearerAuth(graphql, app.state, timeout=config.api.query_timeout_seconds)
    app.add_route("/graphql", guarded)  # type: ignore[arg-type]
    return app


async def _not_ready(driver: neo4j.AsyncDriver, config: Config, model: Schema) -> str | None:
    """Why the app cannot serve now (Neo4j unreachable, the schema not applied), or None.
    The check `cmdb.migrations.require` makes, through the app's driver."""
    try:
        async with asyncio.timeout(READY_SECONDS), driver.session() as session:
            result = await session.run(neo4j.Query(APPLIED, timeout=READY_SECONDS))
            done = {str(record["id"]) async for record in result}
    except TimeoutError:
        return f"Neo4j at {bolt_uri(config)} did not answer within {READY_SECONDS:g} s"
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, CMDBError, OSError) as exc:
        return f"Neo4j at {bolt_uri(config)} cannot be used: {exc}"
    missing = migrations.missing_steps(model, done)
    if missing:
        return (
            f"the graph is not at schema version {model.version} ({model.checksum}): "
            f"{', '.join(missing)} not applied; run `cmdb schema apply`"
        )
    return None
