"""The starlette application: /graphql (strawberry, GraphiQL in the browser) and
/healthz. Its lifespan owns the one async Neo4j driver; nothing else is kept between
requests (tokens, change requests and snapshots live in the graph), so any number of
instances can serve one Neo4j."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import neo4j
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from api.context import RequestContext
from api.db import Db
from api.schema import build_schema
from cmdb.config import Config
from cmdb.connection import connect_async
from cmdb.schema import Schema


class _GraphQL(GraphQL[RequestContext, None]):
    def __init__(self, app_state: Any, model: Schema, config: Config) -> None:
        super().__init__(build_schema(model), graphql_ide="graphiql")
        self._state = app_state
        self._model = model
        self._config = config

    async def get_context(  # type: ignore[override]
        self, request: Request, response: Response | None
    ) -> RequestContext:
        driver: neo4j.AsyncDriver = self._state.driver
        return RequestContext(
            request=request,
            response=response,
            db=Db(driver, timeout=None),
            model=self._model,
            config=self._config,
        )


def create_app(config: Config, model: Schema) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = await connect_async(config)
        try:
            yield
        finally:
            await app.state.driver.close()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(routes=[Route("/healthz", healthz)], lifespan=lifespan)
    graphql = _GraphQL(app.state, model, config)
    # an ASGI app as the route's endpoint: starlette calls it with scope, receive, send
    app.add_route("/graphql", graphql)  # type: ignore[arg-type]
    return app
