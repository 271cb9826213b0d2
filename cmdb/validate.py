"""Check a ChangeSet against the schema and turn it into typed internal facts.

Every problem raises ObservationError (an InvalidObservation, which also holds where in
the change set's document it is, for a file's line) naming the change set, the
observation (index and key) and the field; nothing is written for a change set that does
not validate. `validate_changeset` adds the check of the change set's time against the
clock (`ingest.max_clock_skew_seconds`); the Ingestor and `cmdb load` both use it.

Pydantic has already checked shapes (strict types, no extra fields); what is left here
is the schema: classes, attributes and their types, identifier sets, endpoint classes.
This runs for every fact and link of every change set, so the common cases are kept
cheap: error texts are built only when something is wrong, and a reference to a CI
outside the change set (the same contract named by a thousand links) is checked once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cmdb.errors import ObservationError
from cmdb.observations import ChangeSet, CIObservation, CIRef, LinkObservation, Value
from cmdb.schema import STATUSES, Attribute, CIClass, RelType, Schema


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved-shape endpoint: a fact of this change set, or class + identifiers."""

    local: int | None = None
    cls: CIClass | None = None
    identifiers: tuple[tuple[str, Any], ...] = ()
    parent: Ref | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    index: int
    key: str
    cls: CIClass
    attrs: dict[str, Any]
    parent: Ref | None
    status: str | None
    usable: tuple[int, ...] = ()  # indexes of the identifier sets it can be identified by


@dataclass(frozen=True, slots=True)
class Link:
    index: int
    rel: RelType
    source: Ref
    target: Ref
    evidence: str
    # the relationship's own attributes as one canonical JSON object ("" for none): what
    # a stored link is compared with, and what its properties are set from
    attributes: str = ""


@dataclass(frozen=True)
class Validated:
    changeset: ChangeSet
    observed_at: datetime
    facts: list[Fact]
    links: list[Link]


Path = tuple[str | int, ...]  # where in a change set's document: ("cis", 0, "attributes")


class InvalidObservation(ObservationError):
    """An ObservationError that also knows its place: `at` is the observation without the
    change set's label ("cis[0] (key 'x')", None for the change set itself) and `path`
    the place in the change set's document, for a file loader to find the line."""

    def __init__(
        self, label: str, at: str | None, field: str | None, reason: str, path: Path
    ) -> None:
        super().__init__(f"{label}, {at}" if at else label, field, reason)
        self.at = at
        self.path = path


def _field_path(field: str | None) -> Path:
    return tuple(field.split(".")) if field else ()


class _Invalid(Exception):
    """A problem in one field; the caller adds which observation it is."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def coerce(attr: Attribute, value: Value, where: str, field: str) -> Any:
    """A value of the attribute's type, or ObservationError. None clears an attribute."""
    try:
        return _coerce(attr, value, field)
    except _Invalid as exc:
        raise ObservationError(where, exc.field, exc.reason) from None


def _coerce(attr: Attribute, value: Value, field: str) -> Any:
    if value is None:
        return None
    kind = attr.type
    kind_of = type(value)
    if kind == "string" and kind_of is str:  # the common cases first, by exact type
        return value
    if kind == "integer" and kind_of is int:
        return value
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
        raise _Invalid(field, f"expected {kind}, got {value!r}")
    return ok


def validate_changeset(
    schema: Schema, cs: ChangeSet, now: datetime, max_clock_skew: timedelta
) -> Validated:
    """All the checks a change set passes before anything of it is written: its time
    against the clock (`now`), then `validate`."""
    check_observed_at(cs, now, max_clock_skew)
    return validate(schema, cs)


def check_observed_at(cs: ChangeSet, now: datetime, max_clock_skew: timedelta) -> None:
    """A change set observed past `now` by more than the clock skew allowed is refused: it
    would stamp history in the future."""
    ahead = cs.observed_at - now
    if ahead > max_clock_skew:
        raise InvalidObservation(
            cs.label(), None, "observed_at",
            f"{cs.observed_at.astimezone(UTC).isoformat()} is {_duration(ahead)} in the future "
            f"(more than the clock skew allowed, ingest.max_clock_skew_seconds = "
            f"{max_clock_skew.total_seconds():g})",
            ("observed_at",),
        )  # fmt: skip


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86_400:
        return f"{seconds // 86_400} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} hours"
    return f"{seconds} s"


