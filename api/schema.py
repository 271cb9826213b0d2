"""The GraphQL schema: the parts of api/ merged, built for one CI model (schema/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.tools import merge_types

from api import changes, ci_query, cis, history, impact, meta, mutations, runs, tokens
from api.parts import ApiPart
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
)


def build_schema(model: Schema, extensions: Sequence[Any] = ()) -> strawberry.Schema:
    """`extensions`: strawberry SchemaExtension classes or instances (the limits)."""
    queries = tuple(p.query for p in PARTS if p.query is not None)
    mutations = tuple(p.mutation for p in PARTS if p.mutation is not None)
    types: list[Any] = [t for p in PARTS for t in p.types(model)]
    return strawberry.Schema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations) if mutations else None,
        types=types,
        extensions=list(extensions),
    )


def sdl(model: Schema) -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return build_schema(model).as_str() + "\n"
