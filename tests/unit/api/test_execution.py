"""api/execution.py: the leaf shortcut answers every document exactly as strawberry's own
executor does (data, errors, their paths), and takes the shortcut for plain leaves."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, NewType

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution import ShortcutExecutor
from api.permissions import needs


def _odd_only(value: int) -> int:
    if value % 2 == 0:
        raise ValueError(f"{value} is even")
    return value


Odd = NewType("Odd", int)
ODD = strawberry.scalar(name="Odd", serialize=_odd_only, parse_value=int)


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Step:
    uid: str
    name: str | None
    colour: Colour
    note: str  # None on one step of item 2: the error of a plain subtree


@strawberry.type
class Item:
    uid: str
    name: str | None
    count: int
    ratio: float | None
    flag: bool
    at: datetime
    day: date | None
    colour: Colour
    tags: list[str]
    maybe_tags: list[str | None] | None
    odd: Odd | None
    must: str  # some items break it: None where the type says non-null
    paths: list[list[Step]]

    @strawberry.field
    def shout(self) -> str:
        return (self.name or self.uid).upper()

    @strawberry.field
    async def later(self, times: int = 1) -> str:
        await asyncio.sleep(0)
        return self.uid * times

    @strawberry.field(extensions=[needs("manage_tokens")])  # type: ignore[untyped-decorator]
    def secret(self) -> str:
        return "never"


def _item(i: int) -> Item:
    steps = [
        Step(
            uid=f"s{i}-{k}",
            name=None if k % 2 else f"n{k}",
            colour=Colour.BLUE,
            note=None if (i, k) == (2, 1) else "fine",  # type: ignore[arg-type]
        )
        for k in range(3)
    ]
    return Item(
        uid=f"u{i}",
        name=None if i % 3 == 0 else f"item {i}",
        count=i,
        ratio=i / 7 if i % 2 else None,
        flag=bool(i % 2),
        at=datetime(2026, 1, 1, i % 24, tzinfo=UTC),
        day=date(2026, 1, 1 + i % 28) if i % 4 else None,
        colour=Colour.RED if i % 2 else Colour.BLUE,
        tags=[f"t{k}" for k in range(i % 3)],
        maybe_tags=None if i % 5 == 0 else ["a", None, "b"],
        odd=Odd(i),  # even values fail to serialize: an error, null
        must=None if i == 4 else "ok",  # type: ignore[arg-type]
        paths=[steps, steps[:1]],
    )


@strawberry.type
class Query:
    @strawberry.field
    def items(self, n: int = 12) -> list[Item]:
        return [_item(i) for i in range(n)]

    @strawberry.field
    def item(self) -> Item:
        return _item(1)


class _Counted(ShortcutExecutor):
    fields_executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).fields_executed += 1
        return super().execute_field(*args, **kwargs)


class _Stock(StrawberryGraphQLCoreExecutionContext):
    fields_executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).fields_executed += 1
        return super().execute_field(*args, **kwargs)


ALL_LEAVES = """{ items { uid name count ratio flag at day colour tags maybeTags odd } }"""
DOCUMENTS = [
    ALL_LEAVES,
    "{ items { uid must } }",  # a non-null field resolving null nulls its item
    "{ items { odd } }",  # a scalar that cannot serialize some values
    "{ item { a: uid b: uid uid: name __typename } }",  # aliases, a field twice
    "{ items(n: 3) { uid paths { uid name colour } } }",  # nested lists of objects
    "{ items(n: 3) { ...F paths { ...S } } } fragment F on Item { uid name } "
    "fragment S on Step { uid colour }",
    "query($no: Boolean!) { items(n: 4) { uid name @skip(if: $no) count @include(if: $no) } }",
    "{ items(n: 4) { uid paths { uid note __typename } } }",  # a plain subtree with an error
    "{ items(n: 3) { paths { ... on Step { uid } t: __typename } } }",
    "{ items(n: 5) { uid shout later(times: 2) } }",  # resolvers of our own, async
    "{ items(n: 2) { uid secret } }",  # a field extension: the permission error
]


def _run(executor: type[StrawberryGraphQLCoreExecutionContext], document: str) -> Any:
    schema = strawberry.Schema(
        query=Query,
        execution_context_class=executor,
        config=StrawberryConfig(scalar_map={Odd: ODD}),
    )

    class NoViewer:  # what api/permissions.py reads: no token
        viewer = None

    result = asyncio.run(
        schema.execute(document, variable_values={"no": True}, context_value=NoViewer())
    )
    errors = sorted(
        (e.message, tuple(e.path or ()), tuple((loc.line, loc.column) for loc in e.locations or ()))
        for e in result.errors or ()
    )
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
def test_same_answer_as_strawberry(document: str) -> None:
    assert _run(ShortcutExecutor, document) == _run(_Stock, document)


def test_errors_are_reported_with_their_paths() -> None:
    data, errors = _run(ShortcutExecutor, "{ items(n: 5) { uid must odd } }")
    assert data is None  # items is [Item!]!: item 4's null `must` nulls the whole answer
    messages = {(message, path) for message, path, _ in errors}
    assert (
        "Cannot return null for non-nullable field Item.must.",
        ("items", 4, "must"),
    ) in messages
    assert any(path == ("items", 2, "odd") and "2 is even" in m for m, path in messages)


def test_plain_leaves_take_the_shortcut() -> None:
    _Counted.fields_executed = _Stock.fields_executed = 0
    _run(_Counted, ALL_LEAVES)
    _run(_Stock, ALL_LEAVES)
    # the stock executor runs items + 12 x 11 leaves; the shortcut only items and the
    # leaves whose value is an error (odd on the six even items)
    assert _Stock.fields_executed == 1 + 12 * 11
    assert _Counted.fields_executed == 1 + 6


def test_plain_subtrees_take_the_shortcut() -> None:
    document = "{ item { uid paths { uid name colour __typename } } }"
    _Counted.fields_executed = _Stock.fields_executed = 0
    assert _run(_Counted, document) == _run(_Stock, document)
    # item has a resolver; uid and the whole of paths are plain: nothing else executed
    # field by field, where the stock executor runs each of the 2 + 4 x 4 below item
    assert _Stock.fields_executed == 1 + 2 + 4 * 4
    assert _Counted.fields_executed == 1


def test_an_error_deep_in_a_plain_subtree_is_graphql_cores() -> None:
    data, errors = _run(ShortcutExecutor, "{ items(n: 3) { uid paths { uid note } } }")
    assert data is None  # a null note nulls its step, its path, ... up to the root list
    assert [(m, p) for m, p, _ in errors] == [
        (
            "Cannot return null for non-nullable field Step.note.",
            ("items", 2, "paths", 0, 1, "note"),
        )
    ]
