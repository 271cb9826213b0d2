"""The reports' vocabulary: every heading in English and Chinese, every column and
section a report writes has one, and Excel sheet names made from them are valid."""

from __future__ import annotations

import re

from audits.reports import audit, inspection, status
from audits.reports.files import sheet_name
from audits.reports.model import KINDS
from audits.reports.vocabulary import GROUPS, LANGS, vocabulary

SECTIONS = ("overview", "counts_by_class", "counts_by_location", "changes", "version_changes",
            "findings_by_severity", "needing_action", "devices", "run", "findings",
            "severity_over_time")  # fmt: skip
COLUMNS = {*status.CHANGE_COLUMNS, *inspection.DEVICE_COLUMNS, *audit.FINDING_COLUMNS,
           "item", "value", "count", "previous", "difference", "location", "severity", "date",
           "reasons", "critical", "major", "minor", "warning", "info"}  # fmt: skip


def test_every_heading_has_both_languages() -> None:
    v = vocabulary()
    for group in GROUPS:
        for key, texts in v[group].items():
            assert set(texts) == set(LANGS), (group, key)
            assert all(t.strip() for t in texts.values()), (group, key)
            assert texts["en"] != texts["zh"], (group, key)  # translated


def test_every_report_section_and_column_has_a_heading() -> None:
    v = vocabulary()
    assert set(KINDS) <= set(v["reports"])
    assert set(SECTIONS) <= set(v["sections"])
    assert COLUMNS <= set(v["columns"]), COLUMNS - set(v["columns"])


def test_section_titles_make_valid_distinct_sheet_names() -> None:
    for lang in LANGS:
        used: set[str] = set()
        names = [sheet_name(vocabulary()["sections"][k][lang], used) for k in SECTIONS]
        assert len(set(names)) == len(names)
        assert all(0 < len(n) <= 31 and not re.search(r"[\[\]:*?/\\']", n) for n in names)


def test_sheet_names_are_cut_and_kept_apart() -> None:
    used: set[str] = set()
    long = "A very long section title: with [brackets] and / slashes"
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert first != second and len(first) <= 31 and len(second) <= 31
    assert not re.search(r"[\[\]:*?/\\']", first + second)
