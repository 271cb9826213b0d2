"""cmdb.write.ChangeSetRecord: the one definition of a change set node's fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cmdb.write import ChangeSetRecord

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def test_a_map_of_its_fields_makes_the_same_record() -> None:
    record = ChangeSetRecord(source="ssh", actor="job", at=T0, observed_at=T0, reason="r")
    assert ChangeSetRecord.of(record) is record
    assert ChangeSetRecord.of(record.props()) == record
    assert set(record.props()) == {"id", "source", "actor", "at", "observed_at", "recorded_at",
                                   "reason", "discovery_run", "change_request", "scope"}  # fmt: skip


def test_a_map_with_a_field_the_record_does_not_define_is_refused() -> None:
    fields = ChangeSetRecord(source="ssh", actor="job", at=T0, observed_at=T0).props()
    with pytest.raises(ValueError, match="a change set holds no ticket"):
        ChangeSetRecord.of({**fields, "ticket": "T-1"})
