"""Permission checks on fields and mutations, by the permission names of `cmdb.roles`.

    @strawberry.mutation(extensions=[needs("edit_cis")])
    async def retire_ci(self, info: Info[RequestContext, None], ...) -> ...:

A viewer whose role lacks the permission gets one GraphQL error naming it and what the
role has ("permission 'edit_cis' needed (role reader has: read)"), and the resolver is
not called. The SDL shows each guarded field's permission: `@needs(permission: "...")`.

`Needs` is a field extension of its own rather than strawberry's PermissionExtension:
that one takes the field's arguments as keywords beside its own `source` and `info`, so
a field with an argument named `source` (history, createRelationship) failed with
"got multiple values for argument 'source'". One instance may guard many fields: it
keeps no state between requests.
"""

from __future__ import annotations

import inspect
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import FieldExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver, SyncExtensionResolver
from strawberry.schema_directive import Location
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from api.context import RequestContext, Viewer
from cmdb.roles import PERMISSIONS, Permission, permissions_of

__all__ = ["Needs", "Permission", "needs", "viewer_of"]


@strawberry.schema_directive(
    name="needs",
    locations=[Location.FIELD_DEFINITION],
    description="The permission (cmdb.roles) a token's role needs to use this field.",
)
class NeedsDirective:
    permission: str


class Needs(FieldExtension):
    """Guards a field: the viewer's role holds `permission`, else one GraphQL error and
    the resolver is not called."""

    def __init__(self, permission: Permission) -> None:
        if permission not in PERMISSIONS:  # a typo fails when the schema is built
            raise ValueError(f"unknown permission {permission!r}: one of {', '.join(PERMISSIONS)}")
        self.permission = permission

    def apply(self, field: StrawberryField) -> None:
        directive = NeedsDirective(permission=self.permission)
        if not any(isinstance(d, NeedsDirective) for d in field.directives):
            field.directives.append(directive)

    def check(self, info: Info[RequestContext, None]) -> None:
        viewer = info.context.viewer
        held = permissions_of(viewer.role) if viewer is not None else ()
        if self.permission in held:
            return
        who = f"role {viewer.role} has: {', '.join(held) or 'nothing'}" if viewer else "no token"
        raise StrawberryGraphQLError(
            f"permission '{self.permission}' needed ({who})",
            extensions={"code": "FORBIDDEN", "permission": self.permission},
        )

    # source and info positional-only: the field's own arguments (one may be named
    # `source`) come as keywords
    def resolve(  # type: ignore[override]
        self, next_: SyncExtensionResolver, source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(  # type: ignore[override]
        self, next_: AsyncExtensionResolver, source: Any, info: Info, /, **kwargs: Any
    ) -> Any:
        self.check(info)
        result = next_(source, info, **kwargs)
        if inspect.isasyncgen(result):
            return result
        return await result


def needs(permission: Permission) -> FieldExtension:
    """The field extension that guards a field or mutation with `permission` (typed as
    strawberry's base, so `extensions=[needs(...)]` type-checks)."""
    return Needs(permission)


def viewer_of(info: Info[RequestContext, None]) -> Viewer:
    """The token behind this request (the actor of what it writes). Every /graphql request
    that runs an operation has one: api/auth.py answers 401 before anything runs without."""
    viewer = info.context.viewer
    if viewer is None:
        raise StrawberryGraphQLError("no API token", extensions={"code": "UNAUTHENTICATED"})
    return viewer
