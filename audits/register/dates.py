"""Dates as registers write them: 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日,
20250331, Excel serial numbers (days since 1899-12-30) and real Excel dates (pure)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from audits.register.vocabulary import normalize_text

_EXCEL_EPOCH = date(1899, 12, 30)
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
# serial numbers from 1950-01-01 to 2099-12-31: a plain number outside is no date
_SERIAL_RANGE = (18264, 73050)


def parse_date(value: object) -> date | None:
    """The date a cell holds, or None when it holds no date this module reads."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    if _SERIAL.match(text):
        return _from_serial(float(text))
    match = _YMD.match(text) or _COMPACT.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 2025-02-30
        return None


def _from_serial(days: float) -> date | None:
    if days != int(days) or not _SERIAL_RANGE[0] <= days <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(days))
