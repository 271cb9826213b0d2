"""Check a ChangeSet against the schema and turn it into typed internal facts.

Every problem raises ObservationError naming the change set, the observation (index and
key) and the field; nothing is written for a change set that does not validate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cmdb.errors import ObservationError
from cmdb.observations import ChangeSet, CIRef, LinkObservation, Value
from cmdb.schema import STATUSES, Attribute, CIClass, RelType, Schema


@dataclass(frozen=True)
class Ref:
    """A resolved-shape endpoint: a fact of this change set, or class + identifiers."""

    local: int | None = None
    cls: CIClass | None = None
    identifiers: tuple[tuple[str, Any], ...] = ()
    parent: Ref | None = None


@dataclass(frozen=True)
class Fact:
    index: int
    key: str
    cls: CIClass
    attrs: dict[str, Any]
    parent: Ref | None
    status: str | None
    usable: tuple[int, ...] = ()  # indexes of the identifier sets it can be identified by


@dataclass(frozen=True)
class Link:
    index: int
    rel: RelType
    source: Ref
    target: Ref
    evidence: str


@dataclass(frozen=True)
class Validated:
    changeset: ChangeSet
    observed_at: datetime
    facts: list[Fact]
    links: list[Link]


def coerce(attr: Attribute, value: Value, where: str, field: str) -> Any:
    """A value of the attribute's type, or ObservationError. None clears an attribute."""
    if value is None:
        return None
    kind = attr.type
    ok: Any = None
    if kind == "string" and isinstance(value, str):
        ok = value
    elif kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        ok = value
    elif kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        ok = float(value)
    elif kind == "boolean" and isinstance(value, bool):
        ok = value
    elif kind == "string_list" and isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            ok = list(value)
    elif kind == "datetime" and isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            ok = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    elif kind == "date" and isinstance(value, str):
        try:
            ok = date.fromisoformat(value)
        except ValueError:
            ok = None
    if ok is None:
        raise ObservationError(where, field, f"expected {kind}, got {value!r}")
    return ok


def validate(schema: Schema, cs: ChangeSet) -> Validated:
    label = cs.label()
    if cs.source not in schema.precedence.sources:
        raise ObservationError(
            label,
            "source",
            f"unknown source {cs.source!r}; known: {list(schema.precedence.sources)}",
        )
    for name in cs.certified_links or []:
        if name not in schema.relationships:
            raise ObservationError(label, "certified_links", f"unknown relationship type {name!r}")
    for name in cs.certified_classes or []:
        if name not in schema.classes:
            raise ObservationError(label, "certified_classes", f"unknown class {name!r}")
    keys: dict[str, int] = {}
    for index, obs in enumerate(cs.cis):
        key = obs.key or f"#{index}"
        if key in keys:
            raise ObservationError(f"{label}, cis[{index}]", "key", f"duplicate key {key!r}")
        keys[key] = index
    facts = [_fact(schema, cs, keys, i) for i in range(len(cs.cis))]
    links = [_link(schema, label, keys, facts, i, lk) for i, lk in enumerate(cs.links)]
    return Validated(cs, cs.observed_at.astimezone(UTC), facts, links)


