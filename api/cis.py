"""The CI types: the interface `ConfigurationItem` and one GraphQL type per class of
schema/, generated from the loaded model when the schema is built.

An abstract class is a GraphQL interface (Device, HardwareComponent: `... on Device`
selects every device), a concrete class an object type implementing its ancestors'
interfaces; the root class CI is `ConfigurationItem`. Each type has its class's
attributes (inherited ones from its interface) with their GraphQL types, plus the fields
of api/ci_relations.py. The object behind every CI is an `api.loaders.CINode` (uid,
class, state, the time the answer is read at); its class names its GraphQL type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import strawberry
from graphql import GraphQLAbstractType

from api import ci_attributes, ci_history, ci_relations
from api.loaders import CINode
from api.parts import ApiPart
from cmdb.schema import Attribute, CIClass, Schema

ROOT_CLASS = "CI"
GRAPHQL_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "float": float,
    "boolean": bool,
    "datetime": datetime,
    "date": date,
    "string_list": list[str],
}


def _uid(root: strawberry.Parent[CINode]) -> str:
    return root.uid


def _class_name(root: strawberry.Parent[CINode]) -> str:
    return root.class_name


def _name(root: strawberry.Parent[CINode]) -> str | None:
    name = root.state.get("name")
    return None if name is None else str(name)


def _status(root: strawberry.Parent[CINode]) -> str:
    return str(root.state.get("status"))


def _first_seen(root: strawberry.Parent[CINode]) -> datetime | None:
    value: datetime | None = root.state.get("first_seen")
    return value


def _last_seen(root: strawberry.Parent[CINode]) -> datetime | None:
    value: datetime | None = root.state.get("last_seen")
    return value


def _as_of(root: strawberry.Parent[CINode]) -> datetime | None:
    return root.as_of


@strawberry.interface(description="Every configuration item, whatever its class.")
class ConfigurationItem:
    uid: str = strawberry.field(resolver=_uid)
    name: str | None = strawberry.field(resolver=_name)
    class_name: str = strawberry.field(resolver=_class_name, description="Its class in schema/.")
    status: str = strawberry.field(
        resolver=_status, description="planned, active, absent or retired"
    )
    first_seen: datetime | None = strawberry.field(resolver=_first_seen)
    last_seen: datetime | None = strawberry.field(resolver=_last_seen)
    as_of: datetime | None = strawberry.field(
        resolver=_as_of, description="The time this answer is read at (null: now)."
    )
    relationships = strawberry.field(resolver=ci_relations.relationships)
    owner = strawberry.field(resolver=ci_relations.owner)
    supported_by = strawberry.field(resolver=ci_relations.supported_by)
    contracts = strawberry.field(resolver=ci_relations.contracts)
    location = strawberry.field(resolver=ci_relations.location)
    discovery_coverage = strawberry.field(resolver=ci_relations.discovery_coverage)
    attributes = strawberry.field(
        resolver=ci_attributes.attributes, description=ci_attributes.DESCRIPTION
    )
    history = strawberry.field(resolver=ci_history.ci_history)

    @classmethod
    def resolve_type(cls, obj: CINode, _info: Any, _type: GraphQLAbstractType) -> str:
        return obj.class_name


def interface_fields() -> frozenset[str]:
    """The Python names of the interface's fields (a class attribute of the same name is
    the interface's field, not generated again)."""
    definition = ConfigurationItem.__strawberry_definition__  # type: ignore[attr-defined]
    return frozenset(f.python_name for f in definition.fields)


def _getter(attribute: Attribute) -> Callable[[CINode], Any]:
    name = attribute.name

    def get(root: strawberry.Parent[CINode]) -> Any:
        return root.state.get(name)

    return get


def _is_type_of(class_name: str) -> Any:
    def is_type_of(_cls: type, obj: Any, _info: Any) -> bool:
        return isinstance(obj, CINode) and obj.class_name == class_name

    return classmethod(is_type_of)


def _relation_field(spec: tuple[Any, str, str], types: dict[str, type]) -> Any:
    resolver, shape, returns = spec
    if shape == "neighbours":
        return strawberry.field(resolver=resolver, graphql_type=list[ci_relations.Neighbour])
    target = types.get(returns, ConfigurationItem)
    kind = list[target] if shape == "list" else target | None  # type: ignore[valid-type]
    return strawberry.field(resolver=resolver, graphql_type=kind)


def ci_types(model: Schema) -> list[type]:
    """One strawberry type per class of `model` (interfaces for abstract classes)."""
    ordered = sorted(
        (c for c in model.classes.values() if c.name != ROOT_CLASS), key=lambda c: len(c.labels)
    )
    taken = interface_fields()
    plain: dict[str, type] = {}
    for cls in ordered:
        parent = model.classes[cls.parent] if cls.parent else None
        inherited = set(parent.attributes) if parent and parent.name != ROOT_CLASS else set()
        namespace: dict[str, Any] = {"__module__": __name__, "__doc__": cls.description or None}
        for attr in cls.attributes.values():
            if attr.name in taken or attr.name in inherited:
                continue
            namespace[attr.name] = strawberry.field(
                resolver=_getter(attr),
                graphql_type=GRAPHQL_TYPES[attr.type] | None,
                description=attr.description or None,
            )
        if not cls.abstract:
            namespace["is_type_of"] = _is_type_of(cls.name)
        base = plain.get(cls.parent or "", ConfigurationItem)
        plain[cls.name] = type(cls.name, (base,), namespace)
    for cls in ordered:
        for field_name, spec in ci_relations.CLASS_FIELDS.get(cls.name, {}).items():
            _check_free(cls, field_name, taken)
            setattr(plain[cls.name], field_name, _relation_field(spec, plain))
    return [_decorate(cls, plain[cls.name]) for cls in ordered]


def _check_free(cls: CIClass, field_name: str, taken: frozenset[str]) -> None:
    if field_name in cls.attributes or field_name in taken:
        raise ValueError(f"class {cls.name}: attribute {field_name} hides the API field")


def _decorate(cls: CIClass, plain: type) -> type:
    description = cls.description or f"A CI of class {cls.name}."
    if cls.abstract:
        return strawberry.interface(plain, name=cls.name, description=description)
    return strawberry.type(plain, name=cls.name, description=description)


def class_and_subclasses(model: Schema, name: str) -> list[str]:
    """The concrete classes that are `name` or descend from it."""
    return sorted(c.name for c in model.concrete() if model.is_a(c.name, name))


PART = ApiPart(types=ci_types)
