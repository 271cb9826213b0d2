"""The `cis` filter: the GraphQL input, checked against the CI model and turned into the
parameters of cmdb/queries/api_reads.py's page query (every value a parameter; an
attribute's name is checked against schema/ and passed as a value, `s[$name]`).

Bad input is one `BadArgument` naming the argument: an unknown class, status or
attribute, a value that is not of the attribute's type, a regular expression that does
not compile, text over the length the API takes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import strawberry

from api.paging import BadArgument
from cmdb.schema import STATUSES, Attribute, Schema

MAX_TEXT = 1000  # characters of a name, location, owner or source argument
MAX_REGEX = 200
MAX_ATTRIBUTE_FILTERS = 20
MAX_VALUES = 1000  # values of one `in`


@strawberry.input(description="One attribute's condition: exactly one of eq, in, min/max, exists.")
class AttributeFilter:
    name: str = strawberry.field(description="The attribute, as schema/ or this API names it.")
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    min: str | None = None
    max: str | None = None
    exists: bool | None = None


@strawberry.input(description="Every condition given must hold.")
class CIFilter:
    class_name: str | None = strawberry.field(default=None, description="Subclasses included.")
    status: list[str] | None = None
    name: str | None = None
    name_contains: str | None = strawberry.field(default=None, description="Case-insensitive.")
    name_regex: str | None = strawberry.field(default=None, description="The whole name matches.")
    attributes: list[AttributeFilter] | None = None
    location: str | None = strawberry.field(
        default=None, description="A Location's uid, name or code: CIs located in it (LOCATED_IN)."
    )
    owner: str | None = strawberry.field(
        default=None, description="A Person's or Team's uid or name."
    )
    source: str | None = strawberry.field(default=None, description="Reported by this source.")
    last_seen_before: datetime | None = None
    last_seen_after: datetime | None = None


def utc(value: datetime | None) -> datetime | None:
    """A time from the request, a naive one taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def text(argument: str, value: str | None, limit: int = MAX_TEXT) -> str | None:
    if value is not None and len(value) > limit:
        raise BadArgument(f"{argument}: at most {limit} characters, not {len(value)}")
    return value


def filter_params(model: Schema, given: CIFilter | None) -> dict[str, Any]:
    """The page query's filter parameters (null: no condition)."""
    f = given or CIFilter()
    classes = None
    if f.class_name is not None:
        text("filter.className", f.class_name)
        if f.class_name not in model.classes:
            raise BadArgument(f"filter.className: no class {f.class_name[:80]!r} in the schema")
        classes = sorted(c.name for c in model.concrete() if model.is_a(c.name, f.class_name))
    for status in f.status or []:
        if status not in STATUSES:
            raise BadArgument(f"filter.status: {status[:80]!r} is none of {', '.join(STATUSES)}")
    source = text("filter.source", f.source)
    return {
        "classes": classes,
        "statuses": f.status,
        "name": text("filter.name", f.name),
        "name_contains": (text("filter.nameContains", f.name_contains) or "").lower() or None,
        "name_regex": _regex(f.name_regex),
        "seen_before": utc(f.last_seen_before),
        "seen_after": utc(f.last_seen_after),
        "source": None if source is None else json.dumps(source) + ":",  # a key of `_seen`
        "attributes": _attributes(model, f.class_name, f.attributes or []),
        "location": text("filter.location", f.location),
        "owner": text("filter.owner", f.owner),
    }


def _regex(pattern: str | None) -> str | None:
    if pattern is None:
        return None
    text("filter.nameRegex", pattern, MAX_REGEX)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise BadArgument(f"filter.nameRegex: not a regular expression ({exc})") from None
    return pattern


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _attribute(model: Schema, class_name: str | None, name: str) -> Attribute:
    """The attribute a filter names (snake_case or camelCase), of the filtered class and
    its subclasses or of any class (all classes that have it must agree on its type)."""
    text("filter.attributes.name", name, 100)
    key = _snake(name)
    classes = [
        c for c in model.classes.values() if not class_name or model.is_a(c.name, class_name)
    ]
    found = {c.attributes[key].type: c.attributes[key] for c in classes if key in c.attributes}
    if not found:
        where = f"class {class_name}" if class_name else "any class"
        raise BadArgument(f"filter.attributes: {name[:80]!r} is no attribute of {where}")
    if len(found) > 1:
        raise BadArgument(
            f"filter.attributes: {name} has several types ({', '.join(sorted(found))}); "
            "give filter.className"
        )
    return next(iter(found.values()))


def _attributes(
    model: Schema, class_name: str | None, given: list[AttributeFilter]
) -> list[dict[str, Any]]:
    if len(given) > MAX_ATTRIBUTE_FILTERS:
        raise BadArgument(f"filter.attributes: at most {MAX_ATTRIBUTE_FILTERS} conditions")
    return [_condition(_attribute(model, class_name, f.name), f) for f in given]


def _condition(attr: Attribute, f: AttributeFilter) -> dict[str, Any]:
    where = f"filter.attributes {attr.name}"
    bound = f.min if f.min is not None else f.max
    given = (("eq", f.eq), ("in", f.in_), ("range", bound), ("exists", f.exists))
    ops = [op for op, v in given if v is not None]
    if len(ops) != 1:
        raise BadArgument(f"{where}: give exactly one of eq, in, min/max, exists")
    out: dict[str, Any] = {"name": attr.name, "op": ops[0], "value": None, "values": None,
                           "min": None, "max": None, "exists": f.exists}  # fmt: skip
    if attr.type == "string_list" and ops[0] not in ("eq", "exists"):
        raise BadArgument(f"{where}: a list attribute takes eq (contains) or exists")
    if attr.type == "boolean" and ops[0] == "range":
        raise BadArgument(f"{where}: a boolean takes no range")
    if ops[0] == "eq":
        out["value"] = value_of(attr, f.eq or "", where)
        out["op"] = "has" if attr.type == "string_list" else "eq"
    elif ops[0] == "in":
        if len(f.in_ or []) > MAX_VALUES:
            raise BadArgument(f"{where}: at most {MAX_VALUES} values in `in`")
        out["values"] = [value_of(attr, v, where) for v in f.in_ or []]
    elif ops[0] == "range":
        out["min"] = None if f.min is None else value_of(attr, f.min, where)
        out["max"] = None if f.max is None else value_of(attr, f.max, where)
    return out


def value_of(attr: Attribute, raw: str, where: str) -> Any:
    """`raw` as a value of the attribute's type."""
    text(where, raw)
    try:
        match attr.type:
            case "integer":
                return int(raw)
            case "float":
                return float(raw)
            case "boolean":
                if raw.lower() not in ("true", "false"):
                    raise ValueError(raw)
                return raw.lower() == "true"
            case "date":
                return date.fromisoformat(raw)
            case "datetime":
                return utc(datetime.fromisoformat(raw))
            case _:
                return raw
    except ValueError:
        raise BadArgument(f"{where}: {raw[:80]!r} is not a {attr.type}") from None
