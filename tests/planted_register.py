"""A register of planted errors over devices the lab let discovery find (for
tests/integration/audits/test_planted_register.py): the lab's recordings with a sysName
each (LibreNMS's recordings blank it as `<private>`), the operations team's own record of
those devices (source manual: where each sits, who owns it, its warranty end), and the
register a service contract would carry (Chinese headings, a title row, a merged two-row
header, blank rows, a 合计 row, full-width characters, dates in every form, garbage rows)
with one discrepancy planted per device role. `Planted` says what reconciliation must
report: exactly that, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tests.register_sheets import field_workbook, full_width

SYS_NAME = "1.3.6.1.2.1.1.5.0"
# recording -> the role its device plays in the register
ROLES = {
    "brother": "ok",  # a correct row
    "canonprinter_lbp": "duplicated",  # a correct row, listed twice
    "dahua-nvr": "unregistered",  # left out of the register
    "hikvision-nvr": "wrong-location",
    "hpe-ilo": "wrong-serial",
    "linux_supermicro": "wrong-warranty",
    "nxos_n5548-7.3.3": "wrong-owner",  # no serial: identified by its host name
}
SWEEP = "127.96.0.0/28"  # the discovery job's one target: the lab's devices and empty addresses


@dataclass(frozen=True)
class Spare:
    """A registered server discovery never finds, at an address the team recorded."""

    serial: str
    hostname: str
    address: str


MISSING = Spare("PLN-GONE-01", "pln-gone", "127.96.0.12")  # inside the sweep: missing
ELSEWHERE = Spare("PLN-FAR-01", "pln-far", "127.96.1.12")  # outside it: not missing
TYPES = {"Peripheral": "打印机", "Server": "服务器", "NetworkDevice": "交换机"}
# the warranty end of each device role, in the form its register row writes it
WARRANTY = date(2028, 3, 31)
FORMS: list[Any] = ["2028-03-31", "2028/3/31", "2028年3月31日", 46843, datetime(2028, 3, 31),
                    full_width("2028-03-31")]  # fmt: skip
LOCATION, ROOM, RACK = "总部大楼", "一号机房", "A01"
TEAM = "NOC"  # an ASCII team name sorts before the owner's e-mail address


def host(recording: str) -> str:
    return "pln-" + recording.split("_")[0].split(".")[0].lower()


def with_sys_name(text: str, name: str) -> str:
    """A .snmprec with sysName.0 set to `name` (replaced, or inserted in OID order)."""
    key = tuple(int(x) for x in SYS_NAME.split("."))
    lines = [ln for ln in text.splitlines() if not ln.startswith(SYS_NAME + "|")]
    at = next((i for i, ln in enumerate(lines)
               if tuple(int(x) for x in ln.split("|")[0].split(".")) > key), len(lines))  # fmt: skip
    lines.insert(at, f"{SYS_NAME}|4|{name}")
    return "\n".join(lines) + "\n"


def write_recordings(source: Path, dest: Path) -> Path:
    """A lab data folder with the ROLES' recordings, each answering its own sysName."""
    snmp = dest / "snmp"
    snmp.mkdir(parents=True, exist_ok=True)
    for name in ROLES:
        text = (source / "snmp" / f"{name}.snmprec").read_text(encoding="utf-8")
        (snmp / f"{name}.snmprec").write_text(with_sys_name(text, host(name)), encoding="utf-8")
    return dest


@dataclass(frozen=True)
class Device:
    """A device as discovery recorded it (read back from the graph)."""

    uid: str
    cls: str
    name: str
    hostname: str
    serial: str | None
    model: str | None
    address: str


def manual_record(devices: dict[str, Device]) -> str:
    """The operations team's record (a `cmdb load` file, source manual; a device named by
    its host name, so its serial stays discovery's): every device in
    rack A01 of 一号机房, owned by a person and the NOC team, under warranty to WARRANTY;
    and two registered servers discovery never found, one with its address inside the
    sweep, one outside it."""
    lines = ["source: manual", "actor: ops", "cis:",
             f"  - {{key: hq, class: Location, attributes: {{name: {LOCATION}}}}}",
             f"  - {{key: room, class: Room, parent: {{ref: hq}}, attributes: {{name: {ROOM}}}}}",
             f"  - {{key: rack, class: Rack, parent: {{ref: room}}, attributes: {{name: {RACK}}}}}",
             f"  - {{key: noc, class: Team, attributes: {{name: {TEAM}}}}}"]  # fmt: skip
    links = []
    for n, (recording, d) in enumerate(sorted(devices.items())):
        lines.append(f"  - {{key: d{n}, class: {d.cls}, attributes: {{hostname: {d.hostname}, "
                     f"warranty_end: {WARRANTY.isoformat()}}}}}")  # fmt: skip
        lines.append(f"  - {{key: p{n}, class: Person, attributes: {{email: {owner(recording)}}}}}")
        links += [("LOCATED_IN", f"d{n}", "rack"), ("OWNED_BY", f"d{n}", f"p{n}"),
                  ("OWNED_BY", f"d{n}", "noc")]  # fmt: skip
    for key, spare in (("gone", MISSING), ("far", ELSEWHERE)):
        lines.append(f"  - {{key: {key}, class: Server, attributes: {{serial_number: "
                     f"{spare.serial}, hostname: {spare.hostname}, "
                     f"management_ip: {spare.address}}}}}")  # fmt: skip
    lines.append("links:")
    lines += [f"  - {{type: {t}, source: {{ref: {a}}}, target: {{ref: {b}}}, evidence: manual}}"
              for t, a, b in links]  # fmt: skip
    return "\n".join(lines) + "\n"


