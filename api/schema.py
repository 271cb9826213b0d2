"""The GraphQL schema: the parts of api/ merged, built for one CI model (schema/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api import (
    audits,
    changes,
    ci_query,
    cis,
    history,
    impact,
    meta,
    mutations,
    reports,
    runs,
    tokens,
    topology,
)
from api.execution import ShortcutExecutor
from api.parts import ApiPart
from api.requestlog import log_errors
from cmdb.schema import Schema

PARTS: tuple[ApiPart, ...] = (
    meta.PART,
    cis.PART,
    ci_query.PART,
    history.PART,
    mutations.PART,
    runs.PART,
    tokens.PART,
    changes.PART,
    impact.PART,
    topology.PART,
    audits.PART,
    reports.PART,
)


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """One line per error on `cmdb.api`, never the query text (strawberry's own logs
        the whole document)."""
        log_errors(errors, execution_context)


def build_schema(model: Schema, extensions: Sequence[Any] = ()) -> strawberry.Schema:
    """`extensions`: strawberry SchemaExtension classes or instances (the limits)."""
    queries = tuple(p.query for p in PARTS if p.query is not None)
    mutations = tuple(p.mutation for p in PARTS if p.mutation is not None)
    types: list[Any] = [t for p in PARTS for t in p.types(model)]
    return _Schema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations) if mutations else None,
        types=types,
        extensions=list(extensions),
        execution_context_class=ShortcutExecutor,
    )


def sdl(model: Schema) -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return build_schema(model).as_str() + "\n"
