"""Writing reports: HTML is one file with inline CSS and SVG, escaped text, a table per
section (and a small one per row where asked); XLSX a sheet per section; CSV a zip of
BOM-marked UTF-8 files; times as naive UTC. No graph: frames made here."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from audits.reports import ReportError, write_report
from audits.reports.model import Chart, Note, Report, Section
from audits.reports.period import parse_period

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def sample(lang: str = "en") -> Report:
    devices = pd.DataFrame({
        "device": ["sw-<1>", "服务器-2", "srv-3"], "class": ["NetworkDevice", "Server", "Server"],
        "last_seen": pd.to_datetime(["2026-11-30T10:00:00Z", None, "2026-11-02T00:00:00Z"],
                                    utc=True),
        "interfaces_down": [1, 0, 2],
    })  # fmt: skip
    counts = pd.DataFrame({"class": ["NetworkDevice", "Server"], "count": [1, 2]})
    chart = Chart("bars", ("NetworkDevice", "Server"), (("count", (1.0, 2.0)),))
    lines = Chart("lines", ("2026-11-01", "2026-11-02"), (("major", (1.0, 3.0)),
                                                           ("minor", (0.0, 1.0))))  # fmt: skip
    return Report("inspection", parse_period("2026-11", NOW), lang, NOW, (
        Section("counts_by_class", counts, chart=chart),
        Section("devices", devices, notes=(Note("truncated", (("n", 2), ("total", 3))),),
                per_row=2, label="device"),
        Section("severity_over_time", pd.DataFrame({"date": ["2026-11-01", "2026-11-02"],
                                                    "major": [1, 3], "minor": [0, 1]}),
                chart=lines),
    ))  # fmt: skip


def test_html_is_self_contained_escaped_and_holds_every_table(tmp_path: Path) -> None:
    made = write_report(sample(), "html", tmp_path / "r.html")
    text = made.path.read_text(encoding="utf-8")
    assert text.count("<svg") == 2 and "<script" not in text and "<link" not in text
    assert "sw-<1>" not in text and "sw-&lt;1&gt;" in text
    assert "Only the first 2 rows are shown of 3" in text
    assert text.count("<h3>") == 2  # per_row: the first two devices
    tables = pd.read_html(io.StringIO(text))
    assert list(tables[1]["Device"]) == ["sw-<1>", "服务器-2", "srv-3"]
    assert list(tables[1]["Interfaces down"]) == [1, 0, 2]
    assert (made.sections, made.rows) == (("counts_by_class", "devices", "severity_over_time"), 7)


def test_xlsx_has_a_sheet_per_section_in_chinese(tmp_path: Path) -> None:
    made = write_report(sample("zh"), "xlsx", tmp_path / "r.xlsx")
    sheets = pd.read_excel(made.path, sheet_name=None)
    assert list(sheets) == ["按类别和状态统计", "设备", "各严重程度问题数量趋势"]
    devices = sheets["设备"]
    assert list(devices.columns) == ["设备", "类别", "最后发现时间 (UTC)", "端口 down"]
    assert devices["最后发现时间 (UTC)"].iloc[0] == pd.Timestamp("2026-11-30 10:00:00")


def test_csv_is_a_zip_of_bom_utf8_files(tmp_path: Path) -> None:
    made = write_report(sample("zh"), "csv", tmp_path / "r.zip")
    with zipfile.ZipFile(made.path) as z:
        assert z.namelist() == ["01-counts_by_class.csv", "02-devices.csv",
                                "03-severity_over_time.csv"]  # fmt: skip
        raw = z.read("02-devices.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(frame["设备"]) == ["sw-<1>", "服务器-2", "srv-3"]


def test_an_unwritable_path_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot write"):
        write_report(sample(), "html", tmp_path / "missing" / "r.html")
    with pytest.raises(ReportError, match="--format 'pdf'"):
        write_report(sample(), "pdf", tmp_path / "r.pdf")
