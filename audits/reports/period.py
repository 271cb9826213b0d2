"""Report periods as people type them: `parse_period(text, now)` is pure and accepts
`2026-11` (a month), `2026-Q4` (a quarter), `2026` (a year), `2026-11-01..2026-11-30`
(inclusive dates), `last-month` and `this-month` (UTC). A period is [start, end): its
`previous()` is the period of the same length that ends where it starts (the month,
quarter or year before, for those)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from audits.reports.errors import ReportError

FORMS = "2026-11, 2026-Q4, 2026, 2026-11-01..2026-11-30, last-month or this-month"

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\.\.(\d{4}-\d{1,2}-\d{1,2})")


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `label` as the user wrote it (normalised); `months` the
    whole calendar months it spans (0 for a range of dates)."""

    start: datetime
    end: datetime
    label: str
    months: int = 0

    def previous(self) -> Period:
        if self.months:
            start = _add_months(self.start, -self.months)
            return _months(start, self.months, _months_label(start, self.months))
        length = self.end - self.start
        start = self.start - length
        last = (self.start - timedelta(days=1)).date()
        return Period(start, self.start, f"{start.date()}..{last}")


def parse_period(text: str, now: datetime) -> Period:
    """The period `text` names, `now` deciding last-month and this-month."""
    t = text.strip()
    this = datetime(now.year, now.month, 1, tzinfo=UTC)
    if t == "this-month":
        return _months(this, 1, _month_label(this))
    if t == "last-month":
        start = _add_months(this, -1)
        return _months(start, 1, _month_label(start))
    if m := _QUARTER.fullmatch(t):
        start = datetime(int(m[1]), 3 * int(m[2]) - 2, 1, tzinfo=UTC)
        return _months(start, 3, f"{m[1]}-Q{m[2]}")
    if m := _MONTH.fullmatch(t):
        if not 1 <= int(m[2]) <= 12:
            raise _bad(text, f"month {m[2]} is not 1-12")
        start = datetime(int(m[1]), int(m[2]), 1, tzinfo=UTC)
        return _months(start, 1, _month_label(start))
    if m := _YEAR.fullmatch(t):
        return _months(datetime(int(m[1]), 1, 1, tzinfo=UTC), 12, m[1])
    if m := _RANGE.fullmatch(t):
        first, last = _date(text, m[1]), _date(text, m[2])
        if last < first:
            raise _bad(text, "it ends before it starts")
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)
        end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
        return Period(start, end, f"{first}..{last}")
    raise _bad(text, f"expected {FORMS}")


def _months(start: datetime, months: int, label: str) -> Period:
    return Period(start, _add_months(start, months), label, months)


def _add_months(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _months_label(start: datetime, months: int) -> str:
    if months == 12 and start.month == 1:
        return str(start.year)
    if months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{start.month // 3 + 1}"
    last = _add_months(start, months - 1)
    return _month_label(start) if months == 1 else f"{_month_label(start)}..{_month_label(last)}"


def _month_label(start: datetime) -> str:
    return f"{start.year:04d}-{start.month:02d}"


def _date(text: str, part: str) -> date:
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in part.split("-")))
    except ValueError:
        raise _bad(text, f"{part} is no date") from None


def _bad(text: str, why: str) -> ReportError:
    return ReportError(f"--period {text[:60]!r} is not a period: {why}")
