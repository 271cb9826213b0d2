"""Bearer tokens on /graphql: every request that may run an operation presents
`Authorization: Bearer <secret>` of a token that is known, not revoked and not expired;
anything else is HTTP 401 with a JSON error and `WWW-Authenticate: Bearer`, before the
GraphQL layer sees the request. Only the GraphiQL page itself (a browser's GET with no
query) loads without a token; the queries it sends need one.

The token is found by the sha256 of the secret (cmdb/tokens.py, one unique-index seek);
the request's viewer (its name and role) lands in `request.state`, from where
`get_context` puts it into `RequestContext.viewer`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import neo4j
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.context import Viewer
from api.db import Db, QueryTimeoutError
from cmdb.errors import CMDBError
from cmdb.queries.tokens import FIND_TOKEN
from cmdb.tokens import hash_secret, token_info

REALM = 'Bearer realm="cmdb"'
MISSING = "no API token: send `Authorization: Bearer <token>` (`cmdb token create` makes one)"
NOT_BEARER = "the Authorization header is not `Bearer <token>`"
UNKNOWN = "the API token is not known (mistyped, or from another CMDB)"
UNCHECKED = "the API token cannot be checked now: Neo4j does not answer (see /readyz)"


class Unauthorized(Exception):
    """Why a request's token is refused; the message names no secret."""

    def __init__(self, message: str, token_given: bool) -> None:
        super().__init__(message)
        self.token_given = token_given


class BearerAuth:
    """An ASGI app guarding another (the GraphQL view) with API tokens; `state` holds the
    lifespan's async driver (`state.driver`)."""

    def __init__(self, app: ASGIApp, state: Any, timeout: float | None = None) -> None:
        self._app = app
        self._state = state
        self._timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        if scope["type"] == "http" and _is_graphiql_page(request):
            await self._app(scope, receive, send)
            return
        try:
            viewer = await self.authenticate(request.headers.get("authorization"))
        except Unauthorized as refused:
            if scope["type"] == "websocket":  # refused before the handshake: HTTP 403
                await send({"type": "websocket.close", "code": 1008})
                return
            await unauthorized(refused)(scope, receive, send)
            return
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, QueryTimeoutError,
                CMDBError, OSError):
            # the database behind the token store is away: the client may retry; no
            # traceback, and nothing of the driver's message (it may name the server)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1011})
                return
            await unavailable()(scope, receive, send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        await self._app(scope, receive, send)

    async def authenticate(self, header: str | None) -> Viewer:
        """The viewer a request's Authorization header names, or Unauthorized."""
        if header is None or not header.strip():
            raise Unauthorized(MISSING, token_given=False)
        scheme, _, secret = header.strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret or " " in secret:
            raise Unauthorized(NOT_BEARER, token_given=True)
        db = Db(self._state.driver, timeout=self._timeout)
        rows = await db.read(FIND_TOKEN, {"hash": hash_secret(secret)})
        if not rows:
            raise Unauthorized(UNKNOWN, token_given=True)
        info = token_info(rows[0])
        refusal = info.refusal(datetime.now(UTC))
        if refusal is not None:
            raise Unauthorized(refusal, token_given=True)
        return Viewer(name=info.name, role=info.role)


def unauthorized(refused: Unauthorized) -> JSONResponse:
    """HTTP 401, the reason as a GraphQL-shaped error, and the RFC 6750 challenge."""
    challenge = f'{REALM}, error="invalid_token"' if refused.token_given else REALM
    return JSONResponse(
        {"errors": [{"message": str(refused), "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )


def unavailable() -> JSONResponse:
    """HTTP 503: the token could not be checked (Neo4j away or too slow)."""
    return JSONResponse(
        {"errors": [{"message": UNCHECKED, "extensions": {"code": "UNAVAILABLE"}}]},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def request_viewer(request: Request) -> Viewer | None:
    """The viewer BearerAuth found for this request (None only for the GraphiQL page)."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return viewer


def _is_graphiql_page(request: Request) -> bool:
    """A browser asking for the GraphiQL page: a GET that accepts HTML and carries no query
    (strawberry serves the page then and runs nothing)."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )
