"""What a report is before it is a file: sections, each a frame whose columns are
vocabulary keys (headed in the report's language when written), notes and an optional
chart. The kinds (status.py, inspection.py, audit.py) build them; html.py and files.py
write them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from audits.reports.period import Period

KINDS = ("status", "inspection", "audit")
FORMATS = ("html", "xlsx", "csv")


@dataclass(frozen=True)
class Chart:
    """A chart drawn in the HTML report: `lines` (one per series, over `x`) or `bars`
    (one bar per `x`, series stacked)."""

    kind: str  # "lines" | "bars"
    x: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (vocabulary column key, values)


@dataclass(frozen=True)
class Note:
    """A vocabulary note and the values it is formatted with."""

    key: str
    values: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Section:
    """`key`: the vocabulary section; `frame`: columns named by vocabulary column keys.
    `per_row`: in HTML, a small table per row (first `per_row` rows) headed by the
    `label` column's value, besides nothing else (the inspection's devices)."""

    key: str
    frame: pd.DataFrame
    notes: tuple[Note, ...] = ()
    chart: Chart | None = None
    per_row: int = 0
    label: str | None = None


@dataclass(frozen=True)
class Report:
    kind: str
    period: Period
    lang: str
    generated_at: datetime
    sections: tuple[Section, ...]
    notes: tuple[Note, ...] = field(default=())

    @property
    def rows(self) -> int:
        return sum(len(s.frame) for s in self.sections)