def validate(schema: Schema, cs: ChangeSet) -> Validated:
    """The change set against the schema: classes, attributes, types, identifier sets,
    references, parents (no cycles). Time-free: see validate_changeset."""
    label = cs.label()
    if cs.source not in schema.precedence.sources:
        raise InvalidObservation(
            label, None, "source",
            f"unknown source {cs.source!r}; known: {list(schema.precedence.sources)}",
            ("source",),
        )  # fmt: skip
    for i, name in enumerate(cs.certified_links or []):
        if name not in schema.relationships:
            raise InvalidObservation(label, None, "certified_links",
                                     f"unknown relationship type {name!r}",
                                     ("certified_links", i))  # fmt: skip
    for i, name in enumerate(cs.certified_classes or []):
        if name not in schema.classes:
            raise InvalidObservation(label, None, "certified_classes", f"unknown class {name!r}",
                                     ("certified_classes", i))  # fmt: skip
    keys: dict[str, int] = {}
    for index, obs in enumerate(cs.cis):
        key = obs.key or f"#{index}"
        if key in keys:
            raise InvalidObservation(label, f"cis[{index}]", "key", f"duplicate key {key!r}",
                                     ("cis", index, "key"))  # fmt: skip
        keys[key] = index
    check = _Checker(schema, keys)
    facts: list[Fact] = []
    for index, obs in enumerate(cs.cis):
        try:
            facts.append(check.fact(index, obs))
        except _Invalid as exc:
            at = f"cis[{index}] (key {obs.key or f'#{index}'!r})"
            raise InvalidObservation(label, at, exc.field, exc.reason,
                                     ("cis", index, *_field_path(exc.field))) from None  # fmt: skip
    _check_parent_cycles(label, facts)
    links: list[Link] = []
    for index, link in enumerate(cs.links):
        try:
            links.append(check.link(facts, index, link))
        except _Invalid as exc:
            raise InvalidObservation(label, f"links[{index}] ({link.type})", exc.field,
                                     exc.reason, ("links", index, *_field_path(exc.field))
                                     ) from None  # fmt: skip
    return Validated(cs, cs.observed_at.astimezone(UTC), facts, links)


def _check_parent_cycles(label: str, facts: list[Fact]) -> None:
    """Facts whose parents (refs within the change set) lead back to themselves."""
    acyclic: set[int] = set()
    for fact in facts:
        chain: list[int] = []
        index: int | None = fact.index
        while index is not None and index not in acyclic:
            if index in chain:
                keys = ", ".join(facts[i].key for i in chain[chain.index(index) :])
                raise InvalidObservation(label, f"cis[{index}] (key {facts[index].key!r})",
                                         "parent", f"parent cycle among {keys}",
                                         ("cis", index, "parent"))  # fmt: skip
            chain.append(index)
            parent = facts[index].parent
            index = parent.local if parent is not None else None
        acyclic.update(chain)


