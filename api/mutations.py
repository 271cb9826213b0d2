"""Manual changes over GraphQL: create a CI, edit its attributes, open and close a
relationship, retire and restore a CI. Each needs a non-empty `reason` and the
`edit_cis` permission; it is written as one change set of source `manual` whose actor
is the token's name (and whose change request is `changeRequest` when given).

The writes are cmdb's own (the Ingestor for CIs and links, so a manual CI is checked
exactly as `cmdb load` checks one; cmdb.edit for attributes; cmdb.manual for closing a
link): that core is synchronous, so it runs in a worker thread on the sync driver the
app's lifespan owns beside the async one. A refused change is one GraphQL error naming
the field, and nothing of it is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import neo4j
import strawberry
from graphql import GraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.scalars import JSON
from strawberry.types import Info

from api import loaders
from api.arguments import bad, text
from api.cis import ConfigurationItem
from api.context import RequestContext
from api.parts import ApiPart
from api.permissions import needs, viewer_of
from cmdb import manual
from cmdb.edit import MANUAL, set_attributes_recorded
from cmdb.errors import CMDBError

T = TypeVar("T")
MAX_REASON = 10_000


@strawberry.type(description="What a manual change wrote.")
class ManualChange:
    change_set_id: str | None = strawberry.field(
        description="The change set written (null: nothing needed changing)."
    )
    uid: str | None = strawberry.field(description="The CI created or changed.")
    created: bool = strawberry.field(description="A new CI (createCI).")
    changed: list[str] = strawberry.field(description="The attributes changed (edits).")

    @strawberry.field(description="The CI as it is now (after the change).")
    async def ci(self, info: Info[RequestContext, None]) -> ConfigurationItem | None:
        if self.uid is None:
            return None
        found = await loaders.states(info.context, None).load(self.uid)
        return found  # type: ignore[return-value]  # a CINode, typed by resolve_type


def _author(
    info: Info[RequestContext, None], reason: str, change_request: str | None
) -> manual.Author:
    if not reason.strip():
        raise bad("reason", "a manual change needs a reason")
    return manual.Author(
        actor=viewer_of(info).name,
        reason=text("reason", reason, MAX_REASON) or "",
        change_request=text("changeRequest", change_request),
    )


def _mapping(argument: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad(argument, "expected a map of attribute names to values")
    return value


async def _write(info: Info[RequestContext, None], work: Callable[[neo4j.Driver], T]) -> T:
    """Run a write of the sync core in a worker thread; its refusal is the error."""
    driver: neo4j.Driver = info.context.request.app.state.sync_driver
    try:
        return await asyncio.to_thread(work, driver)
    except CMDBError as exc:  # the core's message names the field (as `cmdb load` does)
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from None


async def _set(
    info: Info[RequestContext, None],
    uid: str,
    values: dict[str, Any],
    author: manual.Author,
) -> ManualChange:
    ctx = info.context
    text("uid", uid)

    def work(driver: neo4j.Driver) -> tuple[list[str], str | None]:
        return set_attributes_recorded(
            driver, ctx.model, ctx.config, uid, values, author.reason, author.actor,
            author.change_request,
        )  # fmt: skip

    changed, changeset = await _write(info, work)
    return ManualChange(change_set_id=changeset, uid=uid, created=False, changed=changed)


EDIT: list[FieldExtension] = [needs("edit_cis")]


@strawberry.type
class ManualMutation:
    @strawberry.mutation(
        name="createCI",
        extensions=EDIT,
        description="A CI by hand (class, attributes; a scoped class's parent uid), checked"
        " as `cmdb load` checks one: a CI its identifiers find is that CI, updated.",
    )
    async def create_ci(
        self,
        info: Info[RequestContext, None],
        class_: Annotated[str, strawberry.argument(name="class")],
        attributes: JSON,
        reason: str,
        parent: str | None = None,
        status: str | None = None,
        change_request: str | None = None,
    ) -> ManualChange:
        author = _author(info, reason, change_request)
        ci: dict[str, Any] = {"class": text("class", class_),
                              "attributes": _mapping("attributes", attributes)}  # fmt: skip
        if parent is not None:
            ci["parent"] = text("parent", parent)
        if status is not None:
            ci["status"] = text("status", status)
        ctx = info.context
        done = await _write(
            info, lambda driver: manual.create_ci(driver, ctx.model, ctx.config, author, ci)
        )
        return ManualChange(
            change_set_id=done.changeset_id, uid=done.uid, created=done.created, changed=[]
        )

    @strawberry.mutation(
        extensions=EDIT,
        description="Set attributes (null clears one; `status` too) of a CI, by hand.",
    )
    async def update_attributes(
        self,
        info: Info[RequestContext, None],
        uid: str,
        attributes: JSON,
        reason: str,
        change_request: str | None = None,
    ) -> ManualChange:
        author = _author(info, reason, change_request)
        values = _mapping("attributes", attributes)
        if not values:
            raise bad("attributes", "name at least one attribute")
        return await _set(info, uid, values, author)

    @strawberry.mutation(
        name="retireCI", extensions=EDIT, description="Retire a CI (status retired)."
    )
    async def retire_ci(
        self,
        info: Info[RequestContext, None],
        uid: str,
        reason: str,
        change_request: str | None = None,
    ) -> ManualChange:
        return await _set_status(info, uid, "retired", _author(info, reason, change_request))

    @strawberry.mutation(
        name="restoreCI", extensions=EDIT, description="Bring a CI back (status active)."
    )
    async def restore_ci(
        self,
        info: Info[RequestContext, None],
        uid: str,
        reason: str,
        change_request: str | None = None,
    ) -> ManualChange:
        return await _set_status(info, uid, "active", _author(info, reason, change_request))

    @strawberry.mutation(
        extensions=EDIT,
        description="Open a relationship between two CIs (uids), checked as `cmdb load`"
        " checks a link (type, the classes it allows, its attributes).",
    )
    async def create_relationship(
        self,
        info: Info[RequestContext, None],
        type: str,
        source_: Annotated[str, strawberry.argument(name="source")],
        target: str,
        reason: str,
        attributes: JSON | None = None,
        change_request: str | None = None,
    ) -> ManualChange:
        author = _author(info, reason, change_request)
        link = {"type": text("type", type), "source": text("source", source_),
                "target": text("target", target), "evidence": MANUAL,
                "attributes": _mapping("attributes", attributes)}  # fmt: skip
        ctx = info.context
        done = await _write(
            info, lambda driver: manual.open_link(driver, ctx.model, ctx.config, author, link)
        )
        return ManualChange(change_set_id=done.changeset_id, uid=source_, created=False, changed=[])

    @strawberry.mutation(
        extensions=EDIT, description="Close the open relationship of a type between two CIs."
    )
    async def close_relationship(
        self,
        info: Info[RequestContext, None],
        type: str,
        source_: Annotated[str, strawberry.argument(name="source")],
        target: str,
        reason: str,
        change_request: str | None = None,
    ) -> ManualChange:
        author = _author(info, reason, change_request)
        rel, a, b = (
            text("type", type) or "",
            text("source", source_) or "",
            text("target", target) or "",
        )
        ctx = info.context
        done = await _write(
            info,
            lambda driver: manual.close_link(driver, ctx.model, ctx.config, author, rel, a, b),
        )
        return ManualChange(change_set_id=done.changeset_id, uid=source_, created=False, changed=[])


async def _set_status(
    info: Info[RequestContext, None], uid: str, status: str, author: manual.Author
) -> ManualChange:
    """Retire or restore: a status edit that must change something."""
    change = await _set(info, uid, {"status": status}, author)
    if change.change_set_id is None:
        raise bad("uid", f"CI {change.uid} is {status} already")
    return change


PART = ApiPart(mutation=ManualMutation)
