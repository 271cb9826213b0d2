"""A register read without a graph: the header found under a title row and through a
two-row merged header, blank and 合计 rows skipped, full-width text folded, dates in
every form, and each bad row refused with its file, sheet, row, column and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from audits.register.dates import parse_date
from audits.register.errors import RegisterError
from audits.register.importer import read_register
from cli.main import app
from tests.register_sheets import IMPORTED, REFUSED, SKIPPED, write_register


def test_a_field_register_reads_row_by_row(tmp_path: Path) -> None:
    path = write_register(tmp_path / "台账.xlsx")
    register = read_register(path)
    assert register.sheet == "设备台账" and register.header.row == 2  # the lower header row
    # row 11 reads well; the facts stage refuses it (a serial twice)
    assert [r.row for r in register.parsed.rows] == sorted([*IMPORTED, 11])
    assert register.parsed.skipped == SKIPPED
    refused = {p.row: p.message() for p in register.parsed.problems}
    assert refused == {
        row: f"{path}, sheet '设备台账', row {row}{reason}"
        for row, reason in REFUSED.items()
        if "already" not in reason  # the facts stage's refusal
    }
    first, second, third = register.parsed.rows[:3]
    assert (first.cls, first.kind) == ("NetworkDevice", "switch")
    assert first.values["serial"] == "SN-A1"  # full-width folded
    assert (first.values["location"], first.values["room"], first.values["rack"]) == (
        "总部大楼", "一号机房", "A01")  # fmt: skip
    assert first.values["purchase_date"] == date(2025, 3, 31)
    assert first.values["warranty_end"] == date(2028, 3, 31)  # a real Excel date
    assert second.values["serial"] == "SRV123"
    assert second.values["purchase_date"] == date(2025, 3, 31)
    assert second.values["warranty_end"] == date(2028, 3, 31)  # an Excel serial number
    assert third.values["warranty_end"] == date(2027, 12, 1)  # 2027年12月1日
    assert (second.cls, third.kind) == ("Server", "firewall")


@pytest.mark.parametrize(
    ("text", "day"),
    [("2025-03-31", date(2025, 3, 31)), ("2025/3/31", date(2025, 3, 31)),
     ("2025年3月31日", date(2025, 3, 31)), ("２０２５年３月３１日", date(2025, 3, 31)),
     ("45747", date(2025, 3, 31)), (45747, date(2025, 3, 31)), ("2025.3.31", date(2025, 3, 31)),
     ("2025-02-30", None), ("3年", None), ("12", None), (45747.5, None)],
)  # fmt: skip
def test_dates_in_the_forms_registers_use(text: object, day: date | None) -> None:
    assert parse_date(text) == day


def test_a_mapping_names_other_headings(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Gerät,Seriennummer,Art\nsw1,S-1,switch\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="no header row"):
        read_register(path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("Gerät: name\nSeriennummer: serial\nArt: type\n", encoding="utf-8")
    (row,) = read_register(path, mapping=mapping).parsed.rows
    assert row.values == {"name": "sw1", "serial": "S-1", "type": "switch"}


CLI_ERRORS = [
    (["--sheet", "Sheet9"], "{path}: no sheet 'Sheet9' (sheets: 设备台账, 其他)"),
    (["--mapping", "{bad}"],
     "{bad}:2: heading 'Art': unknown field 'kind' (known: name, type, brand, model, config, "
     "serial, asset_tag, hostname, location, room, rack, owner, department, purchase_date, "
     "warranty_end, contract, remark)"),
    (["--mapping", "{missing}"], "{missing}: no such mapping file"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CLI_ERRORS)
def test_the_cli_says_one_line_before_any_graph(
    tmp_path: Path, args: list[str], message: str
) -> None:
    path = write_register(tmp_path / "r.xlsx")
    bad = tmp_path / "bad.yaml"
    bad.write_text("Gerät: name\nArt: kind\n", encoding="utf-8")
    names = {"path": path, "bad": bad, "missing": tmp_path / "nope.yaml"}
    result = CliRunner().invoke(
        app, ["import", "register", str(path), *(a.format(**names) for a in args)]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, RegisterError)
    assert str(result.exception) == message.format(**names)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "register", str(tmp_path / "none.xlsx")])
    assert str(result.exception) == f"{tmp_path / 'none.xlsx'}: no such file"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "pdf"], "--format pdf: expected one of xlsx, csv"),
     (["--lang", "de"], "--lang de: expected one of zh, en"),
     (["--class", "Contract"], "--class Contract: not a device class (known: Endpoint, "
      "NetworkDevice, Peripheral, Server, UnclassifiedDevice, VirtualMachine)")],
)  # fmt: skip
def test_export_options_are_checked_before_any_graph(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["export", "register", "--out", str(tmp_path / "x"), *args])
    assert result.exit_code == 1 and str(result.exception) == message


def test_files_that_are_no_register(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"fake.xlsx: not a readable XLSX file"):
        read_register(fake)
    with pytest.raises(RegisterError, match=r"r.txt: not a register \(expected .xlsx or .csv\)"):
        (tmp_path / "r.txt").write_text("x", encoding="utf-8")
        read_register(tmp_path / "r.txt")
    csv = tmp_path / "r.csv"
    csv.write_text("序列号,类别\nS1,交换机\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"r.csv: a CSV file has no sheets \(--sheet A\)"):
        read_register(csv, sheet="A")


def test_a_heading_merged_over_two_columns(tmp_path: Path) -> None:
    """位置 merged over 机房 | 机柜: the lower row names the columns; headings merged
    down over both rows name theirs."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for col, heading in enumerate(["序列号", "类别", "位置"], start=1):
        ws.cell(1, col, heading)
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:D1")
    ws.cell(2, 3, "机房")
    ws.cell(2, 4, "机柜")
    ws.append(["S-1", "路由器", "一号机房", "B07"])
    book.save(tmp_path / "r.xlsx")
    register = read_register(tmp_path / "r.xlsx")
    assert [(c.letter, c.heading, c.field) for c in register.header.columns] == [
        ("A", "序列号", "serial"), ("B", "类别", "type"), ("C", "机房", "room"),
        ("D", "机柜", "rack")]  # fmt: skip
    (row,) = register.parsed.rows
    assert (row.row, row.cls, row.kind) == (3, "NetworkDevice", "router")
    assert row.values == {"serial": "S-1", "type": "路由器", "room": "一号机房", "rack": "B07"}