def owner(recording: str) -> str:
    return f"{host(recording)}.owner@example.com"


# upper header row; None under a vertical merge's top cell
HEAD = ["序号", "设备名称", "设备类型", "品牌", "型号", "序列号", "主机名", "位置", None, None,
        "责任人", "使用部门", "购置日期", "保修截止", "备注"]  # fmt: skip
UNDER = {7: "地点", 8: "机房", 9: "机柜"}  # the lower row under 位置
FIRST = 4  # the first data row


@dataclass
class Register:
    rows: dict[int, list[Any]]  # sheet row -> cells
    device_row: dict[str, int]  # recording -> its (first) row
    duplicate: int  # the row that lists the duplicated device again
    garbage: dict[int, tuple[str, str]]  # sheet row -> (column, what the reason says)


def register_rows(devices: dict[str, Device]) -> Register:
    """The register's rows: one per device but the unregistered one, each role's error
    planted, the missing and the far servers, a duplicate, blank, garbage and 合计 rows."""
    rows: dict[int, list[Any]] = {}
    device_row: dict[str, int] = {}
    at = FIRST
    for n, (recording, d) in enumerate(sorted(devices.items())):
        role = ROLES[recording]
        if role == "unregistered":
            continue
        serial = d.serial
        if role == "wrong-serial":
            serial = f"{d.serial}-X"
        elif role == "duplicated" and serial:
            serial = full_width(serial)
        room = "二号机房" if role == "wrong-location" else ROOM  # its rack A01 in another room
        person = "someone.else@example.com" if role == "wrong-owner" else owner(recording)
        warranty = "2027-12-31" if role == "wrong-warranty" else FORMS[n % len(FORMS)]
        rows[at] = [at - FIRST + 1, f"设备{n + 1:02d}", TYPES[d.cls], "某品牌", d.model, serial,
                    d.hostname, LOCATION, room, RACK, person, TEAM, FORMS[(n + 1) % len(FORMS)],
                    warranty, None]  # fmt: skip
        device_row[recording] = at
        at += 2 if n == 1 else 1  # a blank row after the second device
    for spare in (MISSING, ELSEWHERE):
        rows[at] = [at - FIRST + 1, f"备用{spare.hostname}", "服务器", "Dell", "R740",
                    spare.serial, spare.hostname, LOCATION, ROOM, RACK, None, TEAM,
                    "2024/1/5", "2027年1月5日", None]  # fmt: skip
        at += 1
    dup = device_row[next(r for r, role in ROLES.items() if role == "duplicated")]
    rows[at] = [at - FIRST + 1, *rows[dup][1:]]  # the same device again
    duplicate, at = at, at + 1
    garbage = {
        at: ("F (序列号)", "no identifier"),
        at + 1: ("C (设备类型)", "unknown type '咖啡机'"),
        at + 2: ("N (保修截止)", "not a date: '三年'"),
    }
    rows[at] = [None, "无序列号设备", "交换机", "H3C", "S5130", None, None, LOCATION, None, None,
                None, None, None, None, "待补"]  # fmt: skip
    rows[at + 1] = [None, "咖啡机", "咖啡机", "Nespresso", "X1", "CAFE-1", None, None, None,
                    None, None, None, None, None, None]  # fmt: skip
    rows[at + 2] = [None, "接入交换机", "交换机", "H3C", "S5130", "PLN-BAD-DATE", None, None,
                    None, None, None, None, None, "三年", None]  # fmt: skip
    rows[at + 4] = ["合计", None, None, None, None, None, None, None, None, None, None, None,
                    None, None, len(device_row) + 2]  # fmt: skip
    return Register(rows, device_row, duplicate, garbage)


def write_register(path: Path, register: Register, sheet: str = "设备台账") -> Path:
    title = "2025年度设备台账" + full_width("(") + "运维合同" + full_width(")")
    field_workbook(sheet, title, HEAD, UNDER, register.rows).save(path)
    return path
