"""Findings over time: a finding is unresolved from its open (or reopen) step until a
resolve step; counted by severity just before each time, every severity a column."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from audits.reports.timeline import EVENT_COLUMNS, unresolved_at


def at(day: int) -> datetime:
    return datetime(2026, 3, day, tzinfo=UTC)


def events(*rows: tuple[str, str, int, str]) -> pd.DataFrame:
    frame = pd.DataFrame([(i, s, at(d), to, "run", "x") for i, s, d, to in rows],
                         columns=EVENT_COLUMNS)  # fmt: skip
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def test_open_resolve_reopen_and_acknowledge_counted_by_severity() -> None:
    ev = events(
        ("F1", "major", 2, "open"), ("F1", "major", 4, "resolved"), ("F1", "major", 6, "open"),
        ("F2", "minor", 3, "open"), ("F2", "minor", 5, "acknowledged"),
        ("F3", "major", 3, "open"), ("F3", "major", 3, "waived"),
    )  # fmt: skip
    got = unresolved_at(ev, [at(1), at(3), at(4), at(5), at(7)])
    assert list(got.columns) == ["critical", "major", "minor", "warning", "info"]
    assert got["major"].tolist() == [0, 1, 2, 1, 2]  # an event at the time is not yet counted
    assert got["minor"].tolist() == [0, 0, 1, 1, 1]  # acknowledged is still unresolved
    assert got[["critical", "warning", "info"]].to_numpy().sum() == 0


def test_no_findings_count_nothing() -> None:
    got = unresolved_at(events(), [at(1), at(2)])
    assert got.to_numpy().sum() == 0 and len(got) == 2
