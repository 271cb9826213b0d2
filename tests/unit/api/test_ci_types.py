"""The CI types follow schema/: every class is a GraphQL type (an interface when abstract)
with every attribute at its GraphQL type, and nothing else is a CI type or a CI field; a
class or attribute added to schema/ appears without code. The search text is never
Lucene syntax; filters are checked against the model."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, cast

import pytest
from graphql import GraphQLSchema, get_named_type, is_interface_type, is_list_type, is_object_type
from graphql.type import GraphQLInterfaceType, GraphQLNonNull

from api.ci_filter import AttributeFilter, CIFilter, filter_params
from api.ci_query import lucene_query
from api.ci_relations import CLASS_FIELDS
from api.cis import ROOT_CLASS
from api.paging import BadArgument
from api.schema import build_schema
from cmdb.schema import SCHEMA_DIR, Schema, load_schema

SCALARS = {"string": "String", "integer": "Int", "float": "Float", "boolean": "Boolean",
           "datetime": "DateTime", "date": "Date", "string_list": "String"}  # fmt: skip


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def graphql_schema(model: Schema) -> GraphQLSchema:
    return build_schema(model)._schema


def ci_types(schema: GraphQLSchema) -> dict[str, Any]:
    """Every type that is a ConfigurationItem (the interface itself left out)."""
    root = schema.type_map["ConfigurationItem"]
    return {name: t for name, t in schema.type_map.items()
            if (is_object_type(t) or is_interface_type(t)) and root in t.interfaces}  # fmt: skip


def check_follows(model: Schema) -> None:
    schema = graphql_schema(model)
    types = ci_types(schema)
    classes = {c.name for c in model.classes.values() if c.name != ROOT_CLASS}
    assert set(types) == classes  # no class missing, no type without its class
    common = set(cast(GraphQLInterfaceType, schema.type_map["ConfigurationItem"]).fields)
    for name, gql_type in types.items():
        cls = model.classes[name]
        assert is_interface_type(gql_type) == cls.abstract, name
        extra = {camel(f) for c in cls.labels for f in CLASS_FIELDS.get(c, {})}
        attrs = {camel(a): a for a in cls.attributes}
        assert set(gql_type.fields) == common | extra | set(attrs), name
        for field, attr in attrs.items():
            field_type = gql_type.fields[field].type
            if field in common:
                continue
            assert not isinstance(field_type, GraphQLNonNull), (name, field)
            assert get_named_type(field_type).name == SCALARS[cls.attributes[attr].type], (
                name,
                field,
            )
            assert is_list_type(field_type) == (cls.attributes[attr].type == "string_list")


def test_every_class_and_attribute_is_in_the_graphql_schema_and_nothing_else() -> None:
    check_follows(load_schema())


def test_a_class_or_attribute_added_to_schema_appears(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, folder)
    classes = folder / "classes.yaml"
    text = classes.read_text(encoding="utf-8")
    text = text.replace(
        "      rack_unit: integer\n", "      rack_unit: integer\n      power_watts: float\n", 1
    )
    text += "  Printer3D:\n    parent: Device\n    attributes:\n      nozzle_mm: float\n"
    classes.write_text(text, encoding="utf-8")
    model = load_schema(folder)
    check_follows(model)
    types = ci_types(graphql_schema(model))
    assert "powerWatts" in types["NetworkDevice"].fields and "nozzleMm" in types["Printer3D"].fields


def test_the_search_text_is_never_query_syntax() -> None:
    assert lucene_query("hq-core-01") == '"hq-core-01" OR hq\\-core\\-01*'
    assert lucene_query('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert lucene_query("x:*) OR name:y") == '"x:*) OR name:y"'
    assert lucene_query("(?:a+)+") == '"(?:a+)+" OR \\(\\?\\:a\\+\\)\\+*'
    for bad in ("", "   ", "a" * 257):
        with pytest.raises(BadArgument, match="text"):
            lucene_query(bad)


def test_attribute_filters_are_checked_against_the_model() -> None:
    model = load_schema()
    params = filter_params(model, CIFilter(class_name="Device", attributes=[
        AttributeFilter(name="cpuCount", min="4"), AttributeFilter(name="tags", eq="prod"),
        AttributeFilter(name="warranty_end", max="2027-01-31")]))  # fmt: skip
    assert [(a["name"], a["op"]) for a in params["attributes"]] == [
        ("cpu_count", "range"), ("tags", "has"), ("warranty_end", "range")]  # fmt: skip
    assert params["classes"] == sorted(
        c.name for c in model.concrete() if model.is_a(c.name, "Device")
    )
    assert params["attributes"][0]["min"] == 4
    for bad, message in [
        (CIFilter(class_name="Location", attributes=[AttributeFilter(name="cpu_count", eq="1")]),
         "no attribute of class Location"),
        (CIFilter(attributes=[AttributeFilter(name="tags", min="a")]), "list attribute"),
        (CIFilter(attributes=[AttributeFilter(name="field_replaceable", min="true")]), "no range"),
        (CIFilter(attributes=[AttributeFilter(name="units", eq="1.5")]), "not a integer"),
        (CIFilter(name_regex="a" * 201), "at most 200"),
    ]:  # fmt: skip
        with pytest.raises(BadArgument, match=message):
            filter_params(model, bad)
