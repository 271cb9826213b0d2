"""The CI model, loaded from schema/*.yaml (data, not code).

Everything else derives from this: Neo4j constraints and indexes, ingest validation,
the labels and relationship types that may appear in Cypher text, the GraphQL types.
A bad schema file is refused with its file, line and reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cmdb.config import PROJECT_ROOT
from cmdb.errors import SchemaError
from cmdb.yamlfile import LineDict, YAMLFileError, line_of, load_yaml

SCHEMA_DIR = PROJECT_ROOT / "schema"
T = TypeVar("T", bound=BaseModel)
AttrType = Literal["string", "integer", "float", "boolean", "datetime", "date", "string_list"]
Propagation = Literal["target_to_source", "source_to_target", "both", "none"]
NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
ATTR = re.compile(r"^[a-z][a-z0-9_]*$")
REL = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Properties the core manages itself; no schema attribute may take these names.
MANAGED = frozenset({"uid", "status", "first_seen", "last_seen"})
STATUSES = ("planned", "active", "absent", "retired")


class _AttrSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    type: AttrType
    required: bool = False
    description: str = ""


class _ClassSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    parent: str | None = None
    abstract: bool = False
    description: str = ""
    scoped_by: str | None = None
    attributes: dict[str, AttrType | _AttrSpec] = Field(default_factory=dict)
    identification: list[list[str]] | None = None
    # Identifier sets that find a scoped CI without its parent (an Interface by its MAC,
    # as a switch's forwarding table knows it). Used to resolve references only.
    global_identification: list[list[str]] = Field(default_factory=list)
    # Identifier sets that find a scoped CI within its parent when a reference names it by
    # nothing else (the far port of an LLDP neighbour given by its ifIndex). Used to
    # resolve references only, never to identify a reported CI.
    reference_identification: list[list[str]] = Field(default_factory=list)


class _ClassesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: int = Field(ge=1)
    classes: dict[str, _ClassSpec]


class _RelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    from_: list[str] = Field(alias="from", min_length=1)
    to: list[str] = Field(min_length=1)
    impact: Propagation
    redundancy: bool = False
    symmetric: bool = False
    composition: bool = False  # the target is a part of the source (left out with it)
    description: str = ""
    # what the relationship itself holds (IN_VLAN: tagged); scalar types only
    attributes: dict[str, AttrType | _AttrSpec] = Field(default_factory=dict)


class _RelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: int = Field(ge=1)
    relationships: dict[str, _RelSpec]


class _PrecedenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: int = Field(ge=1)
    sources: list[str] = Field(min_length=1)
    staleness_days: float = Field(gt=0)
    attributes: dict[str, list[str]] = Field(default_factory=dict)
    junk_identifiers: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Attribute:
    name: str
    type: AttrType
    required: bool = False
    description: str = ""


@dataclass(frozen=True, eq=False)  # one object per class per loaded schema: identity is equality
class CIClass:
    name: str
    parent: str | None
    abstract: bool
    description: str
    attributes: dict[str, Attribute]
    identification: tuple[tuple[str, ...], ...]
    scoped_by: str | None
    labels: tuple[str, ...]  # CI, the ancestors, then the class itself
    global_identification: tuple[tuple[str, ...], ...] = ()
    reference_identification: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def identifier_attributes(self) -> frozenset[str]:
        sets = (*self.identification, *self.global_identification)
        return frozenset(a for s in sets for a in s)


@dataclass(frozen=True)
class RelType:
    name: str
    sources: frozenset[str]  # concrete and abstract classes allowed, subclasses expanded
    targets: frozenset[str]
    impact: Propagation
    redundancy: bool
    symmetric: bool
    description: str
    attributes: dict[str, Attribute] = field(default_factory=dict)
    composition: bool = False


@dataclass(frozen=True)
class Precedence:
    sources: tuple[str, ...]
    staleness: timedelta
    per_attribute: dict[str, tuple[str, ...]]

    def rank(self, attribute: str, source: str) -> int:
        """Lower is stronger. Unknown sources rank below every known one."""
        order = self.per_attribute.get(attribute, self.sources)
        return order.index(source) if source in order else len(order)


@dataclass(frozen=True)
class Schema:
    version: int
    classes: dict[str, CIClass]
    relationships: dict[str, RelType]
    precedence: Precedence
    junk: frozenset[str]
    checksum: str
    scope_parents: dict[str, tuple[str, str]] = field(default_factory=dict)
    _junk_cache: dict[object, bool] = field(default_factory=dict, repr=False, compare=False)

    def ci_class(self, name: str) -> CIClass:
        return self.classes[name]

    def concrete(self) -> list[CIClass]:
        return [c for c in self.classes.values() if not c.abstract]

    def is_a(self, class_name: str, ancestor: str) -> bool:
        return ancestor in self.classes[class_name].labels

    def is_junk(self, value: object) -> bool:
        """Junk identifiers (serial 'To be filled by O.E.M.', all-zero MACs...) never identify."""
        if value is None:
            return True
        if isinstance(value, bool | float) or (isinstance(value, int) and value != 0):
            return False
        cached = self._junk_cache.get(value)
        if cached is None:
            cached = self._junk_cache[value] = self._is_junk_text(str(value))
        return cached

    def _is_junk_text(self, value: str) -> bool:
        text = value.strip().lower()
        # listed junk, or nothing but zeros and separators (all-zero serials and MACs)
        return text in self.junk or text.strip("0:-.") == ""


def load_schema(directory: Path = SCHEMA_DIR) -> Schema:
    """Load and cross-check classes.yaml, relationships.yaml and precedence.yaml."""
    classes_path = directory / "classes.yaml"
    rels_path = directory / "relationships.yaml"
    prec_path = directory / "precedence.yaml"
    classes_doc, classes_file = _parse(classes_path, _ClassesFile)
    rels_doc, rels_file = _parse(rels_path, _RelsFile)
    prec_doc, prec_file = _parse(prec_path, _PrecedenceFile)

    classes = _compile_classes(classes_path, classes_doc, classes_file)
    relationships = _compile_relationships(rels_path, rels_doc, rels_file, classes)
    scope_parents = _check_scopes(classes_path, classes_doc, classes, relationships)
    precedence = _compile_precedence(prec_path, prec_doc, prec_file, classes)
    digest = hashlib.sha256()
    for path in (classes_path, rels_path, prec_path):
        digest.update(path.read_bytes())
    return Schema(
        version=classes_file.version,
        classes=classes,
        relationships=relationships,
        precedence=precedence,
        junk=frozenset(j.strip().lower() for j in prec_file.junk_identifiers),
        checksum=digest.hexdigest()[:16],
        scope_parents=scope_parents,
    )


def _parse(path: Path, model: type[T]) -> tuple[Any, T]:
    try:
        document = load_yaml(path)
    except YAMLFileError as exc:
        raise SchemaError(exc.path, exc.line, exc.reason) from None
    if not isinstance(document, LineDict):
        raise SchemaError(str(path), 1, "the top level must be a mapping")
    try:
        return document, model.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [p for p in error["loc"] if p not in ("str", "_AttrSpec")]
        where = ".".join(str(p) for p in loc)
        raise SchemaError(str(path), line_of(document, loc), f"{where}: {error['msg']}") from None


def _fail(path: Path, document: Any, loc: Iterable[Any], reason: str) -> SchemaError:
    return SchemaError(str(path), line_of(document, list(loc)), reason)


def _compile_classes(path: Path, doc: Any, parsed: _ClassesFile) -> dict[str, CIClass]:
    specs = parsed.classes
    roots = [n for n, s in specs.items() if s.parent is None]
    if roots != ["CI"]:
        raise _fail(path, doc, ["classes"], f"exactly one root class 'CI' expected, found {roots}")
    compiled: dict[str, CIClass] = {}

    def build(name: str, trail: tuple[str, ...]) -> CIClass:
        if name in compiled:
            return compiled[name]
        loc = ["classes", name]
        if not NAME.match(name):
            raise _fail(path, doc, loc, f"class name {name!r} must be CamelCase letters/digits")
        if name in trail:
            raise _fail(path, doc, loc, f"class {name!r} inherits from itself")
        spec = specs[name]
        parent = None
        if spec.parent is not None:
            if spec.parent not in specs:
                raise _fail(path, doc, [*loc, "parent"], f"unknown parent class {spec.parent!r}")
            parent = build(spec.parent, (*trail, name))
        attributes = _class_attributes(path, doc, loc, spec, parent)
        if spec.identification is not None:
            identification = tuple(tuple(s) for s in spec.identification)
        else:
            identification = parent.identification if parent else ()
        global_sets = tuple(tuple(s) for s in spec.global_identification)
        reference_sets = tuple(tuple(s) for s in spec.reference_identification)
        _check_identifiers(path, doc, loc, attributes,
                           {"identification": identification,
                            "global_identification": global_sets,
                            "reference_identification": reference_sets})  # fmt: skip
        if reference_sets and not (spec.scoped_by or (parent and parent.scoped_by)):
            raise _fail(path, doc, [*loc, "reference_identification"],
                        "only a scoped class is found within its parent by reference")  # fmt: skip
        if not spec.abstract and not identification:
            raise _fail(path, doc, loc, f"concrete class {name} needs identification rules")
        labels = (*parent.labels, name) if parent else (name,)
        compiled[name] = CIClass(
            name=name,
            parent=spec.parent,
            abstract=spec.abstract,
            description=spec.description,
            attributes=attributes,
            identification=identification,
            scoped_by=spec.scoped_by or (parent.scoped_by if parent else None),
            labels=labels,
            global_identification=global_sets,
            reference_identification=reference_sets,
        )
        return compiled[name]

    for name in specs:
        build(name, ())
    return compiled


def _expand(classes: dict[str, CIClass], names: Iterable[str]) -> frozenset[str]:
    wanted = set(names)
    return frozenset(c.name for c in classes.values() if wanted & set(c.labels))


def _compile_relationships(
    path: Path, doc: Any, parsed: _RelsFile, classes: dict[str, CIClass]
) -> dict[str, RelType]:
    result = {}
    for name, spec in parsed.relationships.items():
        loc = ["relationships", name]
        if not REL.match(name):
            raise _fail(path, doc, loc, f"relationship type {name!r} must be UPPER_SNAKE")
        for end, names in (("from", spec.from_), ("to", spec.to)):
            for class_name in names:
                if class_name not in classes:
                    raise _fail(path, doc, [*loc, end], f"unknown class {class_name!r}")
        result[name] = RelType(
            name=name,
            sources=_expand(classes, spec.from_),
            targets=_expand(classes, spec.to),
            impact=spec.impact,
            redundancy=spec.redundancy,
            symmetric=spec.symmetric,
            description=spec.description,
            attributes=_rel_attributes(path, doc, loc, spec),
            composition=spec.composition,
        )
    return result


# Properties the core keeps on every relationship: no relationship attribute takes these.
LINK_MANAGED = frozenset("source evidence scope cs_open cs_close since last_seen until".split())


def _rel_attributes(path: Path, doc: Any, loc: list[str], spec: _RelSpec) -> dict[str, Attribute]:
    attributes = {}
    for attr_name, attr in spec.attributes.items():
        aloc = [*loc, "attributes", attr_name]
        if not ATTR.match(attr_name):
            raise _fail(path, doc, aloc, f"attribute name {attr_name!r} must be snake_case")
        if attr_name in LINK_MANAGED:
            raise _fail(path, doc, aloc, f"attribute {attr_name!r} is managed by the core")
        spec_of = _AttrSpec(type=attr) if isinstance(attr, str) else attr
        if spec_of.type not in ("string", "integer", "float", "boolean"):
            raise _fail(path, doc, aloc, "a relationship attribute is a string, integer, "
                        f"float or boolean, not {spec_of.type}")  # fmt: skip
        attributes[attr_name] = Attribute(attr_name, spec_of.type, False, spec_of.description)
    return attributes


def _check_scopes(
    path: Path, doc: Any, classes: dict[str, CIClass], rels: dict[str, RelType]
) -> dict[str, tuple[str, str]]:
    """Each scoped class: (relationship, direction) linking it to its parent.

    direction 'in' means parent -[REL]-> child (HAS_INTERFACE); 'out' means
    child -[REL]-> parent (RUNS_ON, LOCATED_IN).
    """
    scopes: dict[str, tuple[str, str]] = {}
    for cls in classes.values():
        if cls.scoped_by is None:
            continue
        rel = rels.get(cls.scoped_by)
        if rel is None:
            raise _fail(path, doc, ["classes", cls.name, "scoped_by"],
                        f"unknown relationship {cls.scoped_by!r}")  # fmt: skip
        if cls.name in rel.sources:
            scopes[cls.name] = (rel.name, "out")
        elif cls.name in rel.targets:
            scopes[cls.name] = (rel.name, "in")
        else:
            raise _fail(path, doc, ["classes", cls.name, "scoped_by"],
                        f"{cls.name} is not an endpoint of {rel.name}")  # fmt: skip
    return scopes


def _compile_precedence(
    path: Path, doc: Any, parsed: _PrecedenceFile, classes: dict[str, CIClass]
) -> Precedence:
    known = {a for c in classes.values() for a in c.attributes}
    for attr, order in parsed.attributes.items():
        if attr not in known:
            raise _fail(path, doc, ["attributes", attr], f"unknown attribute {attr!r}")
        unknown = set(order) - set(parsed.sources)
        if unknown:
            raise _fail(path, doc, ["attributes", attr], f"unknown sources {sorted(unknown)}")
    return Precedence(
        sources=tuple(parsed.sources),
        staleness=timedelta(days=parsed.staleness_days),
        per_attribute={a: tuple(o) for a, o in parsed.attributes.items()},
    )


def _class_attributes(
    path: Path, doc: Any, loc: list[str], spec: _ClassSpec, parent: CIClass | None
) -> dict[str, Attribute]:
    """A class's attributes: its parent's, then its own (snake_case, not managed by the
    core, not already inherited)."""
    attributes = dict(parent.attributes) if parent else {}
    for attr_name, attr in spec.attributes.items():
        aloc = [*loc, "attributes", attr_name]
        if not ATTR.match(attr_name):
            raise _fail(path, doc, aloc, f"attribute name {attr_name!r} must be snake_case")
        if attr_name in MANAGED:
            raise _fail(path, doc, aloc, f"attribute {attr_name!r} is managed by the core")
        if attr_name in attributes:
            raise _fail(path, doc, aloc, f"attribute {attr_name!r} is already inherited")
        if isinstance(attr, str):
            attributes[attr_name] = Attribute(attr_name, attr)
        else:
            attributes[attr_name] = Attribute(attr_name, attr.type, attr.required, attr.description)
    return attributes


def _check_identifiers(
    path: Path,
    doc: Any,
    loc: list[str],
    attributes: dict[str, Attribute],
    sets_by_field: dict[str, tuple[tuple[str, ...], ...]],
) -> None:
    """Every identifier set is non-empty and names attributes of the class."""
    for field_name, sets in sets_by_field.items():
        for index, id_set in enumerate(sets):
            if not id_set:
                raise _fail(path, doc, [*loc, field_name, index], "empty identifier set")
            for attr_name in id_set:
                if attr_name not in attributes:
                    raise _fail(
                        path, doc, [*loc, field_name, index],
                        f"identifier {attr_name!r} is not an attribute of {loc[-1]}",
                    )  # fmt: skip
