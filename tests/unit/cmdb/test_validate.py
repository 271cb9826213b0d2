"""Validation against the schema: errors name the observation and field; a reference to a
CI outside the change set is checked once, however many links name it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cmdb.errors import ObservationError
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from cmdb.validate import validate


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def vlan(vlan_id: Any) -> dict[str, Any]:
    return {"class": "VLAN", "identifiers": {"vlan_id": vlan_id, "vlan_domain": "d"}}


def changeset(links: list[dict[str, Any]], **extra: Any) -> ChangeSet:
    cis = [{"key": "s", "class": "Server", "attributes": {"serial_number": "SN1"}}]
    cis += [{"key": f"i{n}", "class": "Interface", "parent": {"ref": "s"},
             "attributes": {"name": f"eth{n}"}} for n in range(3)]  # fmt: skip
    return ChangeSet.model_validate({"source": "ssh", "actor": "test", "cis": cis, "links": links,
                                     "observed_at": datetime(2026, 1, 1, tzinfo=UTC), **extra})  # fmt: skip


def test_links_to_the_same_ci_share_one_checked_reference(schema: Schema) -> None:
    links = [{"type": "IN_VLAN", "source": {"ref": f"i{n}"}, "target": vlan(100)} for n in range(3)]
    links.append({"type": "IN_VLAN", "source": {"ref": "i0"}, "target": vlan(101)})
    checked = validate(schema, changeset(links))
    targets = [link.target for link in checked.links]
    assert targets[0] is targets[1] is targets[2]
    assert targets[3] is not targets[0]
    assert targets[0].identifiers == (("vlan_domain", "d"), ("vlan_id", 100))
    assert [link.source.local for link in checked.links] == [1, 2, 3, 1]


def test_a_value_equal_but_of_another_type_is_checked_again(schema: Schema) -> None:
    links = [{"type": "IN_VLAN", "source": {"ref": "i0"}, "target": vlan(1)},
             {"type": "IN_VLAN", "source": {"ref": "i1"}, "target": vlan(True)}]  # fmt: skip
    with pytest.raises(ObservationError) as caught:
        validate(schema, changeset(links))
    assert str(caught.value) == (
        "change set (source ssh), links[1] (IN_VLAN), field 'target.identifiers.vlan_id': "
        "expected integer, got True"
    )


def test_errors_name_the_observation_and_field(schema: Schema) -> None:
    bad = changeset([], scope="t1")
    bad = bad.model_copy(update={"cis": [*bad.cis, bad.cis[0].model_copy(
        update={"key": "broken", "attributes": {"serial_number": "X", "cpu_count": "eight"}})]})  # fmt: skip
    with pytest.raises(ObservationError) as caught:
        validate(schema, bad)
    assert str(caught.value) == (
        "change set (source ssh, scope t1), cis[4] (key 'broken'), field 'attributes.cpu_count': "
        "expected integer, got 'eight'"
    )
    links = [{"type": "IN_VLAN", "source": {"ref": "nowhere"}, "target": vlan(1)}]
    with pytest.raises(ObservationError, match=r"links\[0\] \(IN_VLAN\), field 'source.ref': "
                                               "no CI with key 'nowhere' here"):  # fmt: skip
        validate(schema, changeset(links))


def test_a_links_attributes_are_checked_against_its_type(schema: Schema) -> None:
    tagged = [{"type": "IN_VLAN", "source": {"ref": "i0"}, "target": vlan(10),
               "attributes": {"tagged": True}}]  # fmt: skip
    assert validate(schema, changeset(tagged)).links[0].attributes == '{"tagged":true}'
    for attributes, field, reason in (
        ({"vlan": 10}, "attributes.vlan", "IN_VLAN has no attribute 'vlan'"),
        ({"tagged": "yes"}, "attributes.tagged", "expected boolean, got 'yes'"),
    ):
        bad = [{**tagged[0], "attributes": attributes}]
        with pytest.raises(ObservationError) as caught:
            validate(schema, changeset(bad))
        assert str(caught.value) == (
            f"change set (source ssh), links[0] (IN_VLAN), field '{field}': {reason}")
