"""The limits every API request is held to, from cmdb.yaml's `api:` section
(`cmdb.config.ApiSettings`; the table with the defaults is in the README).

Before anything runs: strawberry's depth, alias and token limiters, introspection off
when configured, and our cost check (`RequestCost`: every field counts once per item of
the pages above it; a page larger than the page-size cap is refused). Around the request:
the body-size cap (`BodySizeLimit`, ASGI) and the result-size cap (`cap_result`). The
Neo4j transaction timeout is the request's `Db(timeout=...)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.utilities import get_operation_ast
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from cmdb.config import ApiSettings

PAGE_ARGUMENTS = ("first", "last")  # the arguments that size a page of a list field


def limit_extensions(settings: ApiSettings) -> list[Callable[[], SchemaExtension]]:
    """The schema extensions that enforce `settings`, each made afresh per request (the
    validation rules of strawberry's limiters are made once, here)."""
    limiters: list[AddValidationRules] = [
        QueryDepthLimiter(max_depth=settings.max_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection:
        limiters.append(DisableIntrospection())
    rules = [rule for limiter in limiters for rule in limiter.validation_rules]
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: RequestCost(settings.max_cost, settings.max_page_size),
    ]


class RequestCost(SchemaExtension):
    """Refuses, before execution, an operation that costs more than `max_cost` or asks
    for a page larger than `max_page_size`. A field costs one per item of every page
    above it: `cis(first: 100) { edges { node { name } } }` costs 1 + 3 x 100; a list
    field not given `first` counts its default page (the cap when that is null)."""

    def __init__(self, max_cost: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            schema: GraphQLSchema = context.schema._schema  # graphql-core's, for field types
            root = schema.get_root_type(operation.operation)
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            walk = _Walk(self, schema, fragments, context.variables or {})
            walk.cost(operation.selection_set, root, 1)
        yield


class _Walk:
    """One costing of an operation; stops at the first limit it passes."""

    def __init__(
        self,
        limits: RequestCost,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.limits = limits
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.total = 0

    def cost(
        self,
        selections: SelectionSetNode,
        parent: GraphQLNamedType | None,
        times: int,
        seen: frozenset[str] = frozenset(),
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                self.total += times
                if self.total > self.limits.max_cost:
                    raise GraphQLError(
                        f"the query costs more than the cost limit api.max_cost="
                        f"{self.limits.max_cost} (a field counts once per item of every "
                        "page above it): ask for fewer fields or smaller pages"
                    )
                field = _field(parent, selection.name.value)
                if selection.selection_set is not None:
                    below = get_named_type(field.type) if field is not None else None
                    pages = self.page(selection, field)
                    self.cost(selection.selection_set, below, times * pages, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                self.cost(selection.selection_set, inner, times, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    inner = self.schema.get_type(fragment.type_condition.name.value)
                    self.cost(fragment.selection_set, inner, times, seen | {name})

    def page(self, node: FieldNode, field: GraphQLField | None) -> int:
        """The page size a field asks for: its `first`/`last`, else the argument's default
        (the page-size cap when that is null); 1 for a field without such an argument."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        size = 1
        for name in PAGE_ARGUMENTS:
            value: Any = None
            if name in given:
                value = self.value(given[name])
            elif field is not None and name in field.args:
                default = field.args[name].default_value
                value = default if isinstance(default, int) else self.limits.max_page_size
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                continue  # none given, or one the field's own validation refuses
            if value > self.limits.max_page_size:
                raise GraphQLError(
                    f"{node.name.value}({name}: {value}) is over the page-size "
                    f"cap api.max_page_size={self.limits.max_page_size}"
                )
            size = max(size, value)
        return size

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return None


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    """The field `name` of an object or interface type (None for introspection fields,
    unions and unknown types)."""
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def cap_result(encoded: str | bytes, max_bytes: int) -> str | bytes | None:
    """The encoded answer if it fits in `max_bytes`, else None (see `result_refused`)."""
    size = len(encoded.encode() if isinstance(encoded, str) else encoded)
    return encoded if size <= max_bytes else None


def result_refused(max_bytes: int) -> str:
    """The answer sent instead of one over the result-size cap."""
    message = (
        f"the answer is larger than the result-size cap api.max_result_bytes={max_bytes}: "
        "ask for fewer fields or smaller pages"
    )
    return json.dumps({"data": None, "errors": [{"message": message}]})


class BodyTooLarge(Exception):
    """A request body passed api.max_body_bytes while it was read."""


class BodySizeLimit:
    """ASGI middleware: a request body over `max_bytes` is answered 413 with one GraphQL-
    style error, before the application sees it (by Content-Length, or counted while a
    chunked body streams in). A multipart body (a GraphQL file upload) may carry
    `max_upload_bytes` more: the file itself is held to that cap by its resolver."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int = 0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        cap = self.max_bytes + (self.max_upload_bytes if upload else 0)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > cap:
            await self.refuse(send, upload)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(send, upload)

    async def refuse(self, send: Send, upload: bool = False) -> None:
        message = f"the request body is larger than the cap api.max_body_bytes={self.max_bytes}"
        if upload:
            message += f" plus api.max_upload_bytes={self.max_upload_bytes} for a file upload"
        body = json.dumps({"errors": [{"message": message}]}).encode()
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})
