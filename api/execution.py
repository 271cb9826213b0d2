"""GraphQL execution with a short way for plain fields.

graphql-core spends about 4 µs on every field it completes: a Path, a resolve-info
object of 14 members, the resolver call, the awaitable checks and the nested
completion. An impact answer has ~23,000 fields (256 affected CIs, each with up to
three paths of a few steps), so that was ~140 ms of a ~470 ms answer (bench/api.py).

Most of those fields are *plain*: read from an attribute by strawberry's default
resolver (no resolver of our own, no arguments, no field extension, no directive, no
middleware) and either a scalar or enum, or an object type with no `is_type_of` whose
selected fields are all plain in turn (and `__typename`), or lists of these.
`ShortcutExecutor` completes a plain field in one pass, reading attributes and coercing
leaves as graphql-core would, building no Path or resolve info. Anything else, and any
plain field whose value holds an error (a null where the type forbids one, a value its
scalar cannot serialize, an attribute that raises), goes graphql-core's own way, so
errors, nulls and their paths are graphql-core's own: plain reads have no side effects,
so reading such a field again is safe. tests/unit/api/test_execution.py runs the same
documents both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLID,
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

__all__ = ["ShortcutExecutor"]

Complete = Callable[[Any], Any]  # a value -> its completed form, or _SLOW
Fields = Sequence[tuple[str, FieldDetailsList, Callable[[Any], Any] | None]]
_STRINGS = frozenset({GraphQLString, GraphQLID})
_SLOW: Any = object()  # this value needs graphql-core's own completion (an error or a null)


def _reader(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """How a plain field reads its value, or None when it is not plain: strawberry marks
    the resolver of a field with no resolver and no extension `_is_default`; with the
    default `getattr` as its default resolver, that is reading one attribute."""
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False) or field_def.args:
        return None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if isinstance(field, StrawberryField) and field.default_resolver is getattr:
        return attrgetter(field.python_name)
    return lambda source: resolve(source, None)


def _plain_node(details: FieldDetailsList) -> bool:
    """The selection of a field that may be plain: once, no arguments, no directive."""
    first = details[0]
    node = first.node
    return (
        len(details) == 1
        and first.defer_usage is None
        and not node.arguments
        and not node.directives
    )


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return _SLOW
        return inner(value)

    return complete


def _listed(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, list | tuple):
            return _SLOW
        items = []
        for element in value:
            done = item(element)
            if done is _SLOW:
                return _SLOW
            items.append(done)
        return items

    return complete


def _leaf(coerce: Callable[[Any], Any], strings: bool) -> Complete:
    def complete(value: Any) -> Any:
        if strings and type(value) is str:  # what String and ID coercion return unchanged
            return value
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            return _SLOW
        coerced = coerce(value)
        return _SLOW if coerced is None or coerced is Undefined else coerced

    return complete


def _object(fields: Sequence[tuple[str, Callable[[Any], Any], Complete]]) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        result = {}
        for name, read, inner in fields:
            done = inner(read(value))
            if done is _SLOW:
                return _SLOW
            result[name] = done
        return result

    return complete


class ShortcutExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, completing plain fields the short way (module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # per grouped field set (memoized by graphql-core for every item of a list):
        # the set itself, kept alive so that its id is not reused, and its fields' ways
        self._plans: dict[tuple[str, int], tuple[GroupedFieldSet, Fields]] = {}
        manager = self.middleware_manager
        self._shortcut = manager is None or manager._middleware_resolvers is None

    def _completion(
        self, return_type: GraphQLOutputType, details: FieldDetailsList
    ) -> Complete | None:
        """How to complete a plain field of `return_type` selected by `details`, or None
        when it is not plain."""
        if isinstance(return_type, GraphQLNonNull):
            inner = self._completion(return_type.of_type, details)
            return None if inner is None else _non_null(inner)
        if isinstance(return_type, GraphQLList):
            item = self._completion(return_type.of_type, details)
            return None if item is None else _listed(item)
        if is_leaf_type(return_type):
            return _leaf(return_type.coerce_output_value, return_type in _STRINGS)
        if not isinstance(return_type, GraphQLObjectType) or return_type.is_type_of is not None:
            return None
        grouped, deferred, _ = self.collect_subfields(return_type, details)
        if deferred:
            return None
        fields = []
        for name, sub in grouped.items():
            if not _plain_node(sub):
                return None
            if sub[0].node.name.value == "__typename":
                fields.append((name, _constant(return_type.name), _leaf(str, True)))
                continue
            field_def = self.schema.get_field(return_type, sub[0].node.name.value)
            read = _reader(field_def) if field_def is not None else None
            inner = self._completion(field_def.type, sub) if read and field_def else None
            if read is None or inner is None:
                return None
            fields.append((name, read, inner))
        return _object(fields)

    def _fields(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Fields:
        key = (parent_type.name, id(grouped))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        fields: list[tuple[str, FieldDetailsList, Callable[[Any], Any] | None]] = []
        for name, details in grouped.items():
            way = None
            if _plain_node(details):
                field_def = self.schema.get_field(parent_type, details[0].node.name.value)
                read = _reader(field_def) if field_def is not None else None
                complete = self._completion(field_def.type, details) if read and field_def else None
                if read is not None and complete is not None:
                    way = _read_then(read, complete)
            fields.append((name, details, way))
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
            for name, details, way in self._fields(parent_type, grouped_field_set):
                if way is not None:
                    value = way(source_value)
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


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _source: value


def _read_then(read: Callable[[Any], Any], complete: Complete) -> Callable[[Any], Any]:
    """A plain field's whole way: read, complete; any exception -> graphql-core's way."""

    def way(source: Any) -> Any:
        try:
            return complete(read(source))
        except Exception:  # noqa: BLE001  # graphql-core's own way raises it again and reports it
            return _SLOW

    return way
