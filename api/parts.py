"""One part of the GraphQL schema: its root Query and Mutation fields and any extra types
(e.g. the CI types generated from schema/). `api/schema.py` merges the parts; each part
lives in its own module, so the parts grow without touching each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cmdb.schema import Schema


@dataclass(frozen=True)
class ApiPart:
    query: type | None = None
    mutation: type | None = None
    types: Callable[[Schema], list[Any]] = field(default=lambda _model: [])
