"""The HTML report: one self-contained file (inline CSS, inline SVG charts, no script),
tables written by pandas (`to_html`, escaped). A section with `per_row` also gets a small
table per row (the inspection's devices), built a column at a time."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from audits.reports.frames import localized, note_text, section_title, title
from audits.reports.model import Report, Section
from audits.reports.svg import draw
from audits.reports.vocabulary import headings

CSS = """
body{font-family:"Noto Sans","PingFang SC","Microsoft YaHei",Arial,sans-serif;margin:2em;
color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #999}
h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eef}p.note{color:#555;font-size:.9em}
"""


def write_html(report: Report, out: Path) -> None:
    lang = report.lang
    parts = [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head>"
             f'<meta charset="utf-8"><title>{escape(title(report))}</title>'
             f"<style>{CSS}</style></head><body><h1>{escape(title(report))}</h1>"]  # fmt: skip
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section_title(section, lang))}</h2>")
        parts += [f'<p class="note">{escape(note_text(n, lang))}</p>' for n in section.notes]
        if section.chart is not None:
            keys = [k for k, _ in section.chart.series]
            parts.append(draw(section.chart, headings(keys, lang)))
        parts.append(localized(section, lang).to_html(index=False, na_rep="", border=0))
        if section.per_row:
            parts.append(_per_row(section, lang))
        parts.append("</section>")
    parts.append("</body></html>")
    out.write_text("".join(parts), encoding="utf-8")


def _per_row(section: Section, lang: str) -> str:
    """A heading and a two-column table per row, for the first `per_row` rows."""
    frame = localized(section, lang).head(section.per_row)
    label = headings([section.label or ""], lang)[section.label or ""]
    body = pd.Series("", index=frame.index, dtype=object)
    for column in frame.columns:  # a column at a time, every row at once
        body = (
            body
            + f"<tr><th>{escape(str(column))}</th><td>"
            + _escaped(frame[column])
            + "</td></tr>"
        )
    heads = _escaped(frame[label]) if label in frame.columns else _escaped(frame.iloc[:, 0])
    return "".join("<h3>" + heads + "</h3><table>" + body + "</table>")


def _escaped(values: pd.Series) -> pd.Series:
    text = values.astype(object).where(values.notna(), "").astype(str)
    return (text.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")
            .str.replace('"', "&quot;"))  # fmt: skip
