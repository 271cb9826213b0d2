"""The recorded inventory written out as a register (XLSX or CSV) under the headings the
import reads (headings.yaml, --lang zh|en), so that an exported register imported again
writes nothing: the same fields, the same type words, dates as ISO dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from audits.register.errors import RegisterError
from audits.register.vocabulary import Vocabulary, vocabulary
from cmdb.queries.registers import REGISTER_DEVICES
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema

FORMATS = ("xlsx", "csv")
LANGS = ("zh", "en")
# the columns written, in order
COLUMNS = ("name", "type", "brand", "model", "serial", "asset_tag", "hostname", "location",
           "room", "rack", "owner", "department", "warranty_end", "contract", "remark")  # fmt: skip
_PLACE_FIELDS = {"Location": "location", "Room": "room", "Rack": "rack"}


def device_classes(schema: Schema, names: list[str]) -> list[str]:
    """The concrete device classes named (with their subclasses); all of them for none."""
    for name in names:
        if name not in schema.classes or not schema.is_a(name, "Device"):
            known = sorted(c.name for c in schema.concrete() if schema.is_a(c.name, "Device"))
            raise RegisterError(f"--class {name}: not a device class (known: {', '.join(known)})")
    wanted = names or ["Device"]
    return sorted(c.name for c in schema.concrete() if any(schema.is_a(c.name, w) for w in wanted))


def read_register_rows(
    classes: list[str], words: Vocabulary, lang: str
) -> Plan[list[dict[str, str]]]:
    rows = yield Query(REGISTER_DEVICES, {"classes": classes})
    return [_register_row(r, words, lang) for r in rows]


def _register_row(r: dict[str, Any], words: Vocabulary, lang: str) -> dict[str, str]:
    row = {
        "name": r["name"], "type": words.type_word(r["class"], r["kind"], lang),
        "brand": r["vendor"], "model": r["model"], "serial": r["serial_number"],
        "asset_tag": r["asset_tag"], "hostname": r["hostname"], "remark": r["description"],
        "warranty_end": r["warranty_end"].iso_format() if r["warranty_end"] else None,
    }  # fmt: skip
    for cls, name in r["places"] or []:
        row[_PLACE_FIELDS[cls]] = name
    for cls, value in r["owners"]:
        if cls is not None:
            row["owner" if cls == "Person" else "department"] = value
    row["contract"] = r["contracts"][0] if r["contracts"] else None
    return {k: "" if v is None else str(v) for k, v in row.items()}


def check_export_options(format_: str, lang: str) -> None:
    if format_ not in FORMATS:
        raise RegisterError(f"--format {format_}: expected one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise RegisterError(f"--lang {lang}: expected one of {', '.join(LANGS)}")


def export_register(
    driver: neo4j.Driver, out: Path, format_: str, lang: str, classes: list[str]
) -> int:
    """Write the register of the devices of `classes` (device_classes: concrete, each
    named); the number of devices written."""
    check_export_options(format_, lang)
    words = vocabulary()
    rows = run_plan(driver, read_register_rows(classes, words, lang))
    headings = words.export_headings[lang]
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=headings)
    try:
        if format_ == "csv":
            frame.to_csv(out, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(out, index=False, sheet_name="register", engine="openpyxl")
    except OSError as exc:
        raise RegisterError(f"{out}: cannot write: {exc.strerror}") from None
    return len(rows)
