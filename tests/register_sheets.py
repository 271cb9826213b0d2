"""Registers as they come from the field, built with openpyxl for the register tests: a
title row, a two-row header (位置 merged over 地点 | 机房 | 机柜), blank rows, a 合计
row, full-width serials, dates in every form, and garbage rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl


def full_width(text: str) -> str:
    """ASCII as the full-width forms an input method leaves in a cell."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# upper header row; None under a vertical merge's top cell
HEAD = ["序号", "设备名称", "设备类型", "品牌", "型号", "序列号", "资产编号", "位置", None, None,
        "责任人", "使用部门", "购置日期", "保修截止", "合同编号", "备注"]  # fmt: skip
UNDER = {7: "地点", 8: "机房", 9: "机柜"}  # the lower row under 位置

# sheet row -> cells (A..P); the data starts on row 4
ROWS: dict[int, list[Any]] = {
    4: [1, "核心交换机01", "交换机", "华为", "S6730", full_width("SN-A1"), "ZC-001", "总部大楼", "一号机房",
        "A01", "alice@example.com", "网络组", "2025-03-31", datetime(2028, 3, 31), "HT-001",
        "核心"],
    6: [2, "服务器01", "服务器", "Dell", "R740", full_width("SRV123"), "ZC-002", "总部大楼", "一号机房",
        "A02", None, "系统组", "2025/3/31", 46843, "HT-002", None],
    7: [3, "防火墙01", "防火墙", "Huawei", "USG6650", "FW-9", "ZC-003", "总部大楼", None, None,
        "张三", "网络组", "2024年12月1日", "2027年12月1日", None, None],
    8: [4, "无序列号设备", "交换机", "H3C", "S5130", None, "ZC-004", "总部大楼", None, None,
        None, None, None, None, None, None],
    9: [5, "咖啡机", "咖啡机", "Nespresso", "X1", "CAFE-1", "ZC-005", None, None, None,
        None, None, None, None, None, None],
    10: [6, "接入交换机02", "交换机", "H3C", "S5130", "SW-BAD-DATE", "ZC-006", None, None, None,
         None, None, None, "三年", None, None],
    11: [7, "重复设备", "交换机", "华为", "S6730", "SN-A1", "ZC-007", None, None, None,
         None, None, None, None, None, None],
    12: [8, "无地点设备", "UPS", "APC", "SRT3000", "UPS-1", "ZC-008", None, "二号机房", None,
         None, None, None, None, None, None],
    14: ["合计", None, None, None, None, None, None, None, None, None, None, None, None, None,
         None, 8],
}  # fmt: skip
# what the rows above should become: imported rows, refused rows and notes on imported
# rows with what their message says after the row number (the column, the reason)
IMPORTED = [4, 6, 7, 12]
REFUSED = {
    8: ", column F (序列号): no identifier: neither a serial number nor a host name",
    9: ", column C (设备类型): unknown type '咖啡机' (types: audits/register/types.yaml)",
    10: ", column N (保修截止): not a date: '三年' (2025-03-31, 2025/3/31, 2025年3月31日)",
    11: ": serial SN-A1 is on row 4 already",
}
NOTES = {
    7: ": owner '张三' not linked: a Person is identified by e-mail or employee id, not by a name",
    12: ": room (机房) or rack (机柜) not linked: it is identified within its location (位置), "
    "which the row does not name",
}
SKIPPED = [5, 13, 14]  # blank, blank, 合计


def write_register(path: Path, sheet: str = "设备台账") -> Path:
    book = field_workbook(sheet, "2025年度网络设备台账", HEAD, UNDER, ROWS)
    book.create_sheet("其他")
    book.save(path)
    return path


def field_workbook(
    sheet: str, title: str, head: list[str | None], under: dict[int, str],
    rows: dict[int, list[Any]],
) -> openpyxl.Workbook:  # fmt: skip
    """A workbook whose sheet has the title row, the two-row header (`head` above, `under`
    below the merged 位置 of columns H..J, every other heading merged down) and `rows`
    (sheet row -> cells A..)."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    for col, heading in enumerate(head, start=1):
        if heading is not None:
            ws.cell(2, col, heading)
        if col - 1 in under:
            ws.cell(3, col, under[col - 1])
        elif heading is not None:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=8, end_row=2, end_column=10)
    for row, cells in rows.items():
        for col, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(row, col, value)
    return book
