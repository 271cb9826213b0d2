"""Drift of a device's place: the register's 位置/机房/机柜 compared with the place the
device is LOCATED_IN named with the places it is within (the devices read gives a far
end's LOCATED_IN chain), so a rack of the same name in another room is a drift."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from audits.reconcile import kinds
from audits.reconcile.frames import REGISTER_COLUMNS, Frames, devices_frame, place_path


def device(uid: str, serial: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    return {"uid": uid, "class": "Server", "name": uid, "status": "active",
            "serial_number": serial, "hostname": None, "model": None, "management_ip": None,
            "warranty_end": None, "seen": json.dumps({"snmp": "2026-01-01"}),
            "prov": json.dumps({}), "links": links}  # fmt: skip


def located(cls: str, name: str, within: list[list[Any]], source: str = "manual") -> dict[str, Any]:
    return {"type": "LOCATED_IN", "class": cls, "name": name, "source": source,
            "within": within}  # fmt: skip


def register(*rows: tuple[int, str, str]) -> pd.DataFrame:
    """Register rows as audits.reconcile.frames.register_frame makes them (the place:
    location/room/rack, what the row names of them; None: empty)."""
    blank = dict.fromkeys(REGISTER_COLUMNS)
    return pd.DataFrame([{**blank, "row": r, "serial": s, "place": p} for r, s, p in rows],
                        columns=REGISTER_COLUMNS)  # fmt: skip


def places(found: pd.DataFrame) -> dict[str, tuple[str, str]]:
    return {u: (e["fields"]["place"]["register"], e["fields"]["place"]["current"])
            for u, e in zip(found["uid"], found["evidence"], strict=True)}  # fmt: skip


def test_a_place_is_named_with_the_places_it_is_within_outermost_first() -> None:
    assert place_path("A01", [[1, "一号机房"], [2, "总部大楼"]]) == "总部大楼/一号机房/A01"
    assert place_path("A01", [[2, "总部大楼"], [1, "一号机房"]]) == "总部大楼/一号机房/A01"
    assert place_path("HQ", []) == "HQ"


def test_the_same_rack_name_in_another_room_is_a_drift() -> None:
    rack = [[1, "一号机房"], [2, "总部大楼"]]
    rows = [device("a", "S-A", [located("Rack", "A01", rack)]),
            device("b", "S-B", [located("Rack", "A01", rack)]),
            device("c", "S-C", [located("Location", "HQ", [])])]  # fmt: skip
    frames = Frames(devices_frame(rows), frozenset(), 1, *(pd.DataFrame(),) * 3)
    found = kinds.drift(register((4, "S-A", "总部大楼/一号机房/A01"),
                                 (5, "S-B", "总部大楼/二号机房/A01"), (6, "S-C", "HQ")),
                        frames)  # fmt: skip
    assert places(found) == {"b": ("总部大楼/二号机房/A01", "总部大楼/一号机房/A01")}