class _Checker:
    """Checks the facts and links of one change set against the schema.

    A reference to a CI outside the change set is checked once however many links name
    it (a thousand servers covered by the same contract).
    """

    def __init__(self, schema: Schema, keys: dict[str, int]) -> None:
        self.schema = schema
        self.keys = keys
        self.local: dict[str, Ref] = {}
        self.external: dict[tuple[Any, ...], Ref] = {}
        self.required: dict[str, tuple[str, ...]] = {}

    def fact(self, index: int, obs: CIObservation) -> Fact:
        cls = self.schema.classes.get(obs.class_)
        if cls is None:
            raise _Invalid("class", f"unknown class {obs.class_!r}")
        if cls.abstract:
            raise _Invalid("class", f"class {cls.name} is abstract")
        known = cls.attributes
        attrs: dict[str, Any] = {}
        for name, value in obs.attributes.items():
            attr = known.get(name)
            if attr is None:
                raise _Invalid(f"attributes.{name}", f"{cls.name} has no attribute {name!r}")
            attrs[name] = _coerce(attr, value, f"attributes.{name}")
        required = self.required.get(cls.name)
        if required is None:
            required = tuple(a.name for a in known.values() if a.required)
            self.required[cls.name] = required
        for name in required:
            if attrs.get(name) is None:
                raise _Invalid(f"attributes.{name}", "required attribute missing")
        if obs.status is not None and obs.status not in STATUSES:
            raise _Invalid("status", f"status must be one of {list(STATUSES)}")
        is_junk = self.schema.is_junk
        usable = tuple(
            i for i, s in enumerate(cls.identification) if not any(is_junk(attrs.get(a)) for a in s)
        )
        if not usable:
            sets = " or ".join("[" + ", ".join(s) + "]" for s in cls.identification)
            junk = {a: attrs[a] for a in cls.identifier_attributes if a in attrs}
            hint = f"; junk or empty values: {junk}" if junk else ""
            raise _Invalid("attributes", f"no usable identifier: needs {sets}{hint}")
        parent = None
        if cls.scoped_by:
            if obs.parent is None:
                raise _Invalid(
                    "parent", f"{cls.name} is identified within its parent ({cls.scoped_by})"
                )
            parent = self.ref("parent", obs.parent)
        elif obs.parent is not None:
            raise _Invalid("parent", f"{cls.name} takes no parent")
        return Fact(index, obs.key or f"#{index}", cls, attrs, parent, obs.status, usable)

    def link(self, facts: list[Fact], index: int, link: LinkObservation) -> Link:
        rel = self.schema.relationships.get(link.type)
        if rel is None:
            raise _Invalid("type", f"unknown relationship type {link.type!r}")
        source = self.ref("source", link.source)
        target = self.ref("target", link.target)
        for field, ref, allowed in (
            ("source", source, rel.sources),
            ("target", target, rel.targets),
        ):
            cls = facts[ref.local].cls if ref.local is not None else ref.cls
            assert cls is not None
            if cls.name not in allowed:
                raise _Invalid(field, f"{rel.name} does not allow a {cls.name} as its {field}")
        return Link(index, rel, source, target, link.evidence, _link_attributes(rel, link))

    def ref(self, field: str, ref: CIRef) -> Ref:
        if ref.ref is not None:
            if ref.class_ is not None or ref.identifiers is not None or ref.parent is not None:
                raise _Invalid(field, "give either ref, or class with identifiers")
            found = self.local.get(ref.ref)
            if found is None:
                if ref.ref not in self.keys:
                    raise _Invalid(f"{field}.ref", f"no CI with key {ref.ref!r} here")
                found = self.local[ref.ref] = Ref(local=self.keys[ref.ref])
            return found
        memo = _memo_key(ref)
        found = self.external.get(memo) if memo is not None else None
        if found is None:
            found = self._external(field, ref)
            if memo is not None:
                self.external[memo] = found
        return found

    def _external(self, field: str, ref: CIRef) -> Ref:
        schema = self.schema
        if ref.class_ is None or not ref.identifiers:
            raise _Invalid(field, "give either ref, or class with identifiers")
        cls = schema.classes.get(ref.class_)
        if cls is None or cls.abstract:
            raise _Invalid(f"{field}.class", f"unknown or abstract class {ref.class_!r}")
        values: dict[str, Any] = {}
        for name, value in ref.identifiers.items():
            attr = cls.attributes.get(name)
            if attr is None or (
                name not in cls.identifier_attributes
                and not any(name in s for s in cls.reference_identification)
            ):
                raise _Invalid(
                    f"{field}.identifiers.{name}", f"{name!r} does not identify a {cls.name}"
                )
            values[name] = _coerce(attr, value, f"{field}.identifiers.{name}")
        if (
            cls.scoped_by
            and ref.parent is None
            and any(
                all(not schema.is_junk(values.get(a)) for a in s) for s in cls.global_identification
            )
        ):
            return Ref(cls=cls, identifiers=tuple(sorted(values.items())))
        if not any(
            all(not schema.is_junk(values.get(a)) for a in s)
            for s in (*cls.identification, *cls.reference_identification)
        ):
            raise _Invalid(f"{field}.identifiers", f"no complete identifier set for {cls.name}")
        parent = None
        if cls.scoped_by:
            if ref.parent is None:
                raise _Invalid(f"{field}.parent", f"{cls.name} needs its parent")
            parent = self.ref(f"{field}.parent", ref.parent)
        return Ref(cls=cls, identifiers=tuple(sorted(values.items())), parent=parent)


def _link_attributes(rel: RelType, link: LinkObservation) -> str:
    """The link's attributes checked against its type's, as canonical JSON (None values
    dropped: an attribute not told is not held)."""
    if not link.attributes:
        return ""
    values = {}
    for name, value in link.attributes.items():
        attr = rel.attributes.get(name)
        if attr is None:
            raise _Invalid(f"attributes.{name}", f"{rel.name} has no attribute {name!r}")
        coerced = _coerce(attr, value, f"attributes.{name}")
        if coerced is not None:
            values[name] = coerced
    return json.dumps(values, sort_keys=True, separators=(",", ":")) if values else ""


def _memo_key(ref: CIRef) -> tuple[Any, ...] | None:
    """What makes two external references the same check (types included: 1 is not True)."""
    if ref.identifiers is None:
        return None
    parent = None
    if ref.parent is not None:
        if ref.parent.ref is not None:
            parent = ("ref", ref.parent.ref, ref.parent.class_, ref.parent.identifiers is None,
                      ref.parent.parent is None)  # fmt: skip
        else:
            parent = _memo_key(ref.parent)
            if parent is None:
                return None
    ids = tuple((k, type(v), v) for k, v in ref.identifiers.items())
    return (ref.class_, ids, ref.parent is not None, parent)
