"""The impact answer's step and contract types are read straight from the core's
dataclasses (api/impact.py `_steps`): each GraphQL field is an attribute of the core's
object, and the types have no is_type_of that would refuse it."""

from __future__ import annotations

import dataclasses

import pytest
from graphql import GraphQLObjectType

from api import impact
from api.schema import build_schema
from cmdb import impact as core
from cmdb.impact.model import ContractSLA
from cmdb.schema import load_schema


@pytest.mark.parametrize(
    ("graphql_type", "core_type"),
    [(impact.ImpactPathStep, core.PathStep), (impact.ContractSla, ContractSLA)],
)
def test_answer_types_read_the_cores_objects(graphql_type: type, core_type: type) -> None:
    definition = graphql_type.__strawberry_definition__  # type: ignore[attr-defined]
    fields = {f.python_name for f in definition.fields}
    assert fields <= {f.name for f in dataclasses.fields(core_type)}
    assert all(f.base_resolver is None for f in definition.fields)
    schema = build_schema(load_schema())
    served = schema._schema.get_type(definition.name)
    assert isinstance(served, GraphQLObjectType)
    assert served.is_type_of is None


def test_steps_answer_as_the_core_gave_them() -> None:
    path = (core.PathStep("u1", "a", "Server", "RUNS_ON", "out"), core.PathStep("u2", None, "VM"))
    steps = impact._steps(path)
    assert [(s.uid, s.name, s.class_name, s.relationship, s.direction) for s in steps] == [
        ("u1", "a", "Server", "RUNS_ON", "out"),
        ("u2", None, "VM", None, None),
    ]
