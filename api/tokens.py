"""Who is asking (`viewer`: the request's token, its role and permissions), and the API
tokens for an admin: `apiTokens` lists them (never a secret or hash), `revokeApiToken`
revokes one. Tokens are created on the command line only (`cmdb token create`), where
the secret is shown once."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.types import Info

from api.context import RequestContext
from api.parts import ApiPart
from api.permissions import needs, viewer_of
from cmdb.queries.tokens import LIST_TOKENS, REVOKE_TOKEN
from cmdb.roles import permissions_of
from cmdb.tokens import TokenInfo, token_info, token_state


@strawberry.type(description="The token a request came with.")
class ViewerInfo:
    name: str
    role: str
    permissions: list[str] = strawberry.field(description="What the role may do (cmdb.roles).")


@strawberry.type(description="An API token, as `cmdb token list` shows it.")
class ApiToken:
    name: str
    role: str
    state: str = strawberry.field(description="active, expired or revoked")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def _api_token(info: TokenInfo, now: datetime) -> ApiToken:
    return ApiToken(
        name=info.name,
        role=info.role,
        state=token_state(info, now),
        created_at=info.created_at,
        expires_at=info.expires_at,
        revoked_at=info.revoked_at,
    )


@strawberry.type
class TokenQuery:
    @strawberry.field(description="The token this request came with: name, role, permissions.")
    def viewer(self, info: Info[RequestContext, None]) -> ViewerInfo:
        viewer = viewer_of(info)
        return ViewerInfo(
            name=viewer.name, role=viewer.role, permissions=list(permissions_of(viewer.role))
        )

    @strawberry.field(
        description="Every API token, by name, revoked and expired ones too.",
        extensions=[needs("manage_tokens")],
    )
    async def api_tokens(self, info: Info[RequestContext, None]) -> list[ApiToken]:
        rows = await info.context.db.read(LIST_TOKENS)
        now = datetime.now(UTC)
        return [_api_token(token_info(row), now) for row in rows]


@strawberry.type
class TokenMutation:
    @strawberry.mutation(
        description="Revoke a token: refused from now on, kept on record (revoked twice: "
        "the first time stays).",
        extensions=[needs("manage_tokens")],
    )
    async def revoke_api_token(self, info: Info[RequestContext, None], name: str) -> ApiToken:
        now = datetime.now(UTC)
        rows = await info.context.db.write(REVOKE_TOKEN, {"name": name, "at": now})
        if not rows:
            shown = name if len(name) <= 80 else name[:80] + "..."
            raise StrawberryGraphQLError(
                f"no API token named {shown!r}", extensions={"code": "NOT_FOUND"}
            )
        return _api_token(token_info(rows[0]), now)


PART = ApiPart(query=TokenQuery, mutation=TokenMutation)
