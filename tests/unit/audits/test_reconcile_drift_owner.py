"""Drift of a device's owner: the register's owner (责任人, a person) is compared with the
person the device is OWNED_BY and its department (使用部门) with the team, never one with
the other (a device owned by a person and a team, whichever sorts first)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from audits.reconcile import kinds
from audits.reconcile.frames import REGISTER_COLUMNS, Frames, devices_frame


def device(uid: str, serial: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    return {"uid": uid, "class": "Server", "name": uid, "status": "active",
            "serial_number": serial, "hostname": None, "model": None, "management_ip": None,
            "warranty_end": None, "seen": json.dumps({"snmp": "2026-01-01"}),
            "prov": json.dumps({"serial_number": "snmp"}), "links": links}  # fmt: skip


def owned(cls: str, name: str, source: str = "manual") -> dict[str, Any]:
    return {"type": "OWNED_BY", "class": cls, "name": name, "source": source, "within": []}


def frames(rows: list[dict[str, Any]]) -> Frames:
    empty = pd.DataFrame()
    return Frames(devices_frame(rows), frozenset(), 1, empty, empty, empty)


def register(*rows: tuple[int, str, str | None, str | None]) -> pd.DataFrame:
    """Register rows as audits.reconcile.frames.register_frame makes them (None: empty)."""
    blank = dict.fromkeys(REGISTER_COLUMNS)
    return pd.DataFrame([{**blank, "row": r, "serial": s, "owner": o, "department": d}
                         for r, s, o, d in rows], columns=REGISTER_COLUMNS)  # fmt: skip


def drifted(found: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {u: e["fields"] for u, e in zip(found["uid"], found["evidence"], strict=True)}


def test_owner_is_compared_with_the_person_and_department_with_the_team() -> None:
    # "NOC" sorts before any e-mail address: a comparison with the first owner link
    # would set the team against the person
    rows = [device("a", "S-A", [owned("Team", "NOC"), owned("Person", "zoe@example.com")]),
            device("b", "S-B", [owned("Team", "NOC"), owned("Person", "zoe@example.com")]),
            device("c", "S-C", [owned("Person", "ann@example.com", "register"),
                                owned("Team", "Ops")])]  # fmt: skip
    found = kinds.drift(register((4, "S-A", "zoe@example.com", "NOC"),
                                 (5, "S-B", "bob@example.com", "Storage"),
                                 (6, "S-C", "ann@example.com", "Ops")), frames(rows))  # fmt: skip
    assert drifted(found) == {"b": {
        "owner": {"register": "bob@example.com", "register_source": "register",
                  "current": "zoe@example.com", "current_source": "manual"},
        "department": {"register": "Storage", "register_source": "register",
                       "current": "NOC", "current_source": "manual"},
    }}  # fmt: skip


def test_a_register_naming_only_a_department_is_compared_with_the_team() -> None:
    rows = [device("a", "S-A", [owned("Person", "zoe@example.com"), owned("Team", "NOC")])]
    assert drifted(kinds.drift(register((4, "S-A", None, "NOC")), frames(rows))) == {}
    found = kinds.drift(register((4, "S-A", None, "Storage")), frames(rows))
    assert drifted(found) == {"a": {"department": {
        "register": "Storage", "register_source": "register", "current": "NOC",
        "current_source": "manual"}}}  # fmt: skip