def _fact(schema: Schema, cs: ChangeSet, keys: dict[str, int], index: int) -> Fact:
    obs = cs.cis[index]
    key = obs.key or f"#{index}"
    where = f"{cs.label()}, cis[{index}] (key {key!r})"
    cls = schema.classes.get(obs.class_)
    if cls is None:
        raise ObservationError(where, "class", f"unknown class {obs.class_!r}")
    if cls.abstract:
        raise ObservationError(where, "class", f"class {cls.name} is abstract")
    attrs: dict[str, Any] = {}
    for name, value in obs.attributes.items():
        attr = cls.attributes.get(name)
        if attr is None:
            raise ObservationError(
                where, f"attributes.{name}", f"{cls.name} has no attribute {name!r}"
            )
        attrs[name] = coerce(attr, value, where, f"attributes.{name}")
    for attr in cls.attributes.values():
        if attr.required and attrs.get(attr.name) is None:
            raise ObservationError(where, f"attributes.{attr.name}", "required attribute missing")
    if obs.status is not None and obs.status not in STATUSES:
        raise ObservationError(where, "status", f"status must be one of {list(STATUSES)}")
    usable = tuple(
        i
        for i, s in enumerate(cls.identification)
        if all(not schema.is_junk(attrs.get(a)) for a in s)
    )
    if not usable:
        sets = " or ".join("[" + ", ".join(s) + "]" for s in cls.identification)
        junk = {a: attrs[a] for a in cls.identifier_attributes if a in attrs}
        hint = f"; junk or empty values: {junk}" if junk else ""
        raise ObservationError(where, "attributes", f"no usable identifier: needs {sets}{hint}")
    parent = None
    if cls.scoped_by:
        if obs.parent is None:
            raise ObservationError(
                where, "parent", f"{cls.name} is identified within its parent ({cls.scoped_by})"
            )
        parent = _ref(schema, where, "parent", keys, obs.parent)
    elif obs.parent is not None:
        raise ObservationError(where, "parent", f"{cls.name} takes no parent")
    return Fact(index, key, cls, attrs, parent, obs.status, usable)


def _ref(schema: Schema, where: str, field: str, keys: dict[str, int], ref: CIRef) -> Ref:
    if ref.ref is not None:
        if ref.class_ is not None or ref.identifiers is not None or ref.parent is not None:
            raise ObservationError(where, field, "give either ref, or class with identifiers")
        if ref.ref not in keys:
            raise ObservationError(where, f"{field}.ref", f"no CI with key {ref.ref!r} here")
        return Ref(local=keys[ref.ref])
    if ref.class_ is None or not ref.identifiers:
        raise ObservationError(where, field, "give either ref, or class with identifiers")
    cls = schema.classes.get(ref.class_)
    if cls is None or cls.abstract:
        raise ObservationError(where, f"{field}.class", f"unknown or abstract class {ref.class_!r}")
    values: dict[str, Any] = {}
    for name, value in ref.identifiers.items():
        attr = cls.attributes.get(name)
        if attr is None or name not in cls.identifier_attributes:
            raise ObservationError(
                where, f"{field}.identifiers.{name}", f"{name!r} does not identify a {cls.name}"
            )
        values[name] = coerce(attr, value, where, f"{field}.identifiers.{name}")
    if (
        cls.scoped_by
        and ref.parent is None
        and any(
            all(not schema.is_junk(values.get(a)) for a in s) for s in cls.global_identification
        )
    ):
        return Ref(cls=cls, identifiers=tuple(sorted(values.items())))
    if not any(all(not schema.is_junk(values.get(a)) for a in s) for s in cls.identification):
        raise ObservationError(
            where, f"{field}.identifiers", f"no complete identifier set for {cls.name}"
        )
    parent = None
    if cls.scoped_by:
        if ref.parent is None:
            raise ObservationError(where, f"{field}.parent", f"{cls.name} needs its parent")
        parent = _ref(schema, where, f"{field}.parent", keys, ref.parent)
    return Ref(cls=cls, identifiers=tuple(sorted(values.items())), parent=parent)


def _link(
    schema: Schema, label: str, keys: dict[str, int], facts: list[Fact], index: int,
    link: LinkObservation,
) -> Link:  # fmt: skip
    where = f"{label}, links[{index}] ({link.type})"
    rel = schema.relationships.get(link.type)
    if rel is None:
        raise ObservationError(where, "type", f"unknown relationship type {link.type!r}")
    source = _ref(schema, where, "source", keys, link.source)
    target = _ref(schema, where, "target", keys, link.target)
    for field, ref, allowed in (("source", source, rel.sources), ("target", target, rel.targets)):
        cls = facts[ref.local].cls if ref.local is not None else ref.cls
        assert cls is not None
        if cls.name not in allowed:
            raise ObservationError(
                where, field, f"{rel.name} does not allow a {cls.name} as its {field}"
            )
    return Link(index, rel, source, target, link.evidence)
