"""GraphQL execution with a short way for plain leaf fields.

graphql-core spends about 4 µs on every field it completes: a Path, a resolve-info
object of 14 members, the resolver call, the awaitable checks and the nested
completion. An impact answer has ~33,000 fields (256 affected CIs, each with up to
three paths of a few steps), so that was ~150 ms of a ~470 ms answer (bench/api.py).

Most of those fields are *plain leaves*: a scalar or enum (or a list of them) read
from an attribute by strawberry's default resolver, with no arguments, no resolver of
our own, no field extension and no middleware. For those `LeafShortcutExecutor` reads
the attribute and coerces it as graphql-core would, and builds no Path or resolve
info. Anything else, and any plain leaf whose value would be an error (null in a
non-null field, a value its scalar cannot serialize, an attribute that raises), goes
the ordinary way, field by field, so errors, nulls and their paths are graphql-core's
own. tests/unit/api/test_execution.py runs the same documents both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

__all__ = ["LeafShortcutExecutor"]


class _Leaf(NamedTuple):
    """How to complete one plain leaf field without graphql-core's per-field machinery."""

    read: Callable[[Any], Any]  # the value from the source object
    leaf: GraphQLLeafType
    non_null: bool  # the field's own type
    listed: bool  # a list of leaves
    items_non_null: bool  # a list's items


_STRINGS = frozenset({GraphQLString, GraphQLID})
_SLOW: Any = object()  # this value needs graphql-core's own completion (an error or a null)


def _reader(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """How a plain field reads its value, or None when it is not plain: strawberry marks
    the resolver of a field with no resolver and no extension `_is_default`; with the
    default `getattr` as its default resolver, that is reading one attribute."""
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if isinstance(field, StrawberryField) and field.default_resolver is getattr:
        return attrgetter(field.python_name)
    return lambda source: resolve(source, None)


def _plain_leaf(return_type: GraphQLOutputType, read: Callable[[Any], Any]) -> _Leaf | None:
    """The shortcut for a field of `return_type` read by `read`, or None when its type is
    not a leaf or a list of leaves."""
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if isinstance(inner, GraphQLList):
        item = inner.of_type
        items_non_null = isinstance(item, GraphQLNonNull)
        item = item.of_type if isinstance(item, GraphQLNonNull) else item
        if is_leaf_type(item):
            return _Leaf(read, item, non_null, True, items_non_null)
        return None
    if is_leaf_type(inner):
        return _Leaf(read, inner, non_null, False, False)
    return None


def _coerce(leaf: GraphQLLeafType, value: Any, non_null: bool) -> Any:
    if type(value) is str and leaf in _STRINGS:  # what their coercion returns unchanged
        return value
    if value is None or value is Undefined:
        return _SLOW if non_null else None
    if isinstance(value, Exception):
        return _SLOW
    coerced = leaf.coerce_output_value(value)
    return _SLOW if coerced is None or coerced is Undefined else coerced


def _complete(plan: _Leaf, source: Any) -> Any:
    """The completed value of a plain leaf field, or _SLOW."""
    try:
        value = plan.read(source)
        if not plan.listed:
            return _coerce(plan.leaf, value, plan.non_null)
        if value is None or value is Undefined:
            return _SLOW if plan.non_null else None
        if not isinstance(value, list | tuple):
            return _SLOW
        items = [_coerce(plan.leaf, item, plan.items_non_null) for item in value]
    except Exception:  # noqa: BLE001  # graphql-core's own way raises it again and reports it
        return _SLOW
    return _SLOW if any(item is _SLOW for item in items) else items


Fields = Sequence[tuple[str, FieldDetailsList, _Leaf | None]]


class LeafShortcutExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, completing plain leaf fields the short way (module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # per grouped field set (memoized by graphql-core for every item of a list):
        # the set itself, kept alive so that its id is not reused, and its fields' plans
        self._plans: dict[tuple[str, int], tuple[GroupedFieldSet, Fields]] = {}
        manager = self.middleware_manager
        self._shortcut = manager is None or manager._middleware_resolvers is None

    def _fields(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Fields:
        key = (parent_type.name, id(grouped))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        fields: list[tuple[str, FieldDetailsList, _Leaf | None]] = []
        for name, details in grouped.items():
            plan = None
            first = details[0]
            plain = len(details) == 1 and first.defer_usage is None
            if plain and not first.node.arguments and not first.node.directives:
                field_def = self.schema.get_field(parent_type, first.node.name.value)
                read = _reader(field_def) if field_def is not None else None
                if field_def is not None and read is not None and not field_def.args:
                    plan = _plain_leaf(field_def.type, read)
            fields.append((name, details, plan))
        self._plans[key] = (grouped, fields)
        return fields

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if not self._shortcut:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for name, details, plan in self._fields(parent_type, grouped_field_set):
                if plan is not None:
                    value = _complete(plan, source_value)
                    if value is not _SLOW:
                        results[name] = value
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    details,
                    Path(path, name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
