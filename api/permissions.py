"""Permission checks on fields and mutations, by the permission names of `cmdb.roles`.

    @strawberry.mutation(extensions=[needs("edit_cis")])
    async def retire_ci(self, info: Info[RequestContext, None], ...) -> ...:

A viewer whose role lacks the permission gets one GraphQL error naming it and what the
role has ("permission 'edit_cis' needed (role reader has: read)"), and the resolver is
not called. The SDL shows each guarded field's permission: `@needs(permission: "...")`.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

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


class Needs(BasePermission):
    """A strawberry permission: the viewer's role holds `permission`."""

    def __init__(self, permission: Permission) -> None:
        if permission not in PERMISSIONS:  # a typo fails when the schema is built
            raise ValueError(f"unknown permission {permission!r}: one of {', '.join(PERMISSIONS)}")
        self.permission = permission
        self._directive = NeedsDirective(permission=permission)

    @property
    def schema_directive(self) -> object:
        return self._directive

    def has_permission(self, source: Any, info: Info[RequestContext, None], **kwargs: Any) -> bool:
        viewer = info.context.viewer
        held = permissions_of(viewer.role) if viewer is not None else ()
        if self.permission in held:
            return True
        who = f"role {viewer.role} has: {', '.join(held) or 'nothing'}" if viewer else "no token"
        # raised here, not through `message`: one instance serves every request
        raise StrawberryGraphQLError(
            f"permission '{self.permission}' needed ({who})",
            extensions={"code": "FORBIDDEN", "permission": self.permission},
        )


def needs(permission: Permission) -> PermissionExtension:
    """The field extension that guards a field or mutation with `Needs(permission)`."""
    return PermissionExtension(permissions=[Needs(permission)])


def viewer_of(info: Info[RequestContext, None]) -> Viewer:
    """The token behind this request (the actor of what it writes). Every /graphql request
    that runs an operation has one: api/auth.py answers 401 before anything runs without."""
    viewer = info.context.viewer
    if viewer is None:
        raise StrawberryGraphQLError("no API token", extensions={"code": "UNAUTHENTICATED"})
    return viewer
