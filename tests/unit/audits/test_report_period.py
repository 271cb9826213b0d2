"""Report periods: every form the CLI takes, their previous periods, and one clear error
for anything else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audits.reports.errors import ReportError
from audits.reports.period import parse_period

NOW = datetime(2026, 12, 4, 6, 30, tzinfo=UTC)


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026-11", utc(2026, 11, 1), utc(2026, 12, 1), "2026-11"),
    ("2026-1", utc(2026, 1, 1), utc(2026, 2, 1), "2026-01"),
    ("2026-Q4", utc(2026, 10, 1), utc(2027, 1, 1), "2026-Q4"),
    ("2026-q1", utc(2026, 1, 1), utc(2026, 4, 1), "2026-Q1"),
    ("2026", utc(2026, 1, 1), utc(2027, 1, 1), "2026"),
    ("2026-11-01..2026-11-30", utc(2026, 11, 1), utc(2026, 12, 1), "2026-11-01..2026-11-30"),
    ("2026-11-05..2026-11-05", utc(2026, 11, 5), utc(2026, 11, 6), "2026-11-05..2026-11-05"),
    ("last-month", utc(2026, 11, 1), utc(2026, 12, 1), "2026-11"),
    ("this-month", utc(2026, 12, 1), utc(2027, 1, 1), "2026-12"),
])  # fmt: skip
def test_periods(text: str, start: datetime, end: datetime, label: str) -> None:
    p = parse_period(text, NOW)
    assert (p.start, p.end, p.label) == (start, end, label)


def test_last_month_in_january_is_last_years_december() -> None:
    p = parse_period("last-month", utc(2027, 1, 15))
    assert (p.start, p.end) == (utc(2026, 12, 1), utc(2027, 1, 1))


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026-01", utc(2025, 12, 1), utc(2026, 1, 1), "2025-12"),
    ("2026-Q1", utc(2025, 10, 1), utc(2026, 1, 1), "2025-Q4"),
    ("2026", utc(2025, 1, 1), utc(2026, 1, 1), "2025"),
    ("2026-11-11..2026-11-20", utc(2026, 11, 1), utc(2026, 11, 11), "2026-11-01..2026-11-10"),
])  # fmt: skip
def test_previous_period_has_the_same_length_and_ends_where_it_starts(
    text: str, start: datetime, end: datetime, label: str
) -> None:
    prev = parse_period(text, NOW).previous()
    assert (prev.start, prev.end, prev.label) == (start, end, label)


@pytest.mark.parametrize(("text", "says"), [
    ("2026-13", "month 13"), ("2026-Q5", "expected"), ("november", "expected"),
    ("2026-11-31..2026-12-01", "2026-11-31 is no date"),
    ("2026-11-30..2026-11-01", "ends before it starts"), ("", "expected"),
])  # fmt: skip
def test_a_bad_period_is_one_clear_error(text: str, says: str) -> None:
    with pytest.raises(ReportError) as err:
        parse_period(text, NOW)
    assert says in str(err.value) and "--period" in str(err.value)
