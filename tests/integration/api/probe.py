"""A schema part for the limits' tests only: a tree as deep and as wide as a query asks
(depth, cost and page-size limits need nested lists with `first`), a count of the CIs
(one Neo4j query) and a query that runs for seconds (the transaction timeout). Each
resolver counts its calls, so a test sees that a refused request ran nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import strawberry
from strawberry.types import Info

from api import schema as api_schema
from api.context import RequestContext
from api.parts import ApiPart

CALLS: list[str] = []
COUNT_CIS = "MATCH (n:CI) RETURN count(n) AS n"
SLOW = "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"


@strawberry.type
class Branch:
    name: str

    @strawberry.field
    def children(self, first: int = 2) -> list[Branch]:
        CALLS.append("children")
        return [Branch(name=f"{self.name}.{i}") for i in range(first)]

    @strawberry.field
    def siblings(self, info: Info[RequestContext, None], first: int | None = None) -> list[Branch]:
        """A list whose page is the page-size cap unless `first` says otherwise."""
        CALLS.append("siblings")
        size = info.context.config.api.max_page_size if first is None else first
        return [Branch(name=f"{self.name}~{i}") for i in range(size)]


@strawberry.type
class ProbeQuery:
    @strawberry.field
    def tree(self) -> Branch:
        CALLS.append("tree")
        return Branch(name="root")

    @strawberry.field
    async def ci_count(self, info: Info[RequestContext, None], label: str | None = None) -> int:
        CALLS.append(f"ciCount {label}" if label else "ciCount")  # label: a value to log
        rows = await info.context.db.read(COUNT_CIS)
        return int(rows[0]["n"])

    @strawberry.field
    async def slow(self, info: Info[RequestContext, None]) -> int:
        CALLS.append("slow")
        rows = await info.context.db.read(SLOW)
        return int(rows[0]["n"])


@contextmanager
def probe_part() -> Iterator[None]:
    """The API's schema parts with the probe added, for apps created meanwhile."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api_schema, "PARTS", (*api_schema.PARTS, ApiPart(query=ProbeQuery)))
        yield
