"""A section's frame as it goes into a file: times as naive UTC (the headings say UTC;
Excel refuses zones), columns headed in the report's language."""

from __future__ import annotations

import pandas as pd

from audits.reports.model import Note, Report, Section
from audits.reports.vocabulary import heading, headings

# columns whose values are vocabulary codes ("values"), and how several are joined
CODED = {"reasons": "; ", "warranty_status": "; ", "support_status": "; "}


def localized(section: Section, lang: str) -> pd.DataFrame:
    frame = section.frame
    zoned = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if zoned:
        frame = frame.assign(**{c: frame[c].dt.tz_convert("UTC").dt.tz_localize(None)
                                for c in zoned})  # fmt: skip
    coded = [c for c in frame.columns if c in CODED]
    if coded:  # each distinct value once: a few codes over any number of rows
        frame = frame.assign(**{c: frame[c].map(_texts(frame[c], CODED[c], lang))
                                for c in coded})  # fmt: skip
    return frame.rename(columns=headings([str(c) for c in frame.columns], lang))


def _texts(codes: pd.Series, joiner: str, lang: str) -> dict[object, str]:
    return {v: joiner.join(heading("values", code, lang) for code in str(v).split(joiner))
            for v in codes.dropna().unique()}  # fmt: skip


def note_text(note: Note, lang: str) -> str:
    return heading("notes", note.key, lang).format(**dict(note.values))


def title(report: Report) -> str:
    return f"{heading('reports', report.kind, report.lang)} {report.period.label}"


def section_title(section: Section, lang: str) -> str:
    return heading("sections", section.key, lang)
