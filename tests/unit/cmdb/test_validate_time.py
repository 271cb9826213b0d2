"""validate_changeset: a change set observed past the clock by more than the allowed skew
is refused naming the change set, the field and the time; parent cycles are found before
any write; every error knows its place in the document (for a file's line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cmdb.errors import ObservationError
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from cmdb.validate import InvalidObservation, validate_changeset

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SKEW = timedelta(minutes=5)


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def changeset(at: datetime, cis: list[dict[str, Any]] | None = None) -> ChangeSet:
    cis = cis or [{"key": "s", "class": "Server", "attributes": {"serial_number": "SN1"}}]
    return ChangeSet.model_validate({"source": "ssh", "actor": "t", "observed_at": at, "cis": cis})


def test_a_time_within_the_skew_passes(schema: Schema) -> None:
    assert validate_changeset(schema, changeset(NOW + SKEW), NOW, SKEW).observed_at == NOW + SKEW
    old = datetime(2020, 1, 1, tzinfo=UTC)  # the past is not refused (see late facts)
    assert validate_changeset(schema, changeset(old), NOW, SKEW).observed_at == old


def test_a_time_past_the_skew_is_refused(schema: Schema) -> None:
    with pytest.raises(InvalidObservation) as caught:
        validate_changeset(schema, changeset(NOW + SKEW + timedelta(seconds=1)), NOW, SKEW)
    assert str(caught.value) == (
        "change set (source ssh), field 'observed_at': 2026-12-01T12:05:01+00:00 is 301 s in "
        "the future (more than the clock skew allowed, ingest.max_clock_skew_seconds = 300)"
    )
    assert caught.value.path == ("observed_at",)
    with pytest.raises(ObservationError, match="is 26692 days in the future"):
        validate_changeset(schema, changeset(datetime(2099, 12, 31, tzinfo=UTC)), NOW, SKEW)


def test_a_parent_cycle_is_refused_before_any_write(schema: Schema) -> None:
    cis = [
        {"key": "s", "class": "Server", "attributes": {"serial_number": "SN1"}},
        {"key": "a", "class": "Interface", "parent": {"ref": "b"}, "attributes": {"name": "a"}},
        {"key": "b", "class": "Interface", "parent": {"ref": "a"}, "attributes": {"name": "b"}},
    ]
    with pytest.raises(InvalidObservation) as caught:
        validate_changeset(schema, changeset(NOW, cis), NOW, SKEW)
    assert str(caught.value) == (
        "change set (source ssh), cis[1] (key 'a'), field 'parent': parent cycle among a, b"
    )
    assert caught.value.path == ("cis", 1, "parent")


def test_errors_know_their_place_in_the_document(schema: Schema) -> None:
    cis = [{"key": "s", "class": "Server", "attributes": {"serial_number": "S", "cpu_count": "8"}}]
    with pytest.raises(InvalidObservation) as caught:
        validate_changeset(schema, changeset(NOW, cis), NOW, SKEW)
    assert caught.value.path == ("cis", 0, "attributes", "cpu_count")
    assert caught.value.at == "cis[0] (key 's')"
