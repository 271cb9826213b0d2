"""`needs(permission)` on a small schema: a role without the permission gets one error
naming it and the resolver does not run; a field with arguments named like the
extension's own (`source`, as history and createRelationship have) resolves; one
extension instance guards many fields; the SDL names each field's permission."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry

from api.context import Viewer
from api.permissions import needs

CALLS: list[str] = []
READ = [needs("read")]  # one instance on several fields


@dataclass
class Context:
    viewer: Viewer | None


@strawberry.type
class Query:
    @strawberry.field(extensions=READ)  # type: ignore[untyped-decorator]
    def sync_read(self, source: str) -> str:
        CALLS.append("sync_read")
        return f"sync {source}"

    @strawberry.field(extensions=READ)  # type: ignore[untyped-decorator]
    async def async_read(self, source: str, info: strawberry.Info) -> str:
        CALLS.append("async_read")
        return f"async {source}"


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[needs("edit_cis")])  # type: ignore[untyped-decorator]
    async def edit(self, source: str = "manual") -> str:
        CALLS.append("edit")
        return f"edited by {source}"


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)


def run(query: str, viewer: Viewer | None) -> Any:
    CALLS.clear()
    return asyncio.run(SCHEMA.execute(query, context_value=Context(viewer)))


def test_a_field_with_an_argument_named_source_resolves() -> None:
    result = run('{ syncRead(source: "a") asyncRead(source: "b") }', Viewer("r", "reader"))
    assert result.errors is None
    assert result.data == {"syncRead": "sync a", "asyncRead": "async b"}
    assert CALLS == ["sync_read", "async_read"]


def test_a_denied_mutation_names_the_permission_and_does_not_run() -> None:
    result = run('mutation { edit(source: "x") }', Viewer("r", "reader"))
    assert result.data is None
    [error] = result.errors
    assert error.message == "permission 'edit_cis' needed (role reader has: read)"
    assert error.extensions == {"code": "FORBIDDEN", "permission": "edit_cis"}
    assert CALLS == []
    allowed = run('mutation { edit(source: "x") }', Viewer("e", "engineer"))
    assert allowed.data == {"edit": "edited by x"} and CALLS == ["edit"]


def test_no_viewer_holds_nothing() -> None:
    result = run('{ syncRead(source: "a") }', None)
    assert result.errors[0].message == "permission 'read' needed (no token)"
    assert CALLS == []


def test_the_sdl_names_each_fields_permission() -> None:
    sdl = SCHEMA.as_str()
    assert 'syncRead(source: String!): String! @needs(permission: "read")' in sdl
    assert 'edit(source: String! = "manual"): String! @needs(permission: "edit_cis")' in sdl


def test_an_unknown_permission_fails_when_the_schema_is_written() -> None:
    with pytest.raises(ValueError, match="unknown permission 'edit_ci': one of read, edit_cis"):
        needs("edit_ci")  # type: ignore[arg-type]
